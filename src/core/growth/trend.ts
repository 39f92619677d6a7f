// The one trend rule every view uses (status bar, tree root, types, sites, the CLI's live
// counts): the latest count against the oldest one inside a window, with jitter ignored.
import { countOf, toCountMap } from '../sites/count-map';
import type { CountSample } from '../sites/model';

export type Trend = 'up' | 'down' | 'flat';

/** Span of samples a trend looks back over. */
export const TREND_WINDOW_MS = 30_000;

/** A change counts when it is at least 2 resources and 2 % (busy servers jitter by a few). */
export function trendBetween(before: number, after: number): Trend {
  const delta = after - before;
  if (Math.abs(delta) < Math.max(2, before * 0.02)) return 'flat';
  return delta > 0 ? 'up' : 'down';
}

/** The trend of a count (the total by default, or one type's) over the samples of the last window. */
export function trendOf(
  samples: readonly CountSample[],
  count: (sample: CountSample) => number = (s) => s.total,
  windowMs = TREND_WINDOW_MS,
): Trend {
  const latest = samples.at(-1);
  if (!latest) return 'flat';
  let oldest = latest;
  for (let i = samples.length - 2; i >= 0 && latest.t - samples[i].t <= windowMs; i--) oldest = samples[i];
  return trendBetween(count(oldest), count(latest));
}

/** The count of one type in a sample (0 when absent). */
export function typeCount(type: string): (sample: CountSample) => number {
  return (sample) => countOf(sample.counts, type);
}

const ARROWS: Record<Trend, string> = { up: '↑', down: '↓', flat: '→' };
const WORDS: Record<Trend, string> = { up: 'growing', down: 'shrinking', flat: 'steady' };

export function trendArrow(trend: Trend): string {
  return ARROWS[trend];
}

export function trendWords(trend: Trend): string {
  return WORDS[trend];
}

/**
 * The counts every live view shows (status bar, tree root, types): those of the latest site read,
 * so that a type adds up to its sites and the numbers of one view never run ahead of another's;
 * the latest poll before the first read.
 */
export function shownCounts(
  samples: readonly CountSample[],
  latestSites: { totals: Record<string, number> } | undefined,
): { total: number; counts: Record<string, number> } | undefined {
  if (latestSites) {
    const counts = toCountMap(latestSites.totals);
    return { counts, total: Object.values(counts).reduce((sum, n) => sum + n, 0) };
  }
  const latest = samples.at(-1);
  return latest && { counts: toCountMap(latest.counts), total: latest.total };
}

/**
 * A site's trend by the same rule: its count in the latest read against the oldest read of the
 * window (a site absent from that read counted 0). Reads are oldest first.
 */
export function siteTrend(
  siteId: string,
  reads: readonly { takenAt: string; sites: readonly { id: string; count: number }[] }[],
  windowMs = TREND_WINDOW_MS,
): Trend {
  const latest = reads.at(-1);
  if (!latest || reads.length < 2) return 'flat';
  const end = Date.parse(latest.takenAt);
  const oldest = reads.find((read) => end - Date.parse(read.takenAt) <= windowMs) ?? latest;
  const count = (read: (typeof reads)[number]) => read.sites.reduce((sum, s) => (s.id === siteId ? sum + s.count : sum), 0);
  return trendBetween(count(oldest), count(latest));
}
