// Terminal rendering of diffs, snapshots and live counts for the CLI. Color only when asked:
// the caller decides (TTY, NO_COLOR).
import { formatAbandonedDiff, formatAbandonedSection } from './abandoned-text';
import { topGrowing } from '../core/sites/diff';
import type { CountSample, DiffSite, Frame, Site, Snapshot, SnapshotDiff } from '../core/sites/model';
import { formatCount, formatDelta, formatDuration } from '../core/number-format';
import {
  compareSitesByCount,
  compareText,
  compareTypeChanges,
  functionName,
  isInternalFrame,
  kindWords,
  locationText,
  relativeTo,
  sameFrame,
} from '../core/sites/site-presentation';
import { describeSplit, splitTotalChanges, splitTotals, withoutSiteLabel, withoutSiteReason } from '../core/sites/site-totals';
import { escapeControl } from '../core/terminal-text';
import { painter, renderTable, truncate, type Cell, type Style } from './text-table';
import { countOf } from '../core/sites/count-map';
import { sitesUnavailableText } from '../core/sites/sites-unavailable';

export { sitesUnavailableText };

export interface FormatOptions {
  color?: boolean;
  /** Paths under this directory are shown relative to it (default: process.cwd()). */
  cwd?: string;
}

export interface DiffTableOptions extends FormatOptions {
  /** Rows shown at most (default 20). */
  limit?: number;
  /** Also list sites whose count did not change (hidden by default). */
  includeUnchanged?: boolean;
  /** Print the example stack of the top growing site (default true). */
  stacks?: boolean;
  /** Frames of that example stack shown at most (default 15). */
  stackDepth?: number;
}

export interface SummaryOptions extends FormatOptions {
  /** Sites shown at most (default 10). */
  limit?: number;
}

const FUNCTION_COLUMN_WIDTH = 40;

