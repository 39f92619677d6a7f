// What a failed leak check says: one line per site (count, type, the line in your code), then
// one example stack. Short on purpose: the site says where to look, the stack how it got there.
import type { Frame } from '../core/sites/model';
import { functionName, kindWords, locationText, relativeTo } from '../core/sites/site-presentation';

export interface LeakedSite {
  kind: 'created' | 'blocked';
  type: string;
  count: number;
  /** The line in your code (the first frame outside Node and node_modules), source-mapped. */
  frame: Frame;
  stack: Frame[];
  userCode: boolean;
  oldestAgeMs: number;
}

/** Tasks of the test collected by the GC while suspended at this await (they never finished). */
export interface AbandonedSite {
  count: number;
  frame: Frame;
  stack: Frame[];
  userCode: boolean;
}

export interface LeakReport {
  /** The test's name, when known. */
  test?: string;
  /** Pending resources created by the test (ignored ones not counted). */
  pending: number;
  /** Grouped by site, the line to look at first. */
  sites: LeakedSite[];
  /** Awaits where the test's tasks were abandoned (collected while suspended), your code first. */
  abandoned: AbandonedSite[];
  /** Pending resources left out by the ignore options. */
  ignored: number;
  /** How long the check waited for pending work to finish. */
  waitedMs: number;
}

export class LeakError extends Error {
  declare readonly report: LeakReport;

  constructor(report: LeakReport, options: { cwd?: string; maxSites?: number; allowAbandoned?: boolean } = {}) {
    super(formatLeakReport(report, options));
    this.name = 'LeakError';
    // Not enumerable: runners that print an error's own fields would print the report twice.
    Object.defineProperty(this, 'report', { value: report, enumerable: false });
    // The report is the whole story; frames of the checker would only add noise.
    this.stack = `${this.name}: ${this.message}`;
  }
}

/** True when the report fails the check: something pending, or abandoned tasks not allowed. */
export function isLeak(report: LeakReport, options: { allowAbandoned?: boolean }): boolean {
  return report.sites.length > 0 || (!options.allowAbandoned && (report.abandoned?.length ?? 0) > 0);
}

export function formatLeakReport(report: LeakReport, options: { cwd?: string; maxSites?: number; allowAbandoned?: boolean } = {}): string {
  const cwd = options.cwd ?? process.cwd();
  const who = report.test ? `test "${report.test}"` : 'the checked code';
  const abandoned = options.allowAbandoned ? [] : (report.abandoned ?? []);
  if (report.sites.length === 0 && abandoned.length === 0)
    return `No leak: ${who} left nothing pending${report.ignored ? ` (${report.ignored} ignored)` : ''}.`;
  const lines = report.sites.length ? pendingLines(report, who, cwd, options.maxSites ?? 10) : [];
  if (abandoned.length) lines.push(...abandonedLines(abandoned, report.sites.length ? 'it' : who, cwd, options.maxSites ?? 10));
  return lines.join('\n');
}

function abandonedLines(sites: AbandonedSite[], who: string, cwd: string, maxSites: number): string[] {
  const n = sites.reduce((sum, s) => sum + s.count, 0);
  const lines = [
    `${who} abandoned ${n} task${n === 1 ? '' : 's'}: collected by the GC while suspended — the code after this await and its finally blocks never ran:`,
  ];
  const shown = sites.slice(0, maxSites);
  const countWidth = Math.max(...shown.map((s) => String(s.count).length));
  for (const site of shown)
    lines.push(
      `  ${String(site.count).padStart(countWidth)} × abandoned at ${where(site.frame, cwd)}  ${site.frame.function || '<anonymous>'}`,
    );
  if (sites.length > shown.length) lines.push(`  … and ${sites.length - shown.length} more sites`);
  lines.push(`Example stack (abandoned at ${where(sites[0].frame, cwd)}):`);
  for (const frame of sites[0].stack)
    lines.push(
      frame.function && frame.function !== '<anonymous>'
        ? `    at ${frame.function} (${where(frame, cwd)})`
        : `    at ${where(frame, cwd)}`,
    );
  lines.push('(to let a test abandon tasks, pass { allowAbandoned: true })');
  return lines;
}

function pendingLines(report: LeakReport, who: string, cwd: string, maxSites: number): string[] {
  const n = report.pending;
  const lines = [`${who} left ${n} async resource${n === 1 ? '' : 's'} pending after waiting ${formatMs(report.waitedMs)}:`];
  const shown = report.sites.slice(0, maxSites);
  const countWidth = Math.max(...shown.map((s) => String(s.count).length));
  const typeWidth = Math.max(...shown.map((s) => s.type.length));
  for (const site of shown) {
    lines.push(
      `  ${String(site.count).padStart(countWidth)} × ${site.type.padEnd(typeWidth)}  ${kindWords(site.kind)} ${where(site.frame, cwd)}  ${functionName(site.frame)}`,
    );
  }
  if (report.sites.length > shown.length) lines.push(`  … and ${report.sites.length - shown.length} more sites`);
  const top = report.sites[0];
  lines.push(`Example stack (${top.type} ${kindWords(top.kind)} ${where(top.frame, cwd)}):`);
  // Anonymous frames as Node prints them: jest drops every "at <anonymous> (...)" line.
  for (const frame of top.stack)
    lines.push(
      frame.function && frame.function !== '<anonymous>'
        ? `    at ${frame.function} (${where(frame, cwd)})`
        : `    at ${where(frame, cwd)}`,
    );
  if (report.ignored)
    lines.push(`(${report.ignored} more pending resource${report.ignored === 1 ? '' : 's'} ignored by the ignore options)`);
  return lines;
}

function where(frame: Frame, cwd: string): string {
  return locationText(frame, relativeTo(cwd));
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
