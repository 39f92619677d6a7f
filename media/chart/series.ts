// Pure data shaping for the live chart: which samples a time window shows, and the columnar
// arrays uPlot draws. No DOM here, so unit tests can run it under Node.
import { CHART_WINDOW_MS, type ChartWindow, type CountSample } from '../../src/shared/chart-protocol';

/** Samples the page keeps at most (the extension keeps 3600 per target). */
export const MAX_PAGE_SAMPLES = 4000;

export interface ChartColumns {
  /** Sample times in seconds (uPlot's time scale unit). */
  xs: number[];
  /** One column per type, same order as `types`. A type missing from a sample counts 0. */
  ys: number[][];
  types: string[];
  /** Non-empty y values drawn: xs.length * types.length. */
  points: number;
}

/**
 * Appends samples newer than the last one kept (ignores repeats and out-of-order ones), then
 * drops the oldest past `cap`. Returns how many were dropped from the front.
 */
export function appendSamples(kept: CountSample[], incoming: readonly CountSample[], cap = MAX_PAGE_SAMPLES): number {
  for (const sample of incoming) {
    const last = kept[kept.length - 1];
    if (!last || sample.t > last.t) kept.push(sample);
  }
  const excess = Math.max(0, kept.length - cap);
  if (excess) kept.splice(0, excess);
  return excess;
}

/** Index of the first sample inside the window that ends at the newest sample. */
export function windowStart(samples: readonly CountSample[], window: ChartWindow): number {
  const span = CHART_WINDOW_MS[window];
  if (!samples.length || !Number.isFinite(span)) return 0;
  const from = samples[samples.length - 1].t - span;
  let lo = 0;
  let hi = samples.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (samples[mid].t >= from) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Every type seen in `samples`, in order of first appearance, after the ones already in
 * `known` (so series keep their colour while data arrives).
 */
export function typeOrder(samples: readonly CountSample[], known: readonly string[] = []): string[] {
  const order = [...known];
  const seen = new Set(order);
  for (const sample of samples) {
    for (const type of Object.keys(sample.counts)) {
      if (!seen.has(type)) {
        seen.add(type);
        order.push(type);
      }
    }
  }
  return order;
}

/** The columns uPlot draws for the samples inside `window`. */
export function toColumns(samples: readonly CountSample[], window: ChartWindow, types: readonly string[]): ChartColumns {
  const start = windowStart(samples, window);
  const shown = samples.slice(start);
  const xs = shown.map((s) => s.t / 1000);
  // Own keys only: a type may be named "toString" or "__proto__".
  const ys = types.map((type) => shown.map((s) => (Object.prototype.hasOwnProperty.call(s.counts, type) ? s.counts[type] : 0)));
  return { xs, ys, types: [...types], points: xs.length * types.length };
}
