// The probe's verdict on a terminal: the rounds, then the leaking sites and an example stack.
import { ABANDONED_HEADING } from '../core/sites/abandoned';
import { formatRate } from '../core/growth/growth';
import { formatCount } from '../core/number-format';
import type { ProbeResult } from '../core/probe/probe';
import { headline, perRequestText, settledText, stackLines, type ProbeReportOptions } from '../core/probe/probe-report';
import { functionName, kindWords } from '../core/sites/site-presentation';
import { sitesUnavailableText } from '../core/sites/sites-unavailable';
import { location } from './format';
import { painter, renderTable, truncate, type Cell } from './text-table';

export function formatProbeReport(result: ProbeResult, options: ProbeReportOptions = {}): string {
  const { color = false, cwd = process.cwd(), limit = 10, stackDepth = 12 } = options;
  const paint = painter(color);
  const lines = [paint(headline(result), 'bold'), ''];
  lines.push(
    ...renderTable(
      [
        ['ROUND', 'REQUESTS', 'OK', 'HTTP ERRORS', 'FAILED', 'HUNG', 'SETTLED IN', 'PENDING'].map((text, i): Cell => ({
          text,
          align: i > 0 ? 'right' : 'left',
          styles: ['bold'],
        })),
        ...result.rounds.map((r): Cell[] => [
          { text: r.round === 0 ? 'baseline' : String(r.round) },
          ...[r.load?.sent, r.load?.ok, r.load?.httpErrors, r.load?.failed, r.load?.hung].map((n): Cell => ({
            text: n === undefined ? '' : formatCount(n),
            align: 'right',
          })),
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
          ['PER REQUEST', 'SITE', 'TYPE', 'LOCATION', 'FUNCTION', 'COUNT BY ROUND'].map((text, i): Cell => ({
            text,
            align: i === 0 ? 'right' : 'left',
            styles: ['bold'],
          })),
          ...shown.map((leak): Cell[] => [
            { text: perRequestText(leak), align: 'right', styles: ['red'] },
            { text: kindWords(leak.site.kind), styles: leak.site.kind === 'blocked' ? ['yellow'] : [] },
            { text: leak.site.type },
            { text: location(leak.site.frame, cwd), styles: ['cyan'] },
            { text: truncate(functionName(leak.site.frame), 40) },
            { text: leak.counts.map(formatCount).join(' → ') },
          ]),
        ],
        color,
        '  ',
      ),
    );
    if (n > shown.length) lines.push(paint(`  … ${n - shown.length} more`, 'dim'));
    const top = result.leaks[0];
    lines.push(
      '',
      paint(
        `Example stack, ${kindWords(top.site.kind)} ${location(top.site.frame, cwd)} (${formatRate(top.perRequest, 'request')}):`,
        'bold',
      ),
    );
    lines.push(...stackLines(top.site, cwd, stackDepth).map((l) => `  ${l}`));
  } else if (result.verdict === 'cannot-tell') {
    lines.push(paint(`CANNOT TELL: ${sitesUnavailableText(result.sitesUnavailable ?? 'the target gave no sites')}`, 'red', 'bold'));
  } else if (result.verdict === 'no-leak') {
    lines.push(
      paint(
        `No leak: no site grew with the number of requests${result.rounds.length > 2 ? ' after the first round' : ''}.`,
        'green',
        'bold',
      ),
    );
  }
  lines.push(...abandonedLines(result, options));
  if (result.notes.length) lines.push('', ...result.notes.map((note) => `Note: ${note}`));
  return `${lines.join('\n')}\n`;
}

/** The ABANDONED verdict: awaits in your code that abandon more tasks with every round. */
function abandonedLines(result: ProbeResult, options: ProbeReportOptions): string[] {
  const abandoned = result.abandoned ?? [];
  if (abandoned.length === 0) return [];
  const { color = false, cwd = process.cwd(), limit = 10, stackDepth = 12 } = options;
  const paint = painter(color);
  const n = abandoned.length;
  const lines = result.verdict === 'leak' ? [''] : [];
  lines.push(
    paint(
      `ABANDONED: tasks collected while suspended at ${n} await${n === 1 ? '' : 's'}, more with every round of requests.`,
      'red',
      'bold',
    ),
  );
  lines.push(paint(`  ${ABANDONED_HEADING}.`, 'dim'));
  lines.push(
    ...renderTable(
      [
        ['PER REQUEST', 'LOCATION', 'FUNCTION', 'ABANDONED BY ROUND'].map((text, i): Cell => ({
          text,
          align: i === 0 ? 'right' : 'left',
          styles: ['bold'],
        })),
        ...abandoned
          .slice(0, limit)
          .map((leak): Cell[] => [
            { text: perRequestText(leak), align: 'right', styles: ['red'] },
            { text: location(leak.site.frame, cwd), styles: ['cyan'] },
            { text: truncate(functionName(leak.site.frame), 40) },
            { text: leak.counts.map(formatCount).join(' → ') },
          ]),
      ],
      color,
      '  ',
    ),
  );
  if (n > limit) lines.push(paint(`  … ${n - limit} more`, 'dim'));
  const top = abandoned[0];
  lines.push(
    '',
    paint(`Example stack, blocked at ${location(top.site.frame, cwd)} (${formatRate(top.perRequest, 'request')} abandoned):`, 'bold'),
  );
  lines.push(...stackLines(top.site, cwd, stackDepth).map((l) => `  ${l}`));
  return lines;
}
