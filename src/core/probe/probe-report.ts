// The probe's verdict for people: the words both reports share, and the Markdown report (editor).
// The terminal report is the CLI's (src/cli/probe-report-text.ts). Everything that came from the
// target (paths, function names) is escaped in the Markdown.
import { escapeControl } from '../terminal-text';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ABANDONED_HEADING } from '../sites/abandoned';
import type { Frame, Site } from '../sites/model';
import { formatCount, formatDuration } from '../number-format';
import type { LeakingSite, ProbeResult, ProbeRound } from './probe';
import { functionName, kindWords, locationText, relativeTo, sameFrame } from '../sites/site-presentation';
import { sitesUnavailableText } from '../sites/sites-unavailable';

export interface ProbeReportOptions {
  color?: boolean;
  /** Paths under it are shown relative (default process.cwd()). */
  cwd?: string;
  /** Leaking sites listed at most (default 10). */
  limit?: number;
  /** Frames of the example stack (default 12). */
  stackDepth?: number;
}

export function formatProbeMarkdown(result: ProbeResult, options: Pick<ProbeReportOptions, 'cwd' | 'limit' | 'stackDepth'> = {}): string {
  const { cwd = process.cwd(), limit = 20, stackDepth = 12 } = options;
  const out = [
    `# Leak probe: ${result.verdict === 'leak' ? 'leak found' : result.verdict === 'abandoned' ? 'abandoned tasks found' : result.verdict === 'cannot-tell' ? 'cannot tell' : 'no leak'}`,
    '',
    escape(headline(result)),
    '',
  ];
  if (result.verdict === 'leak') {
    const n = result.leaks.length;
    out.push(
      `**${n} site${n === 1 ? '' : 's'} grow${n === 1 ? 's' : ''} with every round of requests.** The first one is where to look.`,
      '',
    );
    out.push('| per request | site | type | location | function | count by round |', '|---:|---|---|---|---|---|');
    for (const leak of result.leaks.slice(0, limit)) {
      out.push(
        `| ${perRequestText(leak)} | ${kindWords(leak.site.kind)} | ${cell(leak.site.type)} | ${link(leak.site.frame, cwd)} | ${cell(functionName(leak.site.frame))} | ${leak.counts.map(formatCount).join(' → ')} |`,
      );
    }
    if (n > limit) out.push('', `… ${n - limit} more.`);
    const top = result.leaks[0];
    out.push(
      '',
      `## Example stack: ${kindWords(top.site.kind)} ${escape(locationText(top.site.frame, relativeTo(cwd)))}`,
      '',
      '```text',
      ...stackLines(top.site, cwd, stackDepth).map(noFence),
      '```',
    );
  } else if (result.verdict === 'cannot-tell') {
    out.push(`**Cannot tell:** ${escape(sitesUnavailableText(result.sitesUnavailable ?? 'the target gave no sites'))}`);
  } else if (result.verdict === 'no-leak') {
    out.push(`**No leak:** no site grew with the number of requests${result.rounds.length > 2 ? ' after the first round' : ''}.`);
  }
  const abandoned = result.abandoned ?? [];
  if (abandoned.length) {
    out.push(
      '',
      `## Abandoned tasks`,
      '',
      `**Tasks collected while suspended at ${abandoned.length} await${abandoned.length === 1 ? '' : 's'} grow with every round of requests.** ${escape(ABANDONED_HEADING)}.`,
      '',
    );
    out.push('| per request | location | function | abandoned by round |', '|---:|---|---|---|');
    for (const leak of abandoned.slice(0, limit)) {
      out.push(
        `| ${perRequestText(leak)} | ${link(leak.site.frame, cwd)} | ${cell(functionName(leak.site.frame))} | ${leak.counts.map(formatCount).join(' → ')} |`,
      );
    }
    out.push('', '```text', ...stackLines(abandoned[0].site, cwd, stackDepth).map(noFence), '```');
  }
  out.push(
    '',
    '## Rounds',
    '',
    '| round | requests | ok | HTTP errors | failed | hung | settled in | pending |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const r of result.rounds) {
    const n = (v: number | undefined) => (v === undefined ? '' : formatCount(v));
    out.push(
      `| ${r.round === 0 ? 'baseline' : r.round} | ${n(r.load?.sent)} | ${n(r.load?.ok)} | ${n(r.load?.httpErrors)} | ${n(r.load?.failed)} | ${n(r.load?.hung)} | ${settledText(r)} | ${formatCount(r.pending)} |`,
    );
  }
  if (result.notes.length) out.push('', '## Notes', '', ...result.notes.map((note) => `- ${escape(note)}`));
  return `${out.join('\n')}\n`;
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
  const lines = site.stack
    .slice(0, depth)
    .map((frame) => `${sameFrame(frame, site.frame) ? '>' : ' '} at ${functionName(frame)} (${locationText(frame, relativeTo(cwd))})`);
  if (site.stack.length > depth) lines.push(`  … ${site.stack.length - depth} more frames`);
  return lines;
}

/** Markdown text with every character that could format, link or open HTML escaped. */
function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>&~]/g, (c) => `\\${c}`);
}

/** A table cell: escaped, one line (control characters shown as escapes). */
function cell(text: string): string {
  return escape(escapeControl(text));
}

/** A link to a local source line (file:// URL built here), or plain text when there is no file. */
function link(frame: Frame, cwd: string): string {
  const text = cell(locationText(frame, relativeTo(cwd)));
  if (!isAbsolute(frame.file) || !(frame.line > 0)) return text;
  const href = pathToFileURL(frame.file).href.replace(/[()]/g, (c) => (c === '(' ? '%28' : '%29'));
  return `[${text}](${href}#L${frame.line})`;
}

/** Stack lines inside a ``` block: a line of backticks from the target must not close it. */
function noFence(line: string): string {
  return line.replace(/`{3,}/g, (m) => m.split('').join('\u200b'));
}
