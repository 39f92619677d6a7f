// The metrics read: the sites with most pending (and most abandoned) without walking records or
// building stacks, so a scrape stays cheap with tens of thousands of sites (one pass, a heap of
// `limit` entries).
import type { AgentSiteCount } from './protocol';
import type { Site } from './sites';

export function readSites(sites: Iterable<Site>, limit: number): AgentSiteCount[] {
  const byCount = new TopK<Site>(limit);
  const byAbandoned = new TopK<Site>(limit);
  for (const site of sites) {
    if (site.unsited) continue;
    if (site.weight > 0) byCount.offer(site, site.weight);
    const abandoned = abandonedOf(site);
    if (abandoned > 0) byAbandoned.offer(site, abandoned);
  }
  const chosen = new Set<Site>(byCount.items());
  for (const site of byAbandoned.items()) chosen.add(site);
  const out: AgentSiteCount[] = [];
  for (const site of chosen) {
    out.push({
      kind: site.kind,
      type: site.type,
      frame: site.frame,
      userCode: site.userCode,
      count: Math.round(site.weight),
      abandoned: abandonedOf(site),
    });
  }
  return out;
}

/** Estimated tasks collected while suspended at the site (abandoned.ts), 0 when none was seen. */
function abandonedOf(site: Site): number {
  return site.abandoned === undefined ? 0 : Math.round(site.abandoned.weight);
}

/** The `limit` items with the largest scores offered (a binary min-heap on score). */
export class TopK<T> {
  private readonly scores: number[] = [];
  private readonly values: T[] = [];

  constructor(private readonly limit: number) {}

  offer(value: T, score: number): void {
    if (this.limit <= 0) return;
    if (this.scores.length < this.limit) {
      this.scores.push(score);
      this.values.push(value);
      this.up(this.scores.length - 1);
    } else if (score > this.scores[0]) {
      this.scores[0] = score;
      this.values[0] = value;
      this.down(0);
    }
  }

  items(): T[] {
    return this.values.slice();
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.scores[parent] <= this.scores[i]) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.scores.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let least = i;
      if (l < n && this.scores[l] < this.scores[least]) least = l;
      if (r < n && this.scores[r] < this.scores[least]) least = r;
      if (least === i) return;
      this.swap(i, least);
      i = least;
    }
  }

  private swap(a: number, b: number): void {
    [this.scores[a], this.scores[b]] = [this.scores[b], this.scores[a]];
    [this.values[a], this.values[b]] = [this.values[b], this.values[a]];
  }
}
