import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileKey, hintText, severityOf, SiteIndex } from '../../src/extension/editor/line-marks';
import { APP_DIR, frame, site, snapshot } from './core-test-data';

const SERVER = `${APP_DIR}/server.js`;

test('sites are indexed by file and line; a line with several sites is one mark', () => {
  const blocked = site({ kind: 'blocked', at: frame('server.js', 41, 20, 'runWorker'), count: 30, oldestAgeMs: 900 });
  const created = site({ at: frame('server.js', 41, 5, 'runWorker'), count: 2, oldestAgeMs: 4000 });
  const other = site({ type: 'Timeout', at: frame('server.js', 55, 7, 'tick'), count: 1 });
  const elsewhere = site({ at: frame('lib/queue.js', 30, 16, 'next'), count: 30 });
  const index = new SiteIndex();
  const changed = index.setSource({ id: 'target:1', label: 'pid 1', snapshot: snapshot([blocked, created, other, elsewhere]) });

  assert.deepEqual([...changed].sort(), [`${APP_DIR}/lib/queue.js`, SERVER]);
  const marks = index.marksForFile(SERVER);
  assert.deepEqual(
    marks.map((m) => m.line),
    [41, 55],
  );
  const [line41, line55] = marks;
  assert.equal(line41.kind, 'blocked');
  assert.deepEqual([line41.count, line41.blockedCount, line41.createdCount], [32, 30, 2]);
  assert.equal(line41.oldestAgeMs, 4000);
  assert.equal(line41.sites[0].site.id, blocked.id, 'blocked sites first');
  assert.equal(line41.growth, undefined, 'no previous snapshot, no growth');
  assert.equal(line55.kind, 'created');
  assert.equal(index.marksForFile('/not/indexed.js').length, 0);
});

test('growth is counted against the previous snapshot of the same source, by site id', () => {
  const at = frame('server.js', 41, 20, 'runWorker');
  const newcomer = site({ at: frame('server.js', 60, 3, 'later'), count: 4 });
  const index = new SiteIndex();
  index.setSource({
    id: 'target:1',
    label: 'pid 1',
    snapshot: snapshot([site({ kind: 'blocked', at, count: 130 }), newcomer], { takenAt: '2026-11-26T14:00:05.000Z' }),
    previous: snapshot([site({ kind: 'blocked', at, count: 100 })], { takenAt: '2026-11-26T14:00:00.000Z' }),
  });
  const [grown, fresh] = index.marksForFile(SERVER);
  assert.equal(grown.growth, 30);
  assert.equal(grown.sites[0].growthSpanMs, 5000);
  assert.equal(fresh.growth, 4, 'absent before counts as 0');
});

test('sources merge per line and are replaced or removed one at a time', () => {
  const at = frame('server.js', 41, 20, 'runWorker');
  const index = new SiteIndex();
  index.setSource({ id: 'target:1', label: 'pid 1', snapshot: snapshot([site({ kind: 'blocked', at, count: 10 })]) });
  index.setSource({ id: 'target:2', label: 'pid 2', snapshot: snapshot([site({ kind: 'blocked', at, count: 5 })]) });
  assert.equal(index.marksForFile(SERVER)[0].count, 15);
  assert.equal(index.marksForFile(SERVER)[0].sites.length, 2);

  const moved = index.setSource({
    id: 'target:1',
    label: 'pid 1',
    snapshot: snapshot([site({ at: frame('other.js', 3, 1, 'f'), count: 1 })]),
  });
  assert.deepEqual([...moved].sort(), [`${APP_DIR}/other.js`, SERVER], 'the files it left and the files it entered');
  assert.equal(index.marksForFile(SERVER)[0].count, 5);

  assert.deepEqual([...index.removeSource('target:2')], [SERVER]);
  assert.equal(index.marksForFile(SERVER).length, 0);
  assert.deepEqual([...index.removeSource('target:2')], [], 'removing twice changes nothing');
});

test('frames that cannot be opened are not marked', () => {
  const index = new SiteIndex();
  index.setSource({
    id: 's',
    label: 's',
    snapshot: snapshot([
      site({ at: frame('node:net', 175, 12, 'createHandle'), count: 3 }),
      site({ at: { file: '', line: 0, column: 0, function: '' }, count: 3 }),
    ]),
  });
  assert.deepEqual(index.sourceIds(), ['s']);
  assert.equal(index.marksForFile('node:net').length, 0);
});

