// Abandoned tasks during one watch (async functions collected while suspended at an await): per
// site, how many since the watch's first site read and at what rate per minute, for the one-line
// notice, the live screen and the final verdict. Counts come from the agent (since it arrived).
import { ABANDONED_HEADING } from '../core/abandoned';
import type { Site, Snapshot } from '../core/model';
import { formatCount } from '../core/number-format';
import { functionName } from '../core/site-presentation';
import { location } from './format';
import { painter, renderTable, truncate, type Cell } from './text-table';
import { clock } from './growth-text';

export interface AbandonedEntry {
  siteId: string;
  /** The newest data of the site. */
  site: Site;
  /** Abandoned since the watch's first site read. */
  count: number;
  ratePerMinute: number;
  /** When the first one was seen during the watch (ms since epoch). */
  since: number;
}

/** Rates over less than this are not shown as per minute (they would be noise). */
const MIN_RATE_SPAN_MS = 5000;

export class AbandonedLog {
  private start: { t: number; counts: Map<string, number> } | undefined;
  private readonly entries = new Map<string, AbandonedEntry>();

  /** Takes a site read; returns the sites where tasks were abandoned for the first time in this watch. */
  observe(snapshot: Snapshot): AbandonedEntry[] {
    const t = Date.parse(snapshot.takenAt);
    if (!this.start) {
      this.start = { t, counts: new Map(snapshot.sites.map((s) => [s.id, s.abandoned ?? 0])) };
      return [];
    }
    const fresh: AbandonedEntry[] = [];
    const minutes = Math.max(t - this.start.t, MIN_RATE_SPAN_MS) / 60_000;
    for (const site of snapshot.sites) {
      const count = (site.abandoned ?? 0) - (this.start.counts.get(site.id) ?? 0);
      if (count <= 0) continue;
      const known = this.entries.get(site.id);
      const entry: AbandonedEntry = { siteId: site.id, site, count, ratePerMinute: count / minutes, since: known?.since ?? t };
      this.entries.set(site.id, entry);
      if (!known) fresh.push(entry);
    }
    return fresh;
  }

  /** Most abandoned first. */
  list(): AbandonedEntry[] {
    return [...this.entries.values()].sort((a, b) => b.count - a.count || (a.siteId < b.siteId ? -1 : 1));
  }
}

/** "+24.0 per minute" */
export function abandonedRateText(entry: AbandonedEntry): string {
  return `+${entry.ratePerMinute.toFixed(1)} per minute`;
}

/** One line, for logs: "14:03:07 Abandoned: 12 tasks collected while suspended at server.js:41:19 (queryMirror), ..." */
export function formatAbandonedNotice(entry: AbandonedEntry, cwd: string): string {
  const n = entry.count;
  return (
    `${clock(entry.since)} Abandoned: ${formatCount(n)} task${n === 1 ? '' : 's'} collected while suspended at ${location(entry.site.frame, cwd)} ` +
    `(${functionName(entry.site.frame)}), ${abandonedRateText(entry)}; the code after this await and its finally blocks never ran.`
  );
}

/** The section of the live screen and of the verdict; no lines when nothing was abandoned. */
export function formatAbandonedWatchSection(log: AbandonedLog, options: { color: boolean; cwd: string; limit: number }): string[] {
  const entries = log.list();
  if (entries.length === 0) return [];
  const paint = painter(options.color);
  const shown = entries.slice(0, options.limit);
  const header = ['RATE', 'SINCE START', 'LOCATION', 'FUNCTION', 'FIRST SEEN'].map((text): Cell => ({ text, styles: ['dim'] }));
  const rows = shown.map((e): Cell[] => [
    { text: abandonedRateText(e), styles: ['red', 'bold'] },
    { text: formatCount(e.count), align: 'right' },
    { text: location(e.site.frame, options.cwd), styles: ['cyan'] },
    { text: truncate(functionName(e.site.frame), 40) },
    { text: clock(e.since) },
  ]);
  const lines = ['', paint(ABANDONED_HEADING, 'bold', 'red'), ...renderTable([header, ...rows], options.color, '  ')];
  if (entries.length > shown.length) lines.push(paint(`  … ${entries.length - shown.length} more (limit ${options.limit}).`, 'dim'));
  return lines;
}
