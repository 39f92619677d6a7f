// The probe's verdict for people in a terminal (the editor's report page: src/extension/probe).
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
  } else {
    lines.push(paint(`No leak: no site grew with the number of requests${result.rounds.length > 2 ? ' after the first round' : ''}.`, 'green', 'bold'));
  }
  if (result.notes.length) lines.push('', ...result.notes.map((note) => `Note: ${note}`));
  return `${lines.join('\n')}\n`;
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