test('severity: blocked tasks weigh four times created resources', () => {
  assert.equal(severityOf(0, 1), 'low');
  assert.equal(severityOf(0, 10), 'medium');
  assert.equal(severityOf(3, 0), 'medium');
  assert.equal(severityOf(0, 99), 'medium');
  assert.equal(severityOf(25, 0), 'high');
  assert.equal(severityOf(0, 100), 'high');
});

test('hint text says count, kind, type and growth', () => {
  const index = new SiteIndex();
  const at = frame('server.js', 41, 20, 'runWorker');
  index.setSource({
    id: 't',
    label: 't',
    snapshot: snapshot([
      site({ kind: 'blocked', at, count: 30 }),
      site({ type: 'Timeout', at: frame('server.js', 20, 3, 'start'), count: 1 }),
    ]),
    previous: snapshot([site({ kind: 'blocked', at, count: 18 })]),
  });
  const [timer, worker] = index.marksForFile(SERVER);
  assert.equal(hintText(worker), '30 tasks blocked here (+12)');
  assert.equal(hintText(timer), '1 Timeout created here (+1)');
});

test('estimated counts are marked with ~', () => {
  const sampled = { ...site({ at: frame('server.js', 7, 1, 'f'), count: 1200 }), sampled: 300 };
  const index = new SiteIndex();
  index.setSource({ id: 't', label: 't', snapshot: snapshot([sampled]) });
  assert.equal(hintText(index.marksForFile(SERVER)[0]), '~1,200 PROMISE created here');
});

test('file keys are case-insensitive with either slash on Windows only', () => {
  assert.equal(fileKey('C:/App/Server.js', 'win32'), 'c:\\app\\server.js');
  assert.equal(fileKey('/srv/App.js', 'linux'), '/srv/App.js');
});

test('a site the growth detector flags makes its line high severity and says its rate', () => {
  const steady = site({ at: frame('server.js', 20, 3, 'refresh'), type: 'Timeout', count: 2 });
  const index = new SiteIndex();
  index.setSource({
    id: 'target:1',
    label: 'pid 1',
    snapshot: snapshot([steady]),
    growing: new Map([[steady.id, '+2.0 pending per minute']]),
  });
  const [mark] = index.marksForFile(SERVER);
  assert.equal(mark.growingRate, '+2.0 pending per minute');
  assert.equal(mark.severity, 'high', 'a count of 2 alone would be low');
  assert.match(hintText(mark), /growing \+2\.0 pending per minute$/);
  index.setSource({ id: 'target:1', label: 'pid 1', snapshot: snapshot([steady]) });
  const [calm] = index.marksForFile(SERVER);
  assert.equal(calm.growingRate, undefined);
  assert.equal(calm.severity, severityOf(0, 2));
});

test('abandoned tasks: a line where every task was abandoned gets its own mark kind and hint; a pending line says so too', () => {
  const gone = { ...site({ kind: 'blocked', at: frame('server.js', 41, 19, 'queryMirror'), count: 0 }), abandoned: 60 };
  const both = { ...site({ kind: 'blocked', at: frame('server.js', 57, 19, 'refreshCache'), count: 3 }), abandoned: 4 };
  const plain = site({ kind: 'blocked', at: frame('server.js', 70, 3, 'other'), count: 2 });
  const index = new SiteIndex();
  index.setSource({ id: 'target:1', label: 'pid 1', snapshot: snapshot([gone, both, plain]) });
  const [line41, line57, line70] = index.marksForFile(SERVER);
  assert.deepEqual([line41.kind, line41.count, line41.abandonedCount, line41.severity], ['abandoned', 0, 60, 'high']);
  assert.equal(hintText(line41), '~60 tasks abandoned here (never finished)');
  assert.deepEqual([line57.kind, line57.abandonedCount], ['blocked', 4]);
  assert.equal(hintText(line57), '3 tasks blocked here · ~4 tasks abandoned here (never finished)');
  assert.deepEqual([line70.kind, line70.abandonedCount, hintText(line70)], ['blocked', 0, '2 tasks blocked here']);
});
