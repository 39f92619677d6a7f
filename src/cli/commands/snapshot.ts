import { parseArgs } from 'node:util';
import { formatSnapshotSummary, gcNotice, sitesUnavailableText } from '../format';
import { serializeSnapshot, writeSnapshotFile } from '../../core/files/snapshot-file';
import { EXIT_OK } from '../cli-error';
import { censusHelp, censusOptions, censusStep } from '../census-step';
import { attachFromOptions, attachHelp, attachOptions, inspectorLeftOpenNote } from '../connect';
import type { Output } from '../output';

export const snapshotHelp = `Usage: async-leak-lens snapshot --target <addr> [--out FILE] [--label TEXT]

Takes one snapshot of live async resources grouped by site. The first snapshot of a process
includes a census of what was already pending (suspended async functions at their await, timers
by callback), marked "origin": "census". The agent stays in the target after it, so the next
snapshot (after your load test) goes on from it; \`async-leak-lens detach\` removes it. The
snapshot is JSON: to stdout, or to FILE with --out (then a summary is printed).

${attachHelp}
  -o, --out <file>        write the snapshot to FILE instead of stdout
  --label <text>          a name stored in the snapshot (e.g. "before load")
  --no-gc                 skip the full GC that drops finished-but-uncollected resources first
  --detach                remove the agent from the target afterwards
${censusHelp}`;

export const snapshotOptions = {
  ...attachOptions,
  ...censusOptions,
  out: { type: 'string', short: 'o' },
  label: { type: 'string' },
  'no-gc': { type: 'boolean', default: false },
  detach: { type: 'boolean', default: false },
} as const;

export async function snapshotCommand(args: string[], io: Output): Promise<number> {
  const { values } = parseArgs({
    args,
    options: snapshotOptions,
    strict: true,
  });
  const session = await attachFromOptions(values, 'snapshot', io);
  try {
    await censusStep(session, values, io);
    const snapshot = await session.snapshot({ label: values.label, collectGarbage: !values['no-gc'] });
    if (values.out) {
      await writeSnapshotFile(values.out, snapshot);
      io.err(formatSnapshotSummary(snapshot, { color: io.color, cwd: process.cwd() }));
      io.err(`Snapshot written to ${values.out}`);
    } else {
      io.out(serializeSnapshot(snapshot));
      const note = gcNotice(snapshot);
      if (note) io.err(note);
      if (snapshot.sitesUnavailable !== undefined) io.err(sitesUnavailableText(snapshot.sitesUnavailable));
    }
    if (!values.detach) {
      io.err(
        `The agent stays in pid ${session.info.pid} to track what comes next; remove it with: async-leak-lens detach --target ${values.target}`,
      );
    }
    return EXIT_OK;
  } finally {
    if (values.detach) await session.detach();
    else await session.disconnect();
    const note = inspectorLeftOpenNote(session);
    if (note) io.err(note);
  }
}
