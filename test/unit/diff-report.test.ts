import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffSnapshots } from '../../src/core/sites/diff';
import { buildDiffReport, frameForRequest, type ReportSnapshot } from '../../src/extension/report/report-model';
import { escapeHtml } from '../../src/extension/escape-html';
import { renderReportHtml } from '../../src/extension/report/report-html';
import { locationHtml } from '../../src/extension/location-html';
import { parseReportMessage } from '../../src/shared/report-protocol';
import { selectedSnapshotIds, snapshotIdOf, targetIdOf } from '../../src/extension/command-arguments';
import { frame, site, snapshot } from './core-test-data';

const workers = (count: number) =>
  site({
    kind: 'blocked',
    at: frame('src/workers.ts', 41, 20, 'runWorker'),
    count,
    stack: [frame('src/workers.ts', 41, 20, 'runWorker'), frame('node:events', 524, 28, 'emit')],
  });
const queue = (count: number) => site({ at: frame('src/queue.ts', 30, 16, 'next'), count });
const timer = (count: number) => site({ type: 'Timeout', at: frame('src/poll.ts', 3, 5, 'startPolling'), count });
const shrinking = (count: number) => site({ type: 'TCPWRAP', at: frame('src/client.ts', 9, 3, 'connect'), count });

function pair(before: ReturnType<typeof snapshot>, after: ReturnType<typeof snapshot>): [ReportSnapshot, ReportSnapshot] {
  return [
    { name: '14:00:00 before', origin: 'pid 4242', snapshot: before },
    { name: '14:01:00 after', origin: 'pid 4242', snapshot: { ...after, takenAt: '2026-11-26T14:01:00.000Z' } },
  ];
}

test('the report lists exactly the changed sites of diffSnapshots, in its order', () => {
  const [before, after] = pair(
    snapshot([queue(0), workers(0), timer(2), shrinking(5)]),
    snapshot([queue(100), workers(100), timer(2), shrinking(1)]),
  );
  const report = buildDiffReport(before, after);
  const expected = diffSnapshots(before.snapshot, after.snapshot).sites.filter((s) => s.delta !== 0);
  assert.deepEqual(
    report.rows.map((r) => [r.siteId, r.before, r.after, r.delta]),
    expected.map((s) => [s.id, s.before, s.after, s.delta]),
  );
  assert.equal(report.rows[0].location, '/srv/app/src/workers.ts:41:20', 'blocked-at user code first among equal growth');
  assert.equal(report.rows[0].kindLabel, 'blocked at');
  assert.equal(report.unchanged, 1);
  assert.equal(report.top?.row.siteId, workers(0).id);
  assert.deepEqual(
    report.top?.stack.map((f) => [f.location, f.internal]),
    [
      ['/srv/app/src/workers.ts:41:20', false],
      ['node:events:524:28', true],
    ],
  );
  assert.deepEqual(
    report.totals.map((t) => [t.type, t.delta]),
    [
      ['PROMISE', 200],
      ['Timeout', 0],
      ['TCPWRAP', -4],
    ],
  );
  assert.deepEqual(report.warnings, []);
});

test('past the limit the report says how many changed sites it left out', () => {
  const many = (n: number) => Array.from({ length: 30 }, (_, i) => site({ at: frame(`src/f${i}.ts`, 1, 1, 'f'), count: n * (i + 1) }));
  const [before, after] = pair(snapshot(many(0)), snapshot(many(1)));
  const report = buildDiffReport(before, after, { limit: 10 });
  assert.equal(report.rows.length, 10);
  assert.equal(report.hiddenChanged, 20);
  assert.equal(report.rows[0].delta, 30);
});

test('snapshots of different processes, or in reverse order, carry a warning', () => {
  const [before, after] = pair(snapshot([queue(1)]), snapshot([queue(2)]));
  const other = { ...after, snapshot: { ...after.snapshot, target: { ...after.snapshot.target, pid: 99 } } };
  assert.match(buildDiffReport(before, other).warnings.join(' '), /different processes \(pid 4242 and pid 99\)/);
  assert.match(buildDiffReport(after, before).warnings.join(' '), /taken after/);
});

