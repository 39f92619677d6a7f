// Every site judged growing during one watch, kept after it stops growing (a leak whose load
// stopped has a flat count again, but it still leaked) and across reconnects, for the notices,
// the live screen and the final verdict.
import type { Site } from '../core/sites/model';
import type { GrowingSite } from '../core/growth/target-growth';
import { AbandonedLog } from './abandoned-log';

export class GrowthLog {
  private readonly sites = new Map<string, GrowingSite>();
  private judging = false;
  /** Tasks abandoned during the watch (collected while suspended), kept alongside the growth verdicts. */
  readonly abandoned = new AbandonedLog();

  /** Takes the sites growing now; returns those judged growing for the first time. */
  record(growing: readonly GrowingSite[]): GrowingSite[] {
    const fresh: GrowingSite[] = [];
    const now = new Set(growing.map((g) => g.siteId));
    for (const judged of this.sites.values()) judged.growingNow = now.has(judged.siteId);
    for (const g of growing) {
      const known = this.sites.get(g.siteId);
      const entry: GrowingSite = { ...g, since: known?.since ?? g.since, growingNow: true };
      this.sites.set(g.siteId, entry);
      if (!known) fresh.push(entry);
    }
    return fresh;
  }

  /** Keeps the newest count and stack of judged sites that are no longer growing. */
  refresh(sites: readonly Site[]): void {
    for (const site of sites) {
      const judged = this.sites.get(site.id);
      if (judged && !judged.growingNow) judged.site = site;
    }
  }

  /** Verdicts could be reached (the warm-up was over and the window had enough points). */
  markJudging(): void {
    this.judging = true;
  }

  get canJudge(): boolean {
    return this.judging;
  }

  has(siteId: string): boolean {
    return this.sites.has(siteId);
  }

  /** Growing now first, then fastest first. */
  list(): GrowingSite[] {
    return [...this.sites.values()].sort(
      (a, b) => Number(b.growingNow) - Number(a.growingNow) || b.ratePerMinute - a.ratePerMinute || (a.siteId < b.siteId ? -1 : 1),
    );
  }
}
