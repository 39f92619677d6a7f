// Abandoned tasks: an async function collected by the GC while suspended at an await. The await's
// throwaway promise (a sampled `blocked` record) is reachable only through the promise it awaits;
// once that is garbage nobody can ever resolve it, so the function can never resume: the code after
// the await and its finally blocks never run. Counted per blocked-at site from attach, each sample
// by its weight (exact while every await is sampled), with the first and last time one was seen.
import type { AgentAbandoned } from './protocol';
import type { Site, TrackedResource } from './sites';

export interface AbandonedTally {
  weight: number;
  sampled: number;
  /** Date.now() of the first and the latest collection seen. */
  firstAt: number;
  lastAt: number;
}

/** Called when a sampled promise was collected without settling. Plain promises are not tasks. */
export function noteCollected(record: TrackedResource): void {
  const site = record.site;
  if (site.kind !== 'blocked' || site.unsited) return;
  const now = Date.now();
  const tally = site.abandoned;
  if (tally === undefined) site.abandoned = { weight: record.weight, sampled: 1, firstAt: now, lastAt: now };
  else {
    tally.weight += record.weight;
    tally.sampled++;
    tally.lastAt = now;
  }
}

export function reportAbandoned(site: Site): AgentAbandoned | undefined {
  const tally = site.abandoned;
  if (tally === undefined) return undefined;
  return { count: Math.round(tally.weight), sampled: tally.sampled, firstAt: tally.firstAt, lastAt: tally.lastAt };
}
