import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readSites, TopK } from '../../src/agent/site-readout';
import type { Site } from '../../src/agent/sites';
import { LeakMetricsView } from '../../src/metrics/collect';
import type { LeakReadings, Reading } from '../../src/metrics/leak-readings';
import { fileLabel, mergeByLabels } from '../../src/metrics/leak-readings';
import { toPrometheusText } from '../../src/metrics/prometheus-text';
import { StickyTop } from '../../src/metrics/sticky-top';

function site(line: number, weight: number, extra: Partial<Site> = {}): Site {
  return {
    kind: 'created',
    type: 'PROMISE',
    frame: { file: '/app/a.js', line, column: 1, function: 'f' },
    userCode: true,
    stack: [],
    live: new Set(),
    weight,
    ...extra,
  } as Site;
}

test('TopK keeps the largest scores, whatever the order they come in', () => {
  for (const order of [
    [1, 2, 3, 4, 5, 6, 7, 8],
    [8, 7, 6, 5, 4, 3, 2, 1],
    [5, 1, 8, 3, 7, 2, 6, 4],
  ]) {
    const top = new TopK<number>(3);
    for (const n of order) top.offer(n, n);
    assert.deepEqual(top.items().sort(), [6, 7, 8]);
  }
});

test('readSites: top by pending, plus top by abandoned (estimated from the tally), unsited left out', () => {
  const sites = [
    site(1, 10),
    site(2, 5),
    site(3, 0, { kind: 'blocked', abandoned: { weight: 6.6, sampled: 3, firstAt: 1, lastAt: 2 } }),
    site(4, 50, { unsited: true }),
    site(5, 1),
  ];
  const read = readSites(sites, 2);
  assert.deepEqual(read.map((s) => [s.frame.line, s.count, s.abandoned]).sort(), [
    [1, 10, 0],
    [2, 5, 0],
    [3, 0, 7],
  ]);
});

test('StickyTop: a shown key stays while within 2K, a new leader gets in at once', () => {
  const top = new StickyTop(4);
  const rank = (keys: string[]) => keys.map((key, i) => ({ key, value: 100 - i }));
  assert.deepEqual([...top.choose(rank(['a', 'b', 'c', 'd', 'e', 'f']))].sort(), ['a', 'b', 'c', 'd']);
  // e overtakes d: d is still within 2K, so it stays rather than swap.
  assert.deepEqual([...top.choose(rank(['a', 'b', 'c', 'e', 'd', 'f']))].sort(), ['a', 'b', 'c', 'd']);
  // A new leader z is shown; the weakest kept one (d, ranked last) makes room.
  assert.deepEqual([...top.choose(rank(['z', 'a', 'b', 'c', 'e', 'd']))].sort(), ['a', 'b', 'c', 'z']);
  // Keys at 0 are never shown.
  assert.deepEqual([...top.choose([{ key: 'a', value: 0 }])], []);
});

test('mergeByLabels: two columns of one line are one series; files relative to the working folder', () => {
  const raw = [
    {
      kind: 'created' as const,
      type: 'PROMISE',
      frame: { file: `${process.cwd()}/src/a.js`, line: 3, column: 1, function: 'f' },
      userCode: true,
      count: 2,
      abandoned: 0,
    },
    {
      kind: 'created' as const,
      type: 'PROMISE',
      frame: { file: `file://${process.cwd()}/src/a.js`, line: 3, column: 9, function: 'f' },
      userCode: true,
      count: 5,
      abandoned: 1,
    },
  ];
  const merged = mergeByLabels(raw);
  assert.equal(merged.length, 1);
  assert.deepEqual(merged[0].labels, { kind: 'created', type: 'PROMISE', file: 'src/a.js', line: '3', function: 'f' });
  assert.equal(merged[0].count, 7);
  assert.equal(merged[0].abandoned, 1);
  assert.equal(fileLabel('/elsewhere/b.js'), '/elsewhere/b.js');
  assert.equal(fileLabel('node:net'), 'node:net');
});

test('Prometheus text: labels escaped, counters typed, blocked tasks get an abandoned counter at 0', () => {
  const labels = { kind: 'blocked', type: 'PROMISE', file: 'a "q".js', line: '1', function: 'x\\y\nz' };
  const reading: Reading = {
    counts: { PROMISE: 3 },
    siteCount: 1,
    sites: [{ key: 'k', labels, count: 3, abandoned: 0 }],
    growing: [{ key: 'k', labels, perSecond: 0.5 }],
  };
  const view = new LeakMetricsView({ read: () => reading } as unknown as LeakReadings, 20);
  const text = toPrometheusText(view.collect());
  assert.match(text, /^# TYPE nodejs_async_site_abandoned_tasks_total counter$/m);
  assert.match(
    text,
    /^nodejs_async_site_pending_resources\{kind="blocked",type="PROMISE",file="a \\"q\\"\.js",line="1",function="x\\\\y\\nz"\} 3$/m,
  );
  assert.match(text, /^nodejs_async_site_abandoned_tasks_total\{kind="blocked",.*\} 0$/m);
  assert.match(text, /^nodejs_async_site_growth_per_second\{.*\} 0\.5$/m);
  assert.match(text, /^nodejs_async_growing_sites 1$/m);
  const broken = new LeakMetricsView(
    {
      read: () => {
        throw new Error('boom');
      },
    } as unknown as LeakReadings,
    20,
  );
  assert.match(toPrometheusText(broken.collect()), /^nodejs_async_tracking_active 0$/m);
});
