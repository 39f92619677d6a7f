// One outlet's view of the readings: the samples of every metric, with its own stable top-K
// choice of sites (each outlet may be scraped at its own pace). Never throws.
import { METRICS, type Collected, type MetricKey, type Sample } from './families';
import type { LeakReadings, SiteLabels } from './leak-readings';
import { StickyTop } from './sticky-top';

export class LeakMetricsView {
  private readonly pendingTop: StickyTop;
  private readonly abandonedTop: StickyTop;

  constructor(
    private readonly readings: LeakReadings,
    private readonly topSites: number,
  ) {
    this.pendingTop = new StickyTop(topSites);
    this.abandonedTop = new StickyTop(topSites);
  }

  collect(): Collected {
    const out = Object.fromEntries(Object.keys(METRICS).map((k) => [k, [] as Sample[]])) as Collected;
    let reading;
    try {
      reading = this.readings.read();
    } catch {
      reading = undefined;
    }
    out.active.push({ labels: {}, value: reading ? 1 : 0 });
    if (!reading) return out;
    for (const type of Object.keys(reading.counts).sort()) out.pending.push({ labels: { type }, value: reading.counts[type] });
    out.trackedSites.push({ labels: {}, value: reading.siteCount });
    const pendingKeys = this.pendingTop.choose(reading.sites.map((s) => ({ key: s.key, value: s.count })));
    const byAbandoned = [...reading.sites].sort((a, b) => b.abandoned - a.abandoned || (a.key < b.key ? -1 : 1));
    const abandonedKeys = this.abandonedTop.choose(byAbandoned.map((s) => ({ key: s.key, value: s.abandoned })));
    for (const site of reading.sites) {
      if (pendingKeys.has(site.key)) out.sitePending.push({ labels: labels(site.labels), value: site.count });
      // Blocked tasks shown for their pending count get their counter at 0 too, so the first
      // abandoned one is an increase that rate() sees (a series born at 1 would not be).
      const shownTask = site.labels.kind === 'blocked' && pendingKeys.has(site.key);
      if (abandonedKeys.has(site.key) || shownTask) out.siteAbandoned.push({ labels: labels(site.labels), value: site.abandoned });
    }
    const growing = reading.growing.slice(0, this.topSites);
    out.growingSites.push({ labels: {}, value: reading.growing.length });
    for (const g of growing) out.siteGrowth.push({ labels: labels(g.labels), value: g.perSecond });
    return out;
  }
}

function labels(site: SiteLabels): Record<string, string> {
  return { kind: site.kind, type: site.type, file: site.file, line: site.line, function: site.function };
}

export const METRIC_KEYS = Object.keys(METRICS) as MetricKey[];
