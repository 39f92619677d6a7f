// Growth verdicts for one attached target: which sites (fed by light snapshots) and which resource
// types (fed by count samples) really grow, with their rates. The statistics live in
// growth.ts; this file keeps the answer in a shape views can read directly. The extension (per
// attached target) and the CLI's watch both use it, so they give the same verdicts.
//
// Light snapshots and polls run no GC, so promises that never settle but became garbage (the
// losing timer of a Promise.race, say), HTTP parsers and file handles stay counted until V8
// collects them on its own: a healthy server can look like it grows between two GCs. So a
// suspect is only reported after a snapshot WITH a full GC still shows it growing, and it keeps
// growing a little longer (see ConfirmedGrowth): `verify` is called (rate-limited) when there is a
// suspect, and the caller feeds that snapshot back with `collected = true`. One GC'd point in the
// window drops the floor of garbage, not of a leak.
import { DEFAULT_GROWTH_OPTIONS, formatRate, GrowthTracker, type GrowthOptions, type GrowingKey } from './growth';
import type { CountSample, Site, Snapshot } from '../sites/model';

/** A site whose pending count keeps growing (a leak), as the tree, chart and gutter show it. */
export interface GrowingSite {
  /** Site id: stable across snapshots of one process, so it matches `latestSites.sites[i].id`. */
  siteId: string;
  /** The site as in the latest snapshot (frame, kind, type, count, example stack). */
  site: Site;
  /** Robust slope of the site's floor, pending resources per minute. */
  ratePerMinute: number;
  /** "+2.0 pending per minute". */
  rateText: string;
  /** When it was first judged growing (ms since epoch). */
  since: number;
  /** Why it counts as growing, for tooltips ("floor rose from 3 by 40 (z 3.1)"). */
  reason: string;
  /**
   * Still judged growing at the newest verdict: always true in TargetGrowth's answer; false in a
   * record of a whole run (the CLI's) for a site that grew, then stopped (it still leaked).
   */
  growingNow: boolean;
}

/** A resource type whose live count keeps growing. */
export interface GrowingType {
  type: string;
  ratePerMinute: number;
  rateText: string;
  since: number;
  reason: string;
}

/**
 * Growth of one family of keys (sites or types), reported only once a GC'd observation confirms it
 * and the key is still growing `confirmMs` later. The reads right after a GC are free of garbage
 * too, so a busy key whose GC'd read merely caught a burst in flight drops out at the next read
 * between bursts; a leak stays.
 */
class ConfirmedGrowth {
  private readonly tracker: GrowthTracker;
  private readonly confirmed = new Set<string>();
  /** Suspects a GC'd observation still showed, with when they are confirmed if still growing. */
  private readonly confirming = new Map<string, number>();
  private answer: GrowingKey[] = [];

  constructor(
    options: Partial<GrowthOptions>,
    private readonly confirmMs: number,
  ) {
    this.tracker = new GrowthTracker(options);
  }

  /** Returns whether the answer changed, and whether a suspect waits for a GC'd observation. */
  observe(
    t: number,
    values: ReadonlyMap<string, number> | Readonly<Record<string, number>>,
    collected: boolean,
  ): { changed: boolean; suspect: boolean } {
    this.tracker.observe(t, values);
    const growing = this.tracker.growing();
    const keys = new Set(growing.map((g) => g.key));
    for (const key of this.confirmed) if (!keys.has(key)) this.confirmed.delete(key);
    for (const key of this.confirming.keys()) if (!keys.has(key)) this.confirming.delete(key);
    if (collected)
      for (const key of keys) if (!this.confirmed.has(key) && !this.confirming.has(key)) this.confirming.set(key, t + this.confirmMs);
    for (const [key, at] of this.confirming) {
      if (t < at) continue;
      this.confirming.delete(key);
      this.confirmed.add(key);
    }
    const next = growing.filter((g) => this.confirmed.has(g.key));
    const changed = summary(next) !== summary(this.answer);
    this.answer = next;
    return { changed, suspect: next.length + this.confirming.size < growing.length };
  }

  get growing(): readonly GrowingKey[] {
    return this.answer;
  }
}

