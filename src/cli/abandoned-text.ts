// Terminal text for abandoned tasks (async functions collected while suspended at an await): the
// section of a snapshot summary and of a diff. Kept apart from format.ts, which it reuses.
import { ABANDONED_HEADING, abandonedSites } from '../core/sites/abandoned';
import type { DiffSite, Site, Snapshot, SnapshotDiff } from '../core/sites/model';
import { formatCount, formatDelta } from '../core/number-format';
import { functionName } from '../core/sites/site-presentation';
import { exampleStackLines, location, type FormatOptions } from './format';
import { painter, renderTable, truncate, type Cell } from './text-table';

export { ABANDONED_HEADING } from '../core/sites/abandoned';

const FUNCTION_COLUMN_WIDTH = 40;

export interface AbandonedTextOptions extends FormatOptions {
  /** Rows shown at most (default 10). */
  limit?: number;
  /** Frames of the top site's example stack (default 10; 0 for none). */
  stackDepth?: number;
}

/** The snapshot's abandoned section; no lines when there is none. */
export function formatAbandonedSection(snapshot: Snapshot, options: AbandonedTextOptions = {}): string[] {
  const sites = abandonedSites(snapshot);
  if (sites.length === 0) return [];
  const { color = false, cwd = process.cwd(), limit = 10 } = options;
  const paint = painter(color);
  const shown = sites.slice(0, limit);
  const rows = shown.map((site): Cell[] => [
    { text: formatCount(site.abandoned ?? 0), align: 'right', styles: ['red', 'bold'] },
    { text: location(site.frame, cwd), styles: ['cyan'] },
    { text: truncate(functionName(site.frame), FUNCTION_COLUMN_WIDTH) },
    { text: site.abandonedSeen ? seenText(site.abandonedSeen) : '', styles: ['dim'] },
  ]);
  const header = dimmed([{ text: 'COUNT', align: 'right' }, { text: 'LOCATION' }, { text: 'FUNCTION' }, { text: 'SEEN (UTC)' }]);
  const lines = ['', paint(ABANDONED_HEADING, 'bold', 'red'), ...renderTable([header, ...rows], color, '  ')];
  if (sites.length > shown.length) lines.push(paint(`  … ${sites.length - shown.length} more not shown (limit ${limit}).`, 'dim'));
  return [...lines, ...topStack(shown[0], options)];
}

/** The diff's abandoned section: sites whose abandoned count changed, by growth. */
export function formatAbandonedDiff(diff: SnapshotDiff, options: AbandonedTextOptions = {}): string[] {
  const changed = (diff.abandoned ?? []).filter((site) => site.delta !== 0);
  if (changed.length === 0) return [];
  const { color = false, cwd = process.cwd(), limit = 10 } = options;
  const paint = painter(color);
  const shown = changed.slice(0, limit);
  const rows = shown.map((site: DiffSite): Cell[] => [
    { text: formatDelta(site.delta), align: 'right', styles: site.delta > 0 ? ['red', 'bold'] : ['green'] },
    { text: `${formatCount(site.before)} → ${formatCount(site.after)}` },
    { text: location(site.frame, cwd), styles: ['cyan'] },
    { text: truncate(functionName(site.frame), FUNCTION_COLUMN_WIDTH) },
  ]);
  const header = dimmed([{ text: 'DELTA', align: 'right' }, { text: 'BEFORE → AFTER' }, { text: 'LOCATION' }, { text: 'FUNCTION' }]);
  const lines = ['', paint(ABANDONED_HEADING, 'bold', 'red'), ...renderTable([header, ...rows], color, '  ')];
  if (changed.length > shown.length) lines.push(paint(`  … ${changed.length - shown.length} more not shown (limit ${limit}).`, 'dim'));
  return [...lines, ...topStack(shown[0], options)];
}

function dimmed(cells: Cell[]): Cell[] {
  return cells.map((cell) => ({ ...cell, styles: ['dim'] }));
}

/** "first 19:51:44, last 19:51:46": times of day, to keep the row short. */
function seenText(seen: { first: string; last: string }): string {
  const time = (iso: string) => (iso.length >= 19 ? iso.slice(11, 19) : iso);
  return seen.first === seen.last ? time(seen.first) : `first ${time(seen.first)}, last ${time(seen.last)}`;
}

function topStack(site: Site | undefined, options: AbandonedTextOptions): string[] {
  const stackDepth = options.stackDepth ?? 10;
  if (!site || stackDepth <= 0) return [];
  const cwd = options.cwd ?? process.cwd();
  return [
    `  Example stack (${location(site.frame, cwd)}):`,
    ...exampleStackLines(site, { ...options, stackDepth }).map((line) => `  ${line}`),
  ];
}
