import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffSnapshots } from '../../src/core/sites/diff';
import { formatCounts, formatDiffTable, formatSnapshotSummary } from '../../src/cli/format';
import type { Snapshot } from '../../src/core/sites/model';
import { APP_DIR, frame, site, snapshot, stripAnsi } from './core-test-data';

const ESCAPE = '\u001b[';

const sendStack = [
  frame('node:internal/process/task_queues', 95, 5, 'processTicksAndRejections'),
  frame('src/sender.ts', 39, 11, 'send'),
  frame('src/main.ts', 12, 3, 'main'),
];
const blocked = (count: number) => site({ kind: 'blocked', at: frame('src/sender.ts', 39, 11, 'send'), count, stack: sendStack });
const timer = (count: number) => site({ type: 'Timeout', at: frame('src/poll.ts', 3, 5, 'startPolling'), count });
const library = (count: number) => site({ at: frame('node_modules/pg/lib/client.js', 210, 14, 'Client.query'), count });
const steady = site({ type: 'TCPWRAP', at: frame('src/db.ts', 8, 1, 'connect'), count: 1 });

function sampleDiff() {
  const before = snapshot([blocked(3), timer(5), library(10), steady], { label: 'idle' });
  const after = snapshot([blocked(1203), timer(45), library(2), steady], { takenAt: '2026-11-26T14:05:00.000Z' });
  return diffSnapshots(before, after);
}

/** Data rows of the diff table: the lines between the header and the first blank line. */
function tableRows(text: string): string[] {
  const lines = text.split('\n');
  const header = lines.findIndex((line) => line.includes('DELTA'));
  const end = lines.indexOf('', header);
  return lines.slice(header + 1, end).filter((line) => !line.startsWith('…'));
}

test('the diff table lists changed sites by growth with relative locations, aligned', () => {
  const text = formatDiffTable(sampleDiff(), { cwd: APP_DIR });
  const rows = tableRows(text);
  assert.equal(rows.length, 3, text);
  assert.match(rows[0], /^\+1,200\s+3 → 1,203\s+blocked at\s+PROMISE\s+src\/sender\.ts:39:11\s+send$/);
  assert.match(rows[1], /^\s+\+40\s+5 → 45\s+created at\s+Timeout\s+src\/poll\.ts:3:5\s+startPolling$/);
  assert.match(rows[2], /^\s+-8\s+10 → 2\s+created at\s+PROMISE\s+node_modules\/pg\/lib\/client\.js:210:14\s+Client\.query$/);
  // Columns line up: the arrows and the locations start at the same offset on every row.
  const header = text.split('\n').find((line) => line.includes('DELTA')) as string;
  assert.equal(new Set([header, ...rows].map((row) => row.indexOf('→'))).size, 1);
  assert.equal(
    new Set([header.indexOf('LOCATION'), ...rows.map((row) => row.indexOf(row.includes('node_modules') ? 'node_modules' : 'src/'))]).size,
    1,
  );
  assert.match(text, /1 unchanged site hidden/);
  assert.doesNotMatch(text, /src\/db\.ts/, 'zero-delta rows are hidden');
  assert.ok(!text.includes(ESCAPE), 'no color unless asked');
});

test('unchanged rows on request, a limit with a note of what was left out', () => {
  const all = formatDiffTable(sampleDiff(), { cwd: APP_DIR, includeUnchanged: true });
  assert.equal(tableRows(all).length, 4);
  assert.match(all, /src\/db\.ts:8:1/);

  const limited = formatDiffTable(sampleDiff(), { cwd: APP_DIR, limit: 1 });
  assert.equal(tableRows(limited).length, 1);
  assert.match(limited, /2 more changed sites not shown \(limit 1\); 1 unchanged site hidden/);
});

test('the top growing site comes with its example stack, the site frame marked', () => {
  const text = formatDiffTable(sampleDiff(), { cwd: APP_DIR });
  assert.match(text, /Top growing site: blocked at src\/sender\.ts:39:11, PROMISE, \+1,200/);
  const stackLines = text.split('\n').filter((line) => line.includes(' at ') && line.includes('('));
  assert.deepEqual(stackLines, [
    '    at processTicksAndRejections (node:internal/process/task_queues:95:5)',
    '  > at send (src/sender.ts:39:11)',
    '    at main (src/main.ts:12:3)',
  ]);
  assert.doesNotMatch(formatDiffTable(sampleDiff(), { cwd: APP_DIR, stacks: false }), /Top growing site/);
  assert.match(formatDiffTable(sampleDiff(), { cwd: APP_DIR, stackDepth: 1 }), /… 2 more frames/);
});

test('paths outside cwd stay absolute; a compiled position is shown when a map moved the site', () => {
  const moved = { ...blocked(10), generatedFrame: frame('dist/sender.js', 31, 9, 'send') };
  const text = formatDiffTable(diffSnapshots(snapshot([]), snapshot([moved])), { cwd: '/somewhere/else' });
  assert.match(text, /\/srv\/app\/src\/sender\.ts:39:11/);
  assert.match(text, /\(compiled: \/srv\/app\/dist\/sender\.js:31:9\)/);
});

test('nothing changed: says so instead of an empty table', () => {
  const same = snapshot([steady]);
  const text = formatDiffTable(diffSnapshots(same, same));
  assert.match(text, /No site grew or shrank \(1 site unchanged\)/);
  assert.doesNotMatch(text, /DELTA|Top growing/);
});

