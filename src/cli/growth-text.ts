// Growth verdicts on the live screen: the table of sites judged growing (or why there is no
// verdict yet), and the one-line notice printed when a site is judged growing for the first time.
import { location } from './format';
import type { GrowthOptions } from '../core/growth/growth';
import { formatCount } from '../core/number-format';
import { functionName, kindWords } from '../core/sites/site-presentation';
import { escapeControl } from '../core/terminal-text';
import { painter, renderTable, truncate, type Cell } from './text-table';
import type { VerdictPhase } from '../core/growth/live-target';
import type { GrowingSite } from '../core/growth/target-growth';
import type { GrowthLog } from './growth-log';

export interface GrowthTextOptions {
  color: boolean;
  cwd: string;
  growth: Pick<GrowthOptions, 'warmupMs' | 'windowMs'>;
}

/** "created at server.js:21:3 (Timeout, handler)" */
export function describeSite(judged: GrowingSite, cwd: string): string {
  const { site } = judged;
  return `${kindWords(site.kind)} ${location(site.frame, cwd)} (${escapeControl(site.type)}, ${functionName(site.frame)})`;
}

/** One line, for logs: "14:03:07 Growing: created at ... +120.0 pending per minute, 45 pending now; floor rose ..." */
export function formatGrowthNotice(judged: GrowingSite, cwd: string): string {
  return `${clock(judged.since)} Growing: ${describeSite(judged, cwd)}, ${judged.rateText}, ${formatCount(judged.site.count)} pending now; ${judged.reason}.`;
}

/** "trend over the last 120 s, after a 20 s warm-up" */
export function describeJudging(growth: GrowthTextOptions['growth']): string {
  return `trend over the last ${growth.windowMs / 1000} s, after a ${growth.warmupMs / 1000} s warm-up`;
}

export function formatGrowthSection(log: GrowthLog, status: VerdictPhase, options: GrowthTextOptions & { limit: number }): string[] {
  const paint = painter(options.color);
  const judged = log.list();
  if (judged.length === 0) {
    if (status.phase === 'warming-up')
      return [paint(`Growth verdicts: warming up (${Math.floor(status.elapsedMs / 1000)} of ${options.growth.warmupMs / 1000} s).`, 'dim')];
    if (status.phase === 'collecting')
      return [paint(`Growth verdicts: collecting data (${status.reads} of ${status.needed} site reads).`, 'dim')];
    return [paint(`No site judged growing (${describeJudging(options.growth)}).`, 'green')];
  }
  return [paint(`Sites judged growing (${describeJudging(options.growth)}):`, 'bold'), ...formatGrowthTable(judged, options)];
}

/** Rate, site, line and since when, one row per judged site (at most `limit`). */
export function formatGrowthTable(
  judged: readonly GrowingSite[],
  options: Pick<GrowthTextOptions, 'color' | 'cwd'> & { limit: number },
): string[] {
  const shown = judged.slice(0, options.limit);
  const header = ['RATE', 'SITE', 'TYPE', 'LOCATION', 'FUNCTION', 'PENDING', 'JUDGED GROWING'].map((text, i): Cell => ({
    text,
    align: i === 5 ? 'right' : 'left',
    styles: ['dim'],
  }));
  const rows = shown.map((j): Cell[] => [
    { text: j.rateText, styles: j.growingNow ? ['red', 'bold'] : [] },
    { text: kindWords(j.site.kind), styles: j.site.kind === 'blocked' ? ['yellow'] : [] },
    { text: j.site.type },
    { text: location(j.site.frame, options.cwd), styles: ['cyan'] },
    { text: truncate(functionName(j.site.frame), 40) },
    { text: formatCount(j.site.count), align: 'right' },
    { text: j.growingNow ? `since ${clock(j.since)}` : `from ${clock(j.since)}, not now`, styles: j.growingNow ? [] : ['dim'] },
  ]);
  const lines = renderTable([header, ...rows], options.color, '  ');
  if (judged.length > shown.length)
    lines.push(painter(options.color)(`  … ${judged.length - shown.length} more (limit ${options.limit}).`, 'dim'));
  return lines;
}

/** Local wall-clock time, "14:03:07". */
export function clock(ms: number): string {
  return new Date(ms).toLocaleTimeString();
}
