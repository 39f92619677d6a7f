// The probe's verdict for people: a terminal report (CLI) and a Markdown report (editor).
// Everything that came from the target (paths, function names) is escaped in the Markdown.
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ABANDONED_HEADING } from './abandoned-text';
import { location } from './format';
import { formatRate } from './growth';
import type { Frame, Site } from './model';
import type { LeakingSite, ProbeResult, ProbeRound } from './probe';
import { formatCount, formatDuration, painter, renderTable, truncate, type Cell } from './text-table';

export interface ProbeReportOptions {
  color?: boolean;
  /** Paths under it are shown relative (default process.cwd()). */
  cwd?: string;
  /** Leaking sites listed at most (default 10). */
  limit?: number;
  /** Frames of the example stack (default 12). */
  stackDepth?: number;
}

export function formatProbeReport(result: ProbeResult, options: ProbeReportOptions = {}): string {
  const { color = false, cwd = process.cwd(), limit = 10, stackDepth = 12 } = options;
  const paint = painter(color);
  const lines = [paint(headline(result), 'bold'), ''];
  lines.push(
    ...renderTable(
      [
        ['ROUND', 'REQUESTS', 'OK', 'HTTP ERRORS', 'FAILED', 'HUNG', 'SETTLED IN', 'PENDING'].map((text, i): Cell => ({ text, align: i > 0 ? 'right' : 'left', styles: ['bold'] })),
        ...result.rounds.map((r): Cell[] => [
          { text: r.round === 0 ? 'baseline' : String(r.round) },
          ...[r.load?.sent, r.load?.ok, r.load?.httpErrors, r.load?.failed, r.load?.hung].map((n): Cell => ({ text: n === undefined ? '' : formatCount(n), align: 'right' })),
          { text: settledText(r), align: 'right' },
          { text: formatCount(r.pending), align: 'right' },
        ]),
      ],
      color,
    ),
    '',
  );

  if (result.verdict === 'leak') {
    const n = result.leaks.length;
    lines.push(paint(`LEAK: ${n} site${n === 1 ? '' : 's'} grow${n === 1 ? 's' : ''} with every round of requests.`, 'red', 'bold'));
    const shown = result.leaks.slice(0, limit);
    lines.push(
      ...renderTable(
        [
          ['PER REQUEST', 'SITE', 'TYPE', 'LOCATION', 'FUNCTION', 'COUNT BY ROUND'].map((text, i): Cell => ({ text, align: i === 0 ? 'right' : 'left', styles: ['bold'] })),
          ...shown.map((leak): Cell[] => [
            { text: perRequestText(leak), align: 'right', styles: ['red'] },
            { text: kindText(leak.site), styles: leak.site.kind === 'blocked' ? ['yellow'] : [] },
            { text: leak.site.type },
            { text: location(leak.site.frame, cwd), styles: ['cyan'] },
            { text: truncate(leak.site.frame.function || '<anonymous>', 40) },
            { text: leak.counts.map(formatCount).join(' → ') },
          ]),
        ],
        color,
        '  ',
      ),
    );
    if (n > shown.length) lines.push(paint(`  … ${n - shown.length} more`, 'dim'));
    const top = result.leaks[0];
    lines.push('', paint(`Example stack, ${kindText(top.site)} ${location(top.site.frame, cwd)} (${formatRate(top.perRequest, 'request')}):`, 'bold'));
    lines.push(...stackLines(top.site, cwd, stackDepth).map((l) => `  ${l}`));
  } else if (result.verdict === 'no-leak') {
    lines.push(paint(`No leak: no site grew with the number of requests${result.rounds.length > 2 ? ' after the first round' : ''}.`, 'green', 'bold'));
  }
  const abandoned = result.abandoned ?? [];
  if (abandoned.length) {
    const n = abandoned.length;
    if (result.verdict === 'leak') lines.push('');
    lines.push(paint(`ABANDONED: tasks collected while suspended at ${n} await${n === 1 ? '' : 's'}, more with every round of requests.`, 'red', 'bold'));
    lines.push(paint(`  ${ABANDONED_HEADING}.`, 'dim'));
    lines.push(
      ...renderTable(
        [
          ['PER REQUEST', 'LOCATION', 'FUNCTION', 'ABANDONED BY ROUND'].map((text, i): Cell => ({ text, align: i === 0 ? 'right' : 'left', styles: ['bold'] })),
          ...abandoned.slice(0, limit).map((leak): Cell[] => [
            { text: perRequestText(leak), align: 'right', styles: ['red'] },
            { text: location(leak.site.frame, cwd), styles: ['cyan'] },
            { text: truncate(leak.site.frame.function || '<anonymous>', 40) },
            { text: leak.counts.map(formatCount).join(' → ') },
          ]),
        ],
        color,
        '  ',
      ),
    );
    if (n > limit) lines.push(paint(`  … ${n - limit} more`, 'dim'));
    const top = abandoned[0];
    lines.push('', paint(`Example stack, blocked at ${location(top.site.frame, cwd)} (${formatRate(top.perRequest, 'request')} abandoned):`, 'bold'));
    lines.push(...stackLines(top.site, cwd, stackDepth).map((l) => `  ${l}`));
  }
  if (result.notes.length) lines.push('', ...result.notes.map((note) => `Note: ${note}`));
  return `${lines.join('\n')}\n`;
}