test('the page escapes everything from the snapshot and runs only its own nonce script', () => {
  const evil = site({
    kind: 'blocked',
    at: frame('src/<img src=x onerror=alert(1)>.ts', 7, 1, '</script><script>alert(2)</script>'),
    count: 5,
  });
  const [before, after] = pair(snapshot([]), snapshot([evil], { label: '"><b>x' }));
  const report = buildDiffReport({ ...before, name: '<i>before</i>' }, after, { canOpen: () => true });
  const html = renderReportHtml(report, {
    cspSource: 'vscode-webview://abc',
    styleUri: 'vscode-webview://abc/report.css',
    nonce: 'bm9uY2U=',
  });
  assert.doesNotMatch(html, /<img/);
  assert.doesNotMatch(html, /<i>before/);
  assert.doesNotMatch(html, /<script>alert/);
  assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;\.ts:7:1/);
  assert.equal(html.match(/<script/g)?.length, 1);
  assert.match(html, /<script nonce="bm9uY2U=">/);
  assert.match(html, /content="default-src &#39;none&#39;; style-src vscode-webview:\/\/abc; script-src &#39;nonce-bm9uY2U=&#39;;"/);
  assert.match(html, new RegExp(`data-site="${evil.id}"`));
});

test('sites whose file cannot be opened are shown without a link', () => {
  const [before, after] = pair(snapshot([]), snapshot([workers(3)]));
  const html = renderReportHtml(buildDiffReport(before, after, { canOpen: () => false }), { cspSource: 'x', styleUri: 'y', nonce: 'n' });
  assert.doesNotMatch(html, /data-site=/);
  assert.match(html, /workers\.ts:41:20/);
});

