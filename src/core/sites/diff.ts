// Compares two snapshots site by site: which lines grew between them.
import type { DiffSite, Site, Snapshot, SnapshotDiff } from './model';
import { countOf, plainCounts } from './count-map';
import { compareText, siteRank } from './site-presentation';

export function diffSnapshots(before: Snapshot, after: Snapshot): SnapshotDiff {
  const beforeSites = indexById(before.sites);
  const afterSites = indexById(after.sites);
  const ids = new Set([...beforeSites.keys(), ...afterSites.keys()]);

  const sites: DiffSite[] = [];
  for (const id of ids) {
    const old = beforeSites.get(id);
    const current = afterSites.get(id);
    const beforeCount = old?.count ?? 0;
    const afterCount = current?.count ?? 0;
    // The newest data describes the site; a site that vanished keeps its last known data.
    const site = (current ?? old) as Site;
    sites.push({ ...site, before: beforeCount, after: afterCount, delta: afterCount - beforeCount });
  }
  sites.sort(compareDiffSites);

  return {
    before: pickLabel(before),
    after: pickLabel(after),
    totals: diffTotals(before.totals, after.totals),
    sites,
    ...sitesUnavailable(before, after),
    abandoned: diffAbandoned(beforeSites, afterSites),
  };
}

function sitesUnavailable(before: Snapshot, after: Snapshot): { sitesUnavailable?: string } {
  const reasons = [...new Set([before.sitesUnavailable, after.sitesUnavailable].filter((r): r is string => r !== undefined))];
  if (reasons.length === 0) return {};
  const which =
    before.sitesUnavailable !== undefined && after.sitesUnavailable !== undefined
      ? 'both snapshots'
      : before.sitesUnavailable !== undefined
        ? 'the first snapshot'
        : 'the second snapshot';
  return { sitesUnavailable: `${which} ${which === 'both snapshots' ? 'have' : 'has'} no sites: ${reasons.join('; ')}` };
}

/** Sites with abandoned tasks in either snapshot; before/after/delta count abandoned tasks. */
function diffAbandoned(beforeSites: Map<string, Site>, afterSites: Map<string, Site>): DiffSite[] {
  const out: DiffSite[] = [];
  for (const id of new Set([...beforeSites.keys(), ...afterSites.keys()])) {
    const old = beforeSites.get(id);
    const current = afterSites.get(id);
    const beforeCount = old?.abandoned ?? 0;
    const afterCount = current?.abandoned ?? 0;
    if (beforeCount === 0 && afterCount === 0) continue;
    const site = (current ?? old) as Site;
    out.push({ ...site, before: beforeCount, after: afterCount, delta: afterCount - beforeCount });
  }
  return out.sort(compareDiffSites);
}

/** Largest growth first; on ties, blocked-at sites in user code, then user code, then the larger count, then id (for a stable order). */
export function compareDiffSites(a: DiffSite, b: DiffSite): number {
  return b.delta - a.delta || siteRank(a) - siteRank(b) || b.after - a.after || compareText(a.id, b.id);
}

/** The `n` sites that grew the most (only sites that grew). */
export function topGrowing(diff: SnapshotDiff, n: number): DiffSite[] {
  const grown: DiffSite[] = [];
  for (const site of diff.sites) {
    if (grown.length >= n) break;
    if (site.delta > 0) grown.push(site);
  }
  return grown;
}

/** Sites listed twice under one id (not expected, but counts must not be lost) are merged. */
function indexById(sites: Site[]): Map<string, Site> {
  const byId = new Map<string, Site>();
  for (const site of sites) {
    const seen = byId.get(site.id);
    if (!seen) {
      byId.set(site.id, site);
      continue;
    }
    byId.set(site.id, {
      ...seen,
      count: seen.count + site.count,
      sampled: seen.sampled + site.sampled,
      oldestAgeMs: Math.max(seen.oldestAgeMs, site.oldestAgeMs),
      examples: [...seen.examples, ...site.examples],
      ...(seen.abandoned !== undefined || site.abandoned !== undefined ? { abandoned: (seen.abandoned ?? 0) + (site.abandoned ?? 0) } : {}),
    });
  }
  return byId;
}

function diffTotals(before: Record<string, number>, after: Record<string, number>): SnapshotDiff['totals'] {
  const types = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const totals: SnapshotDiff['totals'] = Object.create(null);
  for (const type of types) {
    const b = countOf(before, type);
    const a = countOf(after, type);
    totals[type] = { before: b, after: a, delta: a - b };
  }
  return plainCounts(totals);
}

function pickLabel(snapshot: Snapshot): { takenAt: string; label?: string } {
  return snapshot.label === undefined ? { takenAt: snapshot.takenAt } : { takenAt: snapshot.takenAt, label: snapshot.label };
}
