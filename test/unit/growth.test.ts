import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '../support/seeded-random';
import {
  assessTrend,
  formatRate,
  GrowthTracker,
  kendallTau,
  lowerEnvelope,
  theilSenSlope,
  type GrowthOptions,
  type Point,
} from '../../src/core/growth/growth';

// A fixed seed, so every run judges the same series.
const random = seededRandom;

/** One point per second for `seconds`, value from `f(secondsSinceStart)`. */
function series(seconds: number, f: (s: number) => number): Point[] {
  return Array.from({ length: seconds }, (_, s) => ({ t: 1_000_000 + s * 1000, value: Math.max(0, Math.round(f(s))) }));
}

const LIVE: Partial<GrowthOptions> = { windowMs: 60_000, warmupMs: 10_000 };

/** Bursts of work: mostly idle at `idle`, sometimes a burst of up to `peak` in flight for a few seconds. */
function bursty(seed: number, idle: number, peak: number): (s: number) => number {
  const rnd = random(seed);
  let burstLeft = 0;
  let level = idle;
  return () => {
    if (burstLeft === 0 && rnd() < 0.15) {
      burstLeft = 1 + Math.floor(rnd() * 6);
      level = idle + rnd() * peak;
    }
    if (burstLeft > 0) {
      burstLeft--;
      return level * (0.7 + rnd() * 0.6);
    }
    return idle + (rnd() < 0.3 ? 1 : 0);
  };
}

describe('growth: leak or churn', () => {
  test('a leak ramp is flagged, with its rate', () => {
    // +0.5 per second = +30 per minute, with small jitter.
    const rnd = random(1);
    const verdict = assessTrend(
      series(90, (s) => 3 + s * 0.5 + rnd() * 2),
      LIVE,
    );
    assert.equal(verdict.growing, true, verdict.reason);
    assert.ok(Math.abs(verdict.ratePerMinute - 30) < 4, `rate ${verdict.ratePerMinute}`);
    assert.ok(verdict.tau > 0.9, `tau ${verdict.tau}`);
  });

  // The rates quoted in src/core/growth/growth.ts come from this test: 3000 windows of each kind.
  const WINDOWS = 3000;
  const flagged = (make: (seed: number) => (s: number) => number) => {
    let n = 0;
    for (let seed = 1; seed <= WINDOWS; seed++) if (assessTrend(series(90, make(seed)), LIVE).growing) n++;
    return n;
  };

  test('a busy healthy server (bursts up to 40x the idle level) is never flagged', () => {
    assert.equal(
      flagged((seed) => bursty(seed, 5, 200)),
      0,
    );
  });

  test('steady heavy load whose level jitters is (almost) never flagged', () => {
    const n = flagged((seed) => {
      const rnd = random(seed);
      return () => 40 + rnd() * 30;
    });
    assert.ok(n <= 2, `${n} of ${WINDOWS} windows flagged`);
  });

  test('a leak 40x smaller than the bursts around it is flagged in most windows', () => {
    const n = flagged((seed) => {
      const burst = bursty(seed + 5000, 5, 200);
      return (s) => burst(s) + s * 0.1;
    });
    assert.ok(n >= WINDOWS * 0.85, `${n} of ${WINDOWS} windows flagged`);
  });

  test('a burst that ends late in the window does not count as growth', () => {
    const verdict = assessTrend(
      series(90, (s) => (s > 75 ? 500 : 4)),
      LIVE,
    );
    assert.equal(verdict.growing, false, verdict.reason);
  });

  test('warm-up is respected: a one-off ramp before it is ignored, the same ramp after it is not', () => {
    // Caches fill during the first 8 s, then the level stays.
    const warmupThenFlat = series(90, (s) => Math.min(s, 8) * 10);
    assert.equal(assessTrend(warmupThenFlat, LIVE).growing, false);
    // The same shape judged without warm-up, within one window, is growth.
    assert.equal(assessTrend(warmupThenFlat.slice(0, 10), { ...LIVE, warmupMs: 0, minPoints: 6 }).growing, true);
    // Nothing is judged before the warm-up ends, however steep.
    const early = assessTrend(
      series(9, (s) => s * 100),
      LIVE,
    );
    assert.equal(early.growing, false);
    assert.equal(early.reason, 'warming up');
  });

  test('a slow drift of a large steady pool is below the relative minimum', () => {
    const verdict = assessTrend(
      series(90, (s) => 1000 + s * 0.05),
      LIVE,
    );
    assert.equal(verdict.growing, false, verdict.reason);
    assert.match(verdict.reason, /less than/);
  });

  test('too little data gives no verdict', () => {
    const verdict = assessTrend(
      series(15, (s) => s),
      { ...LIVE, warmupMs: 10_000 },
    );
    assert.equal(verdict.growing, false);
    assert.match(verdict.reason, /collecting data \(5 of 12 points\)/);
    assert.equal(assessTrend([]).reason, 'no data yet');
  });

  test('building blocks: envelope, tau, Theil–Sen', () => {
    const points = series(12, (s) => (s % 3 === 1 ? 100 : s));
    const envelope = lowerEnvelope(points, 4);
    assert.deepEqual(
      envelope.map((p) => p.value),
      [0, 3, 6, 9],
    );
    assert.equal(kendallTau(envelope), 1);
    assert.equal(kendallTau([...envelope].reverse().map((p, i) => ({ ...p, t: i }))), -1);
    assert.ok(Math.abs(theilSenSlope(envelope) * 1000 - 1) < 1e-9, 'one per second');
    assert.equal(kendallTau(series(6, () => 5)), 0, 'a flat floor has no trend');
  });

  test('formatRate', () => {
    assert.equal(formatRate(2, 'minute', 'pending'), '+2.0 pending per minute');
    assert.equal(formatRate(0.98, 'request'), '+1.0 per request');
    assert.equal(formatRate(-0.5, 'minute'), '-0.5 per minute');
    assert.equal(formatRate(1234.4, 'minute'), '+1234 per minute');
    assert.equal(formatRate(0, 'minute'), '0.0 per minute');
  });
});

