// One trend rule and one clock, shared by the status bar, the tree's root, types and sites.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CountSample } from '../../src/core/sites/model';
import { shownCounts, siteTrend, trendBetween, trendOf, typeCount } from '../../src/core/growth/trend';

const sample = (t: number, counts: Record<string, number>): CountSample => ({
  t,
  counts,
  total: Object.values(counts).reduce((a, b) => a + b, 0),
});

test('the rule: a change of 2 and 2 % counts, over the oldest sample of the last 30 s, for totals and types alike', () => {
  assert.equal(trendBetween(100, 101), 'flat');
  assert.equal(trendBetween(100, 103), 'up');
  assert.equal(trendBetween(1000, 1015), 'flat');
  assert.equal(trendBetween(50, 10), 'down');
  const samples = [
    sample(0, { PROMISE: 10, Timeout: 5 }),
    sample(1000, { PROMISE: 40, Timeout: 5 }),
    sample(2000, { PROMISE: 60, Timeout: 1 }),
  ];
  assert.equal(trendOf(samples), 'up');
  assert.equal(trendOf(samples, typeCount('PROMISE')), 'up');
  assert.equal(trendOf(samples, typeCount('Timeout')), 'down');
  // A jump: right after it the arrow says up, not down.
  const jump = [...Array.from({ length: 10 }, (_, i) => sample(i * 1000, { PROMISE: 100 })), sample(10_000, { PROMISE: 484 })];
  assert.equal(trendOf(jump), 'up');
});

test("one clock: the counts shown are the latest site read's, the poll's only before the first read", () => {
  const samples = [sample(0, { PROMISE: 300 })];
  const plain = (shown: ReturnType<typeof shownCounts>) => shown && { counts: { ...shown.counts }, total: shown.total };
  assert.deepEqual(plain(shownCounts(samples, { totals: { PROMISE: 234, Timeout: 1 } })), {
    counts: { PROMISE: 234, Timeout: 1 },
    total: 235,
  });
  assert.deepEqual(plain(shownCounts(samples, undefined)), { counts: { PROMISE: 300 }, total: 300 });
  assert.equal(shownCounts([], undefined), undefined);
});

test("a site's trend compares its latest read with the oldest read of the window (absent = 0)", () => {
  const read = (s: number, sites: { id: string; count: number }[]) => ({ takenAt: new Date(s * 1000).toISOString(), sites });
  assert.equal(siteTrend('a', [read(0, [{ id: 'a', count: 5 }])]), 'flat');
  assert.equal(siteTrend('a', [read(0, []), read(5, [{ id: 'a', count: 5 }])]), 'up');
  assert.equal(
    siteTrend('a', [read(0, [{ id: 'a', count: 500 }]), read(40, [{ id: 'a', count: 10 }]), read(45, [{ id: 'a', count: 10 }])]),
    'flat',
    'reads older than 30 s do not count',
  );
  assert.equal(siteTrend('a', [read(0, [{ id: 'a', count: 50 }]), read(5, [{ id: 'a', count: 10 }])]), 'down');
});
