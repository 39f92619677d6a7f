import { parseArgs } from 'node:util';
import { diffSnapshots } from '../../core/sites/diff';
import { formatDiffTable } from '../format';
import { readSnapshotFile } from '../../core/files/snapshot-file';
import { differentProcesses } from '../../core/sites/snapshot-origin';
import { EXIT_LEAK, EXIT_OK, EXIT_USAGE, UsageError } from '../cli-error';
import type { Output } from '../output';

export const diffHelp = `Usage: async-leak-lens diff BEFORE.json AFTER.json [--json] [--limit N] [--fail-on-growth N]

Compares two snapshots of one process: per site, the count before and after and the growth,
largest growth first (blocked-at sites in your code first among equals). Snapshots of two
different processes (another pid, or a restart) are refused: their counts are not comparable.

  --json                  print { sites: [{ ...site, before, after, delta }], totals } instead of a table
  --limit <n>             rows in the table (default 20)
  --all                   include sites that did not grow
  --fail-on-growth <n>    exit 1 when a site in your code grew by n or more (for CI); exit 2 when a
                          snapshot has no sites (stacks unavailable in the target), as nothing could be checked
  --max-file-mb <n>       read snapshot files up to n MiB (default 512)
  --allow-different-processes
                          compare snapshots of two different processes anyway (a warning is printed)`;

export const diffOptions = {
  json: { type: 'boolean', default: false },
  limit: { type: 'string' },
  all: { type: 'boolean', default: false },
  'fail-on-growth': { type: 'string' },
  'allow-different-processes': { type: 'boolean', default: false },
  'max-file-mb': { type: 'string' },
} as const;

export async function diffCommand(args: string[], io: Output): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: diffOptions,
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 2) throw new UsageError(`diff needs exactly two snapshot files (got ${positionals.length}).`, 'diff');
  const limit = positiveInt(values.limit, '--limit') ?? 20;
  const failOn = positiveInt(values['fail-on-growth'], '--fail-on-growth');
  const maxMiB = positiveInt(values['max-file-mb'], '--max-file-mb');
  const read = {
    ...(maxMiB ? { maxBytes: maxMiB * MiB } : {}),
    raiseLimitHint: (size: number) => `raise the limit with --max-file-mb ${Math.ceil(size / MiB)}`,
  };
  const [before, after] = await Promise.all(positionals.map((file) => readSnapshotFile(file, read)));
  const different = differentProcesses(before, after);
  if (different && !values['allow-different-processes']) {
    throw new UsageError(
      `${different}: a diff compares one process over time, and the counts of another process start from nothing, so its growth would mean nothing. Take both snapshots of one process, or pass --allow-different-processes to compare them anyway.`,
      'diff',
    );
  }
  if (different) io.err(`Warning: ${different}; compared anyway (--allow-different-processes).`);
  const diff = diffSnapshots(before, after);
  if (values.json) io.out(JSON.stringify(diff, null, 2));
  else io.out(formatDiffTable(diff, { limit, color: io.color, cwd: process.cwd(), includeUnchanged: values.all }));
  if (failOn !== undefined && diff.sites.some((s) => s.userCode && s.delta >= failOn)) return EXIT_LEAK;
  if (failOn !== undefined && diff.sitesUnavailable !== undefined) {
    // A check that cannot see must not pass.
    io.err(`Cannot check for growth: ${diff.sitesUnavailable}.`);
    return EXIT_USAGE;
  }
  return EXIT_OK;
}

const MiB = 1024 * 1024;

export function positiveInt(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a whole number of 1 or more (got "${text}").`);
  return n;
}