export class TargetGrowth {
  private readonly sites: ConfirmedGrowth;
  private readonly types: ConfirmedGrowth;
  private growingSiteList: readonly GrowingSite[] = [];
  private growingTypeList: readonly GrowingType[] = [];
  private lastVerification = -Infinity;
  /** When the last GC'd snapshot was taken: the first sample after it reflects collected garbage. */
  private lastCollectedAt = -Infinity;
  private sampleAfterGcPending = false;
  private readonly verifyEveryMs: number;

  /** `verify` should take a snapshot with a full GC and pass it to observeSites(snapshot, true). */
  constructor(
    options: Partial<GrowthOptions>,
    private readonly verify: () => void,
  ) {
    const windowMs = options.windowMs ?? DEFAULT_GROWTH_OPTIONS.windowMs;
    // An eighth of the window (5 s at most) spans a read between bursts on a busy server.
    const confirmMs = Math.min(5000, windowMs / 8);
    this.sites = new ConfirmedGrowth(options, confirmMs);
    this.types = new ConfirmedGrowth(options, confirmMs);
    // A GC at most four times per window, and only while something looks like it grows.
    this.verifyEveryMs = Math.max(2000, windowMs / 4);
  }

  /** Growing sites, fastest first (confirmed by a snapshot after a full GC). */
  get growingSites(): readonly GrowingSite[] {
    return this.growingSiteList;
  }

  /**
   * Growing resource types, fastest first — only those with a growing site too: between GCs a
   * sampled type's total is an estimate that counts garbage not yet collected, and a type with
   * no growing site has no line to point at, so a site is the evidence.
   */
  get growingTypes(): readonly GrowingType[] {
    return this.growingTypeList.filter((t) => this.growingSiteList.some((s) => s.site.type === t.type));
  }

  siteGrowth(siteId: string): GrowingSite | undefined {
    return this.growingSiteList.find((s) => s.siteId === siteId);
  }

  /** Feeds one snapshot (`collected`: taken after a full GC); true when the growing sites or their rates changed. */
  observeSites(snapshot: Snapshot, collected = false): boolean {
    const counts = new Map<string, number>();
    const byId = new Map<string, Site>();
    for (const site of snapshot.sites) {
      counts.set(site.id, (counts.get(site.id) ?? 0) + site.count);
      byId.set(site.id, site);
    }
    const t = Date.parse(snapshot.takenAt);
    if (collected) {
      this.lastCollectedAt = Math.max(this.lastCollectedAt, t);
      this.sampleAfterGcPending = true;
    }
    const { changed, suspect } = this.sites.observe(t, counts, collected);
    // The site data is always the newest; a site no longer listed keeps its last known data.
    const previous = new Map(this.growingSiteList.map((g) => [g.siteId, g.site]));
    this.growingSiteList = this.sites.growing.flatMap((g) => {
      const site = byId.get(g.key) ?? previous.get(g.key);
      return site ? [{ siteId: g.key, site, ...rateOf(g), growingNow: true }] : [];
    });
    if (suspect) this.requestVerification();
    return changed;
  }

  /** Feeds one count sample; true when the growing types or their rates changed. */
  observeSample(sample: CountSample): boolean {
    const collected = this.sampleAfterGcPending && sample.t >= this.lastCollectedAt;
    if (collected) this.sampleAfterGcPending = false;
    const { changed, suspect } = this.types.observe(sample.t, sample.counts, collected);
    if (changed) this.growingTypeList = this.types.growing.map((g): GrowingType => ({ type: g.key, ...rateOf(g) }));
    if (suspect) this.requestVerification();
    return changed;
  }

  private requestVerification(): void {
    const now = Date.now();
    if (now - this.lastVerification < this.verifyEveryMs) return;
    this.lastVerification = now;
    this.verify();
  }
}

function rateOf(g: GrowingKey): Omit<GrowingType, 'type'> {
  return { ratePerMinute: g.ratePerMinute, rateText: formatRate(g.ratePerMinute, 'minute', 'pending'), since: g.since, reason: g.reason };
}

/** What an observer can see change: which keys grow and their rounded rates. */
function summary(keys: readonly GrowingKey[]): string {
  return keys.map((k) => `${k.key} ${formatRate(k.ratePerMinute, 'minute')}`).join('\n');
}
