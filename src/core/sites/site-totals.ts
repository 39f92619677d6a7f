// How a type's total splits into the sites listed and the rest, so that every number shown can be
// reconciled by reading: "PROMISE 234" = 46 + 4 in sites + 184 with no site, and the rest is
// named with why it has no site. Every front end (tree, comparison report, CLI snapshot and diff
// text) splits totals through this one function.
import { countOf } from './count-map';
import { formatCount, formatDelta } from '../number-format';

export interface TypeSplit {
  type: string;
  total: number;
  /** Summed over the type's sites (estimates when stacks are sampled). */
  inSites: number;
  sites: number;
  /** total - inSites, never below 0 (sampled site counts are estimates and can overshoot). */
  withoutSite: number;
}

/** Per type: the total, what its sites hold, and the remainder with no site. Sorted largest total first. */
export function splitTotals(totals: Readonly<Record<string, number>>, sites: readonly { type: string; count: number }[]): TypeSplit[] {
  const byType = new Map<string, TypeSplit>();
  const entry = (type: string) => {
    let split = byType.get(type);
    if (!split) byType.set(type, (split = { type, total: countOf(totals, type), inSites: 0, sites: 0, withoutSite: 0 }));
    return split;
  };
  for (const type of Object.keys(totals)) entry(type);
  for (const site of sites) {
    const split = entry(site.type);
    split.inSites += site.count;
    split.sites++;
  }
  for (const split of byType.values()) split.withoutSite = Math.max(0, Math.round(split.total - split.inSites));
  return [...byType.values()].sort((a, b) => b.total - a.total || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
}

/** The split of one type (zeros when the type is unknown). */
export function splitOf(splits: readonly TypeSplit[], type: string): TypeSplit {
  return splits.find((s) => s.type === type) ?? { type, total: 0, inSites: 0, sites: 0, withoutSite: 0 };
}

/** Why resources of a type have no site, in a few words. */
export function withoutSiteReason(type: string): string {
  return type === 'PROMISE'
    ? "results of the suspended calls above and promises derived from them (then/catch/finally), counted once at the task's site; also promises made before the agent attached or past its caps"
    : "already alive when the agent attached, or made without a stack (past the agent's caps)";
}

/** "210 with no site" (or "+200 with no site" for a change). */
export function withoutSiteLabel(count: number, signed = false): string {
  return `${signed ? formatDelta(count) : formatCount(count)} with no site`;
}

/** "260 pending: 160 in 4 sites, 100 with no site" for a whole snapshot. */
export function describeSplit(splits: readonly TypeSplit[]): string {
  const total = splits.reduce((sum, s) => sum + s.total, 0);
  const inSites = splits.reduce((sum, s) => sum + Math.min(s.inSites, s.total), 0);
  const sites = splits.reduce((sum, s) => sum + s.sites, 0);
  const rest = splits.reduce((sum, s) => sum + s.withoutSite, 0);
  const head = `${formatCount(total)} pending async resource${Math.round(total) === 1 ? '' : 's'}`;
  const inPart = `${formatCount(inSites)} in ${formatCount(sites)} site${sites === 1 ? '' : 's'}`;
  return rest > 0 ? `${head}: ${inPart}, ${withoutSiteLabel(rest)}` : `${head} in ${formatCount(sites)} site${sites === 1 ? '' : 's'}`;
}

export interface TypeChangeSplit {
  type: string;
  delta: number;
  /** The change summed over the type's sites. */
  inSitesDelta: number;
  /** The change of the remainder with no site: delta = inSitesDelta + withoutSiteDelta. */
  withoutSiteDelta: number;
}

/** How each type's change in a comparison splits into its sites' changes and the rest. */
export function splitTotalChanges(diff: {
  totals: Record<string, { before: number; after: number; delta: number }>;
  sites: readonly { type: string; before: number; after: number }[];
}): TypeChangeSplit[] {
  const side = (pick: 'before' | 'after') =>
    splitTotals(
      Object.fromEntries(Object.entries(diff.totals).map(([type, t]) => [type, t[pick]])),
      diff.sites.map((site) => ({ type: site.type, count: site[pick] })),
    );
  const before = side('before');
  return side('after').map((after) => {
    const was = splitOf(before, after.type);
    const withoutSiteDelta = after.withoutSite - was.withoutSite;
    const delta = Object.prototype.hasOwnProperty.call(diff.totals, after.type) ? diff.totals[after.type].delta : 0;
    return { type: after.type, delta, inSitesDelta: delta - withoutSiteDelta, withoutSiteDelta };
  });
}