test('color adds ANSI styles only, the text stays the same', () => {
  const plain = formatDiffTable(sampleDiff(), { cwd: APP_DIR });
  const colored = formatDiffTable(sampleDiff(), { cwd: APP_DIR, color: true });
  assert.ok(colored.includes(`${ESCAPE}31m+1,200`), 'growth is red');
  assert.equal(stripAnsi(colored), plain);
  const summary = formatSnapshotSummary(snapshot([blocked(5)]), { color: true });
  assert.equal(stripAnsi(summary), formatSnapshotSummary(snapshot([blocked(5)])));
});

test('the snapshot summary gives totals by type and the top sites by count', () => {
  const snap: Snapshot = snapshot([timer(45), blocked(1203), library(2), steady], {
    label: 'after load',
    stats: { created: {}, dropped: { PROMISE: 12 }, droppedStacks: 3, samplingRate: { PROMISE: 1 / 256, Timeout: 1 } },
  });
  const text = formatSnapshotSummary(snap, { cwd: APP_DIR, limit: 2 });
  assert.match(text, /^Snapshot "after load" of pid 4242 \(Node v20\.20\.2, node\)/);
  assert.match(text, /1,251 pending async resources in 4 sites/);
  const byType = text.slice(text.indexOf('By type:'), text.indexOf('Already alive'));
  assert.deepEqual(
    byType
      .split('\n')
      .slice(2)
      .filter(Boolean)
      .map((line) => line.trim().split(/\s+/)),
    [
      ['PROMISE', '1,205', '1,205', '0'],
      ['Timeout', '45', '45', '0'],
      ['TCPWRAP', '1', '1', '0'],
    ],
  );
  assert.match(text, /Already alive when the agent attached \(no site known\): TCPSERVERWRAP 1/);
  const siteLines = text.split('\n').filter((line) => / (blocked|created) at /.test(line));
  assert.equal(siteLines.length, 2);
  assert.match(siteLines[0], /1,203\s+blocked at\s+PROMISE\s+src\/sender\.ts:39:11\s+send\s+1\.5 s$/);
  assert.match(siteLines[1], /45\s+created at\s+Timeout\s+src\/poll\.ts:3:5/);
  assert.match(text, /2 more sites not shown \(limit 2\)/);
  assert.match(text, /samples dropped \(PROMISE 12\); 3 stacks not kept/);
  assert.match(text, /estimates\): PROMISE 1 in 256/);
});

test('sites in worker threads get a THREAD column', () => {
  const inWorker = site({ thread: 2, at: frame('src/worker.ts', 8, 20, 'consume'), count: 9 });
  const text = formatSnapshotSummary(snapshot([inWorker, timer(3)]), { cwd: APP_DIR });
  assert.match(text, /THREAD/);
  assert.match(text, /9\s+created at\s+PROMISE\s+worker 2\s+src\/worker\.ts:8:20/);
  assert.match(text, /3\s+created at\s+Timeout\s+main\s+src\/poll\.ts/);
  assert.doesNotMatch(formatSnapshotSummary(snapshot([timer(3)])), /THREAD/);
});

test('live counts: sorted by count, trend against the previous sample, vanished types shown as 0', () => {
  const previous = { t: 1000, counts: { PROMISE: 1200, Timeout: 12, TCPWRAP: 2 }, total: 1214 };
  const sample = { t: 2000, counts: { Timeout: 12, PROMISE: 1234 }, total: 1246 };
  const rows = formatCounts(sample, previous)
    .trimEnd()
    .split('\n')
    .map((line) => line.split(/\s{2,}/));
  assert.deepEqual(rows, [
    ['TYPE', 'COUNT', 'TREND'],
    ['PROMISE', '1,234', '↑ +34'],
    ['Timeout', '12', '→'],
    ['TCPWRAP', '0', '↓ -2'],
    ['total', '1,246', '↑ +32'],
  ]);
  const first = formatCounts(sample).trimEnd().split('\n');
  assert.deepEqual(
    first.map((line) => line.split(/\s{2,}/)),
    [
      ['TYPE', 'COUNT'],
      ['PROMISE', '1,234'],
      ['Timeout', '12'],
      ['total', '1,246'],
    ],
  );
  assert.ok(formatCounts(sample, previous, { color: true }).includes(`${ESCAPE}31m↑ +34`));
});

test('snapshot and diff text add up: sites plus the promises with no site, and why they have none', async () => {
  const { diffSnapshots } = await import('../../src/core/sites/diff');
  const before = snapshot([blocked(10)], { totals: { PROMISE: 30 } });
  const after = snapshot([blocked(60)], { totals: { PROMISE: 280 } });
  const summary = formatSnapshotSummary(after, { cwd: APP_DIR });
  assert.match(summary, /280 pending async resources: 60 in 1 site, 220 with no site/);
  assert.match(summary, /PROMISE 220 with no site: results of the suspended calls above/);
  const diff = formatDiffTable(diffSnapshots(before, after), { cwd: APP_DIR });
  assert.match(diff, /PROMISE \+250 = \+50 in sites, \+200 with no site: results of the suspended calls above/);
  // Totals that their sites account for get no such line.
  assert.doesNotMatch(formatDiffTable(diffSnapshots(snapshot([blocked(10)]), snapshot([blocked(60)])), { cwd: APP_DIR }), /with no site/);
});
