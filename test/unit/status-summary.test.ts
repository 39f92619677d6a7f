import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CountSample } from '../../src/core/sites/model';
import { statusLines, statusText, trendOf } from '../../src/extension/status/status-summary';

const samples = (totals: number[], stepMs = 1000): CountSample[] =>
  totals.map((total, i) => ({ t: 1_000_000 + i * stepMs, counts: { PROMISE: total }, total }));

test('trend: growing, shrinking, steady against the oldest sample in the window', () => {
  assert.equal(trendOf([]), 'flat');
  assert.equal(trendOf(samples([10])), 'flat');
  assert.equal(trendOf(samples([10, 12, 15, 20])), 'up');
  assert.equal(trendOf(samples([200, 150, 100])), 'down');
  // Jitter of a busy server (1 resource, or under 2 %) is steady.
  assert.equal(trendOf(samples([100, 101, 100, 101])), 'flat');
  assert.equal(trendOf(samples([1000, 1010, 1015])), 'flat');
  // Growth older than the window does not count: only the last 30 s are compared.
  assert.equal(trendOf(samples([0, ...Array(40).fill(500)])), 'flat');
  assert.equal(trendOf(samples([0, ...Array(20).fill(500)])), 'up');
});

test('status text: one target by name, several as a count, paused shown', () => {
  assert.equal(statusText([{ label: 'pid 42', total: 302, trend: 'up', paused: false }]), '$(pulse) pid 42: 302 pending $(arrow-up)');
  assert.equal(
    statusText([
      { label: 'a', total: 10, trend: 'flat', paused: false },
      { label: 'b', total: 5, trend: 'down', paused: true },
    ]),
    '$(debug-pause) 2 targets: 15 pending $(arrow-down)',
  );
  assert.equal(statusText([{ label: 'new', total: undefined, trend: 'flat', paused: false }]), '$(pulse) new: … $(arrow-right)');
  // A label cannot smuggle icons into the status bar.
  assert.ok(!statusText([{ label: '$(alert) x', total: 1, trend: 'flat', paused: false }]).includes('$(alert)'));
  assert.deepEqual(statusLines([{ label: 'pid 42', total: 302, trend: 'up', paused: true }]), [
    'pid 42: 302 pending, growing (paused in the debugger)',
  ]);
});