export function formatProbeMarkdown(result: ProbeResult, options: Pick<ProbeReportOptions, 'cwd' | 'limit' | 'stackDepth'> = {}): string {
  const { cwd = process.cwd(), limit = 20, stackDepth = 12 } = options;
  const out = [`# Leak probe: ${result.verdict === 'leak' ? 'leak found' : result.verdict === 'abandoned' ? 'abandoned tasks found' : 'no leak'}`, '', escape(headline(result)), ''];
  if (result.verdict === 'leak') {
    const n = result.leaks.length;
    out.push(`**${n} site${n === 1 ? '' : 's'} grow${n === 1 ? 's' : ''} with every round of requests.** The first one is where to look.`, '');
    out.push('| per request | site | type | location | function | count by round |', '|---:|---|---|---|---|---|');
    for (const leak of result.leaks.slice(0, limit)) {
      out.push(`| ${perRequestText(leak)} | ${kindText(leak.site)} | ${cell(leak.site.type)} | ${link(leak.site.frame, cwd)} | ${cell(leak.site.frame.function || '<anonymous>')} | ${leak.counts.map(formatCount).join(' → ')} |`);
    }
    if (n > limit) out.push('', `… ${n - limit} more.`);
    const top = result.leaks[0];
    out.push('', `## Example stack: ${kindText(top.site)} ${escape(location(top.site.frame, cwd))}`, '', '```text', ...stackLines(top.site, cwd, stackDepth).map(noFence), '```');
  } else if (result.verdict === 'no-leak') {
    out.push(`**No leak:** no site grew with the number of requests${result.rounds.length > 2 ? ' after the first round' : ''}.`);
  }
  const abandoned = result.abandoned ?? [];
  if (abandoned.length) {
    out.push('', `## Abandoned tasks`, '', `**Tasks collected while suspended at ${abandoned.length} await${abandoned.length === 1 ? '' : 's'} grow with every round of requests.** ${escape(ABANDONED_HEADING)}.`, '');
    out.push('| per request | location | function | abandoned by round |', '|---:|---|---|---|');
    for (const leak of abandoned.slice(0, limit)) {
      out.push(`| ${perRequestText(leak)} | ${link(leak.site.frame, cwd)} | ${cell(leak.site.frame.function || '<anonymous>')} | ${leak.counts.map(formatCount).join(' → ')} |`);
    }
    out.push('', '```text', ...stackLines(abandoned[0].site, cwd, stackDepth).map(noFence), '```');
  }
  out.push('', '## Rounds', '', '| round | requests | ok | HTTP errors | failed | hung | settled in | pending |', '|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of result.rounds) {
    const n = (v: number | undefined) => (v === undefined ? '' : formatCount(v));
    out.push(`| ${r.round === 0 ? 'baseline' : r.round} | ${n(r.load?.sent)} | ${n(r.load?.ok)} | ${n(r.load?.httpErrors)} | ${n(r.load?.failed)} | ${n(r.load?.hung)} | ${settledText(r)} | ${formatCount(r.pending)} |`);
  }
  if (result.notes.length) out.push('', '## Notes', '', ...result.notes.map((note) => `- ${escape(note)}`));
  return `${out.join('\n')}\n`;
}

function headline(result: ProbeResult): string {
  const { request: q, target } = result;
  return (
    `Leak probe of pid ${target.pid} (Node ${target.nodeVersion}): ${q.rounds} round${q.rounds === 1 ? '' : 's'} of ${formatCount(q.requests)} ${q.method} ${q.url}, ` +
    `${q.concurrency} at a time, timeout ${formatDuration(q.timeoutMs)}; took ${formatDuration(result.durationMs)}.`
  );
}

function perRequestText(leak: LeakingSite): string {
  return `${leak.perRequest >= 0 ? '+' : ''}${leak.perRequest.toFixed(2)}`;
}

function kindText(site: Site): string {
  return site.kind === 'blocked' ? 'blocked at' : 'created at';
}

function settledText(r: ProbeRound): string {
  return `${formatDuration(r.settle.waitedMs)}${r.settle.settled ? '' : ' (gave up)'}`;
}

function stackLines(site: Site, cwd: string, depth: number): string[] {
  if (site.stack.length === 0) return ['(no example stack was captured)'];
  const lines = site.stack.slice(0, depth).map((frame) => `${sameFrame(frame, site.frame) ? '>' : ' '} at ${frame.function || '<anonymous>'} (${location(frame, cwd)})`);
  if (site.stack.length > depth) lines.push(`  … ${site.stack.length - depth} more frames`);
  return lines;
}

function sameFrame(a: Frame, b: Frame): boolean {
  return a.file === b.file && a.line === b.line && a.column === b.column;
}

/** Markdown text with every character that could format, link or open HTML escaped. */
function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>&~]/g, (c) => `\\${c}`);
}

/** A table cell: escaped, one line. */
function cell(text: string): string {
  return escape(text.replace(/[\r\n]+/g, ' '));
}

/** A link to a local source line (file:// URL built here), or plain text when there is no file. */
function link(frame: Frame, cwd: string): string {
  const text = cell(location(frame, cwd));
  if (!isAbsolute(frame.file) || !(frame.line > 0)) return text;
  const href = pathToFileURL(frame.file).href.replace(/[()]/g, (c) => (c === '(' ? '%28' : '%29'));
  return `[${text}](${href}#L${frame.line})`;
}

/** Stack lines inside a ``` block: a line of backticks from the target must not close it. */
function noFence(line: string): string {
  return line.replace(/`{3,}/g, (m) => m.split('').join('\u200b'));
}
