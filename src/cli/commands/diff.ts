import { parseArgs } from 'node:util';
import { diffSnapshots } from '../../core/diff';
import { formatDiffTable } from '../format';
import { readSnapshotFile } from '../../core/snapshot-file';
import { EXIT_LEAK, EXIT_OK, UsageError } from '../cli-error';
import type { Output } from '../output';

export const diffHelp = `Usage: async-leak-lens diff BEFORE.json AFTER.json [--json] [--limit N] [--fail-on-growth N]

Compares two snapshots of one process: per site, the count before and after and the growth,
largest growth first (blocked-at sites in your code first among equals).

  --json                  print { sites: [{ ...site, before, after, delta }], totals } instead of a table
  --limit <n>             rows in the table (default 20)
  --all                   include sites that did not grow
  --fail-on-growth <n>    exit 1 when a site in your code grew by n or more (for CI)`;

export async function diffCommand(args: string[], io: Output): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { json: { type: 'boolean', default: false }, limit: { type: 'string' }, all: { type: 'boolean', default: false }, 'fail-on-growth': { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 2) throw new UsageError(`diff needs exactly two snapshot files (got ${positionals.length}).`, 'diff');
  const limit = positiveInt(values.limit, '--limit') ?? 20;
  const failOn = positiveInt(values['fail-on-growth'], '--fail-on-growth');
  const [before, after] = await Promise.all(positionals.map((file) => readSnapshotFile(file)));
  const diff = diffSnapshots(before, after);
  if (values.json) io.out(JSON.stringify(diff, null, 2));
  else io.out(formatDiffTable(diff, { limit, color: io.color, cwd: process.cwd(), includeUnchanged: values.all }));
  if (failOn !== undefined && diff.sites.some((s) => s.userCode && s.delta >= failOn)) return EXIT_LEAK;
  return EXIT_OK;
}

export function positiveInt(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a whole number of 1 or more (got "${text}").`);
  return n;
}
