// The probe's verdict in words both reports share: the terminal report is the CLI's
// (src/cli/probe-report-text.ts), the editor's report page is src/extension/probe.
import type { Site } from './model';
import { formatCount, formatDuration } from './number-format';
import type { LeakingSite, ProbeResult, ProbeRound } from './probe';
import { functionName, locationText, relativeTo, sameFrame } from './site-presentation';

export interface ProbeReportOptions {
  color?: boolean;
  /** Paths under it are shown relative (default process.cwd()). */
  cwd?: string;
  /** Leaking sites listed at most (default 10). */
  limit?: number;
  /** Frames of the example stack (default 12). */
  stackDepth?: number;
}

export function headline(result: ProbeResult): string {
  const { request: q, target } = result;
  return (
    `Leak probe of pid ${target.pid} (Node ${target.nodeVersion}): ${q.rounds} round${q.rounds === 1 ? '' : 's'} of ${formatCount(q.requests)} ${q.method} ${q.url}, ` +
    `${q.concurrency} at a time, timeout ${formatDuration(q.timeoutMs)}; took ${formatDuration(result.durationMs)}.`
  );
}

export function perRequestText(leak: LeakingSite): string {
  return `${leak.perRequest >= 0 ? '+' : ''}${leak.perRequest.toFixed(2)}`;
}

export function settledText(r: ProbeRound): string {
  return `${formatDuration(r.settle.waitedMs)}${r.settle.settled ? '' : ' (gave up)'}`;
}

export function stackLines(site: Site, cwd: string, depth: number): string[] {
  if (site.stack.length === 0) return ['(no example stack was captured)'];
  const lines = site.stack.slice(0, depth).map((frame) => `${sameFrame(frame, site.frame) ? '>' : ' '} at ${functionName(frame)} (${locationText(frame, relativeTo(cwd))})`);
  if (site.stack.length > depth) lines.push(`  … ${site.stack.length - depth} more frames`);
  return lines;
}