describe('GrowthTracker', () => {
  const options: Partial<GrowthOptions> = { windowMs: 30_000, warmupMs: 5_000, minPoints: 12 };

  test('flags the growing key only, counts missing keys as 0, and remembers since when', () => {
    const tracker = new GrowthTracker(options);
    const rnd = random(7);
    const burst = bursty(3, 2, 80);
    for (let s = 0; s < 40; s++) {
      const values: Record<string, number> = { churn: Math.round(burst(s)) };
      // The leaking site only shows up after 10 s (no snapshot lists a site with nothing pending).
      if (s >= 10) values.leak = Math.round((s - 10) * 0.5 + rnd());
      tracker.observe(s * 1000, values);
    }
    const growing = tracker.growing();
    assert.deepEqual(
      growing.map((g) => g.key),
      ['leak'],
    );
    assert.ok(Math.abs(growing[0].ratePerMinute - 30) < 8, `rate ${growing[0].ratePerMinute}`);
    assert.ok(growing[0].since <= 39_000 && growing[0].since >= 10_000);
    assert.equal(tracker.verdict('churn')?.growing, false);
  });

  test('a key stops growing when the window slides past the growth, and is dropped when it stays at 0', () => {
    const tracker = new GrowthTracker(options);
    let s = 0;
    for (; s < 30; s++) tracker.observe(s * 1000, { site: s });
    assert.deepEqual(
      tracker.growing().map((g) => g.key),
      ['site'],
    );
    for (; s < 70; s++) tracker.observe(s * 1000, { site: 29 });
    assert.deepEqual(tracker.growing(), []);
    for (; s < 110; s++) tracker.observe(s * 1000, {});
    assert.equal(tracker.verdict('site'), undefined, 'all zero in the window: forgotten');
  });

  test('the window is bounded', () => {
    const tracker = new GrowthTracker(options);
    for (let s = 0; s < 1000; s++) tracker.observe(s * 1000, { a: s % 5, b: 1 });
    const internals = tracker as unknown as { times: number[] };
    assert.ok(internals.times.length <= 32, `${internals.times.length} points kept`);
  });
});
