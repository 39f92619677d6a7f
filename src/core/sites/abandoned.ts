// Abandoned tasks (async functions collected by the GC while suspended at an await): the words
// every front end uses for them, and the sites of a snapshot that have any.
import type { Site, Snapshot } from './model';

export const ABANDONED_HEADING = 'Abandoned: tasks collected while suspended — the code after this await and its finally blocks never ran';

/** Sites with abandoned tasks, most first (user code first on ties, then by id). */
export function abandonedSites(snapshot: Pick<Snapshot, 'sites'> | undefined): Site[] {
  return (snapshot?.sites ?? [])
    .filter((site) => (site.abandoned ?? 0) > 0)
    .sort(
      (a, b) =>
        (b.abandoned ?? 0) - (a.abandoned ?? 0) || Number(b.userCode) - Number(a.userCode) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
}