test('escapeHtml escapes the five special characters', () => {
  assert.equal(escapeHtml(`<a href="x" title='y'>&</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
});

test('page messages: only "open" with a site id (and a frame index) is accepted', () => {
  assert.deepEqual(parseReportMessage({ type: 'open', siteId: 'abc' }), { type: 'open', siteId: 'abc' });
  assert.deepEqual(parseReportMessage({ type: 'open', siteId: 'abc', frame: 2 }), { type: 'open', siteId: 'abc', frame: 2 });
  for (const bad of [
    null,
    'open',
    [],
    { type: 'run', siteId: 'abc' },
    { type: 'open' },
    { type: 'open', siteId: '' },
    { type: 'open', siteId: 5 },
    { type: 'open', siteId: 'a', frame: -1 },
    { type: 'open', siteId: 'a', frame: 1.5 },
    { type: 'open', siteId: 'a', frame: '1' },
    { type: 'open', siteId: 'x'.repeat(500) },
  ]) {
    assert.equal(parseReportMessage(bad), undefined, JSON.stringify(bad));
  }
});

test('an open request resolves to a frame only for sites of this diff', () => {
  const [before, after] = pair(snapshot([]), snapshot([workers(3)]));
  const report = buildDiffReport(before, after);
  assert.deepEqual(frameForRequest(report, workers(0).id, undefined), workers(0).frame);
  assert.deepEqual(frameForRequest(report, workers(0).id, 1), frame('node:events', 524, 28, 'emit'));
  assert.equal(frameForRequest(report, workers(0).id, 9), undefined);
  assert.equal(frameForRequest(report, 'not-a-site', undefined), undefined);
  assert.equal(frameForRequest(report, '/etc/passwd', undefined), undefined);
});

test('command arguments: ids, tree nodes and context-menu selections', () => {
  const source = { from: 'target' as const, targetId: 'target-2' };
  assert.equal(targetIdOf('target-1'), 'target-1');
  assert.equal(targetIdOf({ kind: 'target', targetId: 'target-3' }), 'target-3');
  assert.equal(targetIdOf({ kind: 'type', source, type: 'PROMISE' }), 'target-2');
  assert.equal(targetIdOf({ kind: 'snapshots' }), undefined);
  assert.equal(targetIdOf(undefined), undefined);
  assert.equal(snapshotIdOf({ kind: 'snapshot', snapshotId: 'snapshot-4' }), 'snapshot-4');
  assert.equal(snapshotIdOf({ kind: 'type', source, type: 'PROMISE' }), undefined);
  const a = { kind: 'snapshot', snapshotId: 'snapshot-1' };
  const b = { kind: 'snapshot', snapshotId: 'snapshot-2' };
  assert.deepEqual(selectedSnapshotIds(a, [a, b, { kind: 'target', targetId: 't' }]), ['snapshot-1', 'snapshot-2']);
  assert.deepEqual(selectedSnapshotIds(a, undefined), ['snapshot-1']);
});

test("the report's totals add up: each type's change splits into its sites' and the rest with no site, with why", () => {
  const [before, after] = pair(snapshot([workers(0)], { totals: { PROMISE: 10 } }), snapshot([workers(50)], { totals: { PROMISE: 260 } }));
  const report = buildDiffReport(before, after);
  const promise = report.totals.find((t) => t.type === 'PROMISE')!;
  assert.deepEqual([promise.delta, promise.inSitesDelta, promise.withoutSiteDelta], [250, 50, 200]);
  assert.match(promise.withoutSiteWhy!, /results of the suspended calls above/);
  const html = renderReportHtml(report, { cspSource: 'x', styleUri: 'style.css', nonce: 'n' });
  assert.match(html, /PROMISE \+250 = \+50 in sites, \+200 with no site: results of the suspended calls above/);
});

test("the report's example stack lists your frames, the library frames folded in one row", () => {
  const lib = (i: number) => frame(`/srv/app/node_modules/express/lib/router/l${i}.js`, i + 1, 1, `handle${i}`);
  const handler = site({
    kind: 'blocked',
    at: frame('src/app.js', 12, 5, ''),
    count: 0,
    stack: [frame('src/app.js', 12, 5, ''), lib(1), frame('node:internal/x', 3, 1, 'x'), lib(2)],
  });
  const [before, after] = pair(snapshot([handler]), snapshot([{ ...handler, count: 9 }]));
  const report = buildDiffReport(before, after);
  assert.deepEqual(
    report.top?.stack.map((f) => f.index),
    [0],
  );
  assert.deepEqual(
    report.top?.library.map((f) => f.index),
    [1, 2, 3],
  );
  const html = renderReportHtml(report, { cspSource: 'x', styleUri: 'style.css', nonce: 'n' });
  assert.match(html, /<details class="library"><summary>3 library frames<\/summary>/);
});

test('a location wraps only after a folder slash: the file name and line stay whole', () => {
  assert.equal(
    locationHtml('src/lib/t9-express-pool.js:41:7'),
    '<span class="dir">src/<wbr>lib/<wbr></span><span class="file">t9-express-pool.js:41:7</span>',
  );
  assert.equal(locationHtml('t9-express-pool.js:41'), '<span class="file">t9-express-pool.js:41</span>');
  assert.equal(locationHtml('a/<b>.js:1'), '<span class="dir">a/<wbr></span><span class="file">&lt;b&gt;.js:1</span>');
});

test('abandoned tasks: their own section with the awaits whose count changed, escaped, and openable by site id', () => {
  const at = frame('src/fan<out>.ts', 41, 19, 'queryMirror');
  const gone = (n: number) => ({ ...site({ kind: 'blocked', at, count: 0 }), abandoned: n });
  const [before, after] = pair(snapshot([gone(10), queue(3)]), snapshot([gone(50), queue(3)]));
  const report = buildDiffReport(before, after, { canOpen: () => true });
  assert.deepEqual(
    report.abandoned.map((r) => [r.functionName, r.before, r.after, r.delta]),
    [['queryMirror', 10, 50, 40]],
  );
  assert.deepEqual(report.rows, [], 'nothing pending changed');
  const html = renderReportHtml(report, { cspSource: 'x', styleUri: 'y', nonce: 'n' });
  assert.match(
    html,
    /<h2>Abandoned tasks<\/h2><p class="warning">Abandoned: tasks collected while suspended — the code after this await and its finally blocks never ran\.<\/p>/,
  );
  assert.match(html, /<td class="num delta">\+40<\/td><td class="num">10 → 50<\/td>/);
  assert.doesNotMatch(html, /fan<out>/, 'escaped');
  assert.deepEqual(frameForRequest(report, report.abandoned[0].siteId, undefined), at);
  const none = buildDiffReport(...pair(snapshot([queue(3)]), snapshot([queue(5)])));
  assert.doesNotMatch(renderReportHtml(none, { cspSource: 'x', styleUri: 'y', nonce: 'n' }), /Abandoned tasks/);
});