export function formatDiffTable(diff: SnapshotDiff, options: DiffTableOptions = {}): string {
  const { color = false, cwd = process.cwd(), limit = 20, includeUnchanged = false, stacks = true, stackDepth = 15 } = options;
  const paint = painter(color);
  const lines: string[] = [paint(`Sites by growth: ${describePoint(diff.before)} → ${describePoint(diff.after)}`, 'bold')];
  if (diff.sitesUnavailable !== undefined) lines.push(paint(sitesUnavailableText(diff.sitesUnavailable), 'red', 'bold'));

  const listed = includeUnchanged ? diff.sites : diff.sites.filter((site) => site.delta !== 0);
  const unchangedHidden = diff.sites.length - listed.length;
  const shown = listed.slice(0, Math.max(0, limit));

  if (listed.length === 0) {
    lines.push(`No site grew or shrank${diff.sites.length ? ` (${diff.sites.length} site${plural(diff.sites.length)} unchanged)` : ''}.`);
  } else {
    const withThreads = shown.some((site) => site.thread !== 0);
    // At least as wide as the word BEFORE, so the arrows line up with the header's.
    const beforeWidth = Math.max('BEFORE'.length, ...shown.map((site) => formatCount(site.before).length));
    const header = headerRow([
      { text: 'DELTA', align: 'right' },
      { text: `${'BEFORE'.padStart(beforeWidth)} → AFTER` },
      { text: 'SITE' },
      { text: 'TYPE' },
      ...(withThreads ? [{ text: 'THREAD' }] : []),
      { text: 'LOCATION' },
      { text: 'FUNCTION' },
    ]);
    const rows = shown.map((site): Cell[] => [
      { text: formatDelta(site.delta), align: 'right', styles: deltaStyles(site.delta) },
      { text: `${formatCount(site.before).padStart(beforeWidth)} → ${formatCount(site.after)}` },
      { text: kindWords(site.kind), styles: site.kind === 'blocked' ? ['yellow'] : [] },
      { text: site.type },
      ...(withThreads ? [{ text: threadName(site.thread) }] : []),
      { text: location(site.frame, cwd), styles: ['cyan'] },
      { text: truncate(functionName(site.frame), FUNCTION_COLUMN_WIDTH) },
    ]);
    lines.push(...renderTable([header, ...rows], color));

    const notes: string[] = [];
    if (listed.length > shown.length)
      notes.push(`${listed.length - shown.length} more changed site${plural(listed.length - shown.length)} not shown (limit ${limit})`);
    if (unchangedHidden > 0) notes.push(`${unchangedHidden} unchanged site${plural(unchangedHidden)} hidden`);
    if (notes.length) lines.push(paint(`… ${notes.join('; ')}.`, 'dim'));
  }

  const [top] = topGrowing(diff, 1);
  if (top && stacks) {
    lines.push('', ...describeTopSite(top, cwd, stackDepth, color));
  }

  lines.push(...formatAbandonedDiff(diff, { color, cwd, stackDepth: stacks ? Math.min(stackDepth, 10) : 0 }));

  const totals = Object.entries(diff.totals).sort(([a, x], [b, y]) => compareTypeChanges({ type: a, ...x }, { type: b, ...y }));
  if (totals.length) {
    lines.push('', paint('Totals by type:', 'bold'));
    lines.push(
      ...renderTable(
        totals.map(([type, total]) => [
          { text: type },
          { text: formatCount(total.before), align: 'right' },
          { text: '→' },
          { text: formatCount(total.after), align: 'right' },
          { text: formatDelta(total.delta), align: 'right', styles: deltaStyles(total.delta) },
        ]),
        color,
        '  ',
      ),
    );
    lines.push(...diffRemainderLines(diff).map((line) => paint(line, 'dim')));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * "PROMISE +250 = +50 in sites, +200 with no site (why)": how a type's change splits into its
 * sites' changes and the rest, for each type where the two differ.
 */
export function diffRemainderLines(diff: SnapshotDiff): string[] {
  return splitTotalChanges(diff)
    .filter((split) => Math.round(split.withoutSiteDelta) !== 0)
    .map(
      (split) =>
        `${escapeControl(split.type)} ${formatDelta(split.delta)} = ${formatDelta(split.inSitesDelta)} in sites, ${withoutSiteLabel(split.withoutSiteDelta, true)}: ${withoutSiteReason(split.type)}.`,
    );
}

function describeTopSite(site: DiffSite, cwd: string, stackDepth: number, color: boolean): string[] {
  const paint = painter(color);
  const compiled = site.generatedFrame ? ` (compiled: ${location(site.generatedFrame, cwd)})` : '';
  const lines = [
    paint(`Top growing site: ${kindWords(site.kind)} ${location(site.frame, cwd)}`, 'bold') +
      `${compiled}, ${escapeControl(site.type)}, ${formatDelta(site.delta)}${site.thread ? `, ${threadName(site.thread)}` : ''}`,
    `  ${formatCount(site.after)} pending, oldest ${formatDuration(site.oldestAgeMs)}`,
  ];
  if (site.stack.length === 0) return [...lines, paint('  (no example stack was captured)', 'dim')];
  return [...lines, '  Example stack:', ...exampleStackLines(site, { cwd, stackDepth, color }).map((line) => `  ${line}`)];
}

/** A site's example stack, one frame a line, the site frame marked with `>`. */
export function exampleStackLines(site: Site, options: FormatOptions & { stackDepth?: number } = {}): string[] {
  const { color = false, cwd = process.cwd(), stackDepth = 15 } = options;
  const paint = painter(color);
  if (site.stack.length === 0) return [paint('(no example stack was captured)', 'dim')];
  const lines = site.stack.slice(0, stackDepth).map((frame) => {
    const isSiteFrame = sameFrame(frame, site.frame) || (site.generatedFrame !== undefined && sameFrame(frame, site.generatedFrame));
    // The marker shows the site frame without color too (CI logs).
    const text = `${isSiteFrame ? '>' : ' '} at ${functionName(frame)} (${location(frame, cwd)})`;
    return isSiteFrame ? paint(text, 'bold') : paint(text, ...(isInternalFrame(frame) ? (['dim'] as Style[]) : []));
  });
  if (site.stack.length > stackDepth)
    lines.push(paint(`  … ${site.stack.length - stackDepth} more frame${plural(site.stack.length - stackDepth)}`, 'dim'));
  return lines;
}

export function formatSnapshotSummary(snapshot: Snapshot, options: SummaryOptions = {}): string {
  const { color = false, cwd = process.cwd(), limit = 10 } = options;
  const paint = painter(color);
  const { target } = snapshot;
  // Sites with nothing pending are listed for their abandoned tasks only.
  const pendingSites = snapshot.sites.filter((site) => site.count > 0);
  const splits = splitTotals(snapshot.totals, pendingSites);
  const lines = [
    paint(
      `Snapshot${snapshot.label ? ` "${escapeControl(snapshot.label)}"` : ''} of pid ${target.pid} (Node ${escapeControl(target.nodeVersion)}${target.title ? `, ${escapeControl(target.title)}` : ''}) taken ${snapshot.takenAt}`,
      'bold',
    ),
    describeSplit(splits) + (snapshot.threads.length > 1 ? `, ${snapshot.threads.length} threads` : ''),
  ];
  const gcNote = gcNotice(snapshot);
  if (gcNote) lines.push(paint(gcNote, 'yellow'));
  if (snapshot.sitesUnavailable !== undefined) lines.push(paint(sitesUnavailableText(snapshot.sitesUnavailable), 'red', 'bold'));

  const types = splits.filter((split) => split.total > 0 || split.sites > 0);
  if (types.length) {
    lines.push('', paint('By type:', 'bold'));
    const header = headerRow([
      { text: 'TYPE' },
      { text: 'COUNT', align: 'right' },
      { text: 'IN SITES', align: 'right' },
      { text: 'NO SITE', align: 'right' },
    ]);
    const rows = types.map((split): Cell[] => [
      { text: escapeControl(split.type) },
      { text: formatCount(split.total), align: 'right' },
      { text: formatCount(Math.min(split.inSites, split.total)), align: 'right' },
      { text: formatCount(split.withoutSite), align: 'right' },
    ]);
    lines.push(...renderTable([header, ...rows], color, '  '));
    // With no sites read at all, the line above says why; there is no remainder to explain.
    for (const split of snapshot.sitesUnavailable === undefined ? types.filter((t) => t.withoutSite > 0) : []) {
      lines.push(paint(`  ${escapeControl(split.type)} ${withoutSiteLabel(split.withoutSite)}: ${withoutSiteReason(split.type)}.`, 'dim'));
    }
  }
  const baseline = Object.entries(snapshot.baseline).filter(([, count]) => count > 0);
  if (baseline.length) {
    lines.push(
      paint(
        `Already alive when the agent attached (no site known): ${baseline.map(([type, count]) => `${escapeControl(type)} ${formatCount(count)}`).join(', ')}`,
        'dim',
      ),
    );
  }

  const sites = pendingSites.sort(compareSitesByCount);
  const shown = sites.slice(0, Math.max(0, limit));
  if (shown.length) {
    const withThreads = shown.some((site) => site.thread !== 0);
    lines.push('', paint('Top sites by count:', 'bold'));
    const header = headerRow([
      { text: 'COUNT', align: 'right' },
      { text: 'SITE' },
      { text: 'TYPE' },
      ...(withThreads ? [{ text: 'THREAD' }] : []),
      { text: 'LOCATION' },
      { text: 'FUNCTION' },
      { text: 'OLDEST', align: 'right' },
    ]);
    const rows = shown.map((site): Cell[] => [
      { text: formatCount(site.count), align: 'right' },
      { text: kindWords(site.kind), styles: site.kind === 'blocked' ? ['yellow'] : [] },
      { text: site.type },
      ...(withThreads ? [{ text: threadName(site.thread) }] : []),
      { text: location(site.frame, cwd), styles: ['cyan'] },
      { text: truncate(functionName(site.frame), FUNCTION_COLUMN_WIDTH) },
      { text: formatDuration(site.oldestAgeMs), align: 'right' },
    ]);
    lines.push(...renderTable([header, ...rows], color, '  '));
    if (sites.length > shown.length)
      lines.push(
        paint(`  … ${sites.length - shown.length} more site${plural(sites.length - shown.length)} not shown (limit ${limit}).`, 'dim'),
      );
  }
  lines.push(...formatAbandonedSection(snapshot, { color, cwd }));

  const dropped = Object.entries(snapshot.stats.dropped).filter(([, count]) => count > 0);
  if (dropped.length || snapshot.stats.droppedStacks > 0) {
    const parts = dropped.map(([type, count]) => `${escapeControl(type)} ${formatCount(count)}`);
    lines.push(
      '',
      paint(
        `Caps reached: ${parts.length ? `samples dropped (${parts.join(', ')})` : ''}${parts.length && snapshot.stats.droppedStacks ? '; ' : ''}${snapshot.stats.droppedStacks ? `${formatCount(snapshot.stats.droppedStacks)} stack${plural(snapshot.stats.droppedStacks)} not kept` : ''}.`,
        'yellow',
      ),
    );
  }
  const sampled = Object.entries(snapshot.stats.samplingRate).filter(([, rate]) => rate < 1);
  if (sampled.length) {
    lines.push(
      paint(
        `Sampled types (site counts are estimates): ${sampled.map(([type, rate]) => `${escapeControl(type)} ${formatRate(rate)}`).join(', ')}`,
        'dim',
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Says when a snapshot was taken without the full GC it asked for (undefined otherwise). */
export function gcNotice(snapshot: Pick<Snapshot, 'gc'>): string | undefined {
  if (snapshot.gc?.status !== 'skipped') return undefined;
  return `Taken without a full GC: ${escapeControl(snapshot.gc.reason ?? 'the target did not answer in time')}.`;
}

/** Live counts for a watch screen: type, count, and the change since the previous sample. */
export function formatCounts(sample: CountSample, previous?: CountSample, options: Pick<FormatOptions, 'color'> = {}): string {
  const { color = false } = options;
  const types = new Set([...Object.keys(sample.counts), ...Object.keys(previous?.counts ?? {})]);
  const rows = [...types]
    .map((type) => ({ type, count: countOf(sample.counts, type), before: previous ? countOf(previous.counts, type) : undefined }))
    .sort((a, b) => b.count - a.count || compareText(a.type, b.type));
  const header = headerRow([{ text: 'TYPE' }, { text: 'COUNT', align: 'right' }, { text: previous ? 'TREND' : '' }]);
  const line = (type: string, count: number, before: number | undefined, styles: Style[] = []): Cell[] => [
    { text: type, styles },
    { text: formatCount(count), align: 'right', styles },
    trendCell(before === undefined ? undefined : count - before),
  ];
  const table = [
    header,
    ...rows.map((row) => line(row.type, row.count, row.before)),
    line('total', sample.total, previous?.total, ['bold']),
  ];
  return `${renderTable(table, color).join('\n')}\n`;
}

function trendCell(change: number | undefined): Cell {
  if (change === undefined) return { text: '' };
  if (Math.round(change) === 0) return { text: '→', styles: ['dim'] };
  return change > 0 ? { text: `↑ ${formatDelta(change)}`, styles: ['red'] } : { text: `↓ ${formatDelta(change)}`, styles: ['green'] };
}

function headerRow(cells: Cell[]): Cell[] {
  return cells.map((cell) => ({ ...cell, styles: ['dim'] }));
}

function deltaStyles(delta: number): Style[] {
  if (delta > 0) return ['red', 'bold'];
  if (delta < 0) return ['green'];
  return ['dim'];
}

function threadName(thread: number): string {
  return thread === 0 ? 'main' : `worker ${thread}`;
}

function describePoint(point: { takenAt: string; label?: string }): string {
  return point.label ? `"${escapeControl(point.label)}" (${escapeControl(point.takenAt)})` : escapeControl(point.takenAt);
}

/** file:line:col, relative to cwd when the file is under it. */
export function location(frame: Frame, cwd: string): string {
  return locationText(frame, relativeTo(cwd));
}

function formatRate(rate: number): string {
  return rate > 0 ? `1 in ${formatCount(1 / rate)}` : 'none';
}

function plural(count: number): string {
  return Math.round(count) === 1 ? '' : 's';
}
