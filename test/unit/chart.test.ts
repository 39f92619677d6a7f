import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labelRows } from '../../media/chart/label-rows';
import { appendSamples, toColumns, typeOrder, windowStart } from '../../media/chart/series';
import { chartPageHtml, contentSecurityPolicy } from '../../src/extension/chart/chart-html';
import { parseWebviewMessage } from '../../src/shared/chart-protocol';
import type { CountSample } from '../../src/core/sites/model';

const sample = (t: number, counts: Record<string, number>): CountSample => ({
  t,
  counts,
  total: Object.values(counts).reduce((a, b) => a + b, 0),
});

test('messages from the page are accepted only when well formed', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseWebviewMessage({ type: 'selectTarget', targetId: 'target-2' }), { type: 'selectTarget', targetId: 'target-2' });
  const rendered = { type: 'rendered', targetId: 'target-1', samples: 3, points: 6, series: 2, markers: 1, window: '5m', paused: false };
  assert.deepEqual(parseWebviewMessage({ ...rendered, extra: 'dropped' }), rendered);
  for (const bad of [
    null,
    'ready',
    [],
    { type: 'nope' },
    { type: 'selectTarget' },
    { type: 'selectTarget', targetId: 7 },
    { type: 'selectTarget', targetId: 'x'.repeat(5000) },
    { ...rendered, samples: -1 },
    { ...rendered, points: 1.5 },
    { ...rendered, window: '2h' },
    { ...rendered, markers: undefined },
    { ...rendered, paused: 'no' },
    { type: 'error', message: '' },
  ]) {
    assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad));
  }
});

test('the page has a strict CSP: nothing by default, scripts by nonce, styles and images from the extension only', () => {
  const csp = contentSecurityPolicy('https://ext.example', 'abc123');
  assert.equal(csp, "default-src 'none'; script-src 'nonce-abc123'; style-src https://ext.example; img-src https://ext.example data:");
  const html = chartPageHtml({
    cspSource: 'https://ext.example',
    scriptUri: 'https://ext.example/chart.js',
    styleUri: 'https://ext.example/chart.css',
    nonce: 'abc123',
  });
  assert.match(html, /<script nonce="abc123" src="https:\/\/ext\.example\/chart\.js"><\/script>/);
  assert.doesNotMatch(html, /unsafe-inline|unsafe-eval|style=/);
  assert.equal((html.match(/<script/g) ?? []).length, 1, 'one script, no inline code');
  const fresh = [
    chartPageHtml({ cspSource: 'x', scriptUri: 'y', styleUri: 'z' }),
    chartPageHtml({ cspSource: 'x', scriptUri: 'y', styleUri: 'z' }),
  ];
  assert.notEqual(fresh[0].match(/nonce-([^']+)/)![1], fresh[1].match(/nonce-([^']+)/)![1], 'a new nonce each time');
});

test('samples are appended in time order, repeats dropped, capped from the front', () => {
  const kept: CountSample[] = [];
  assert.equal(
    appendSamples(kept, [sample(1000, { A: 1 }), sample(2000, { A: 2 }), sample(2000, { A: 9 }), sample(1500, { A: 9 })], 10),
    0,
  );
  assert.deepEqual(
    kept.map((s) => s.t),
    [1000, 2000],
  );
  assert.equal(
    appendSamples(
      kept,
      [3000, 4000, 5000].map((t) => sample(t, { A: 1 })),
      3,
    ),
    2,
  );
  assert.deepEqual(
    kept.map((s) => s.t),
    [3000, 4000, 5000],
  );
});

test('a time window keeps the samples of its last span', () => {
  const samples = Array.from({ length: 600 }, (_, i) => sample(i * 1000, { A: i }));
  assert.equal(windowStart(samples, '1m'), 599 - 60);
  assert.equal(windowStart(samples, '5m'), 599 - 300);
  assert.equal(windowStart(samples, '15m'), 0);
  assert.equal(windowStart(samples, 'all'), 0);
  assert.equal(windowStart([], '1m'), 0);
});

test('columns: one per type in stable order, missing counts are 0', () => {
  const samples = [sample(1000, { PROMISE: 3 }), sample(2000, { PROMISE: 4, Timeout: 1 }), sample(3000, { Timeout: 2 })];
  const types = typeOrder(samples, ['TCPWRAP']);
  assert.deepEqual(types, ['TCPWRAP', 'PROMISE', 'Timeout']);
  const columns = toColumns(samples, 'all', types);
  assert.deepEqual(columns.xs, [1, 2, 3]);
  assert.deepEqual(columns.ys, [
    [0, 0, 0],
    [3, 4, 0],
    [0, 1, 2],
  ]);
  assert.equal(columns.points, 9);
});

test('marker labels: close ones go to the next row, far ones share the top row, rows are capped', () => {
  assert.deepEqual(
    labelRows(
      [
        { start: 0, end: 100 },
        { start: 50, end: 150 },
        { start: 200, end: 300 },
      ],
      3,
    ),
    [0, 1, 0],
  );
  assert.deepEqual(
    labelRows(
      [
        { start: 0, end: 100 },
        { start: 10, end: 110 },
        { start: 20, end: 120 },
        { start: 30, end: 130 },
      ],
      3,
    ),
    [0, 1, 2, 0],
  );
  // Input order is kept whatever the x order; a label left of its line counts by its span.
  assert.deepEqual(
    labelRows(
      [
        { start: 300, end: 400 },
        { start: 0, end: 350 },
      ],
      2,
    ),
    [1, 0],
  );
  assert.deepEqual(labelRows([], 3), []);
});
