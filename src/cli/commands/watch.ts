import { parseArgs } from 'node:util';
import { EXIT_LEAK, EXIT_OK, EXIT_USAGE, UsageError } from '../cli-error';
import type { Session } from '../../core/inspector/session';
import { waitForInspector } from '../../core/inspector/discovery';
import { censusHelp, censusOptions, censusStep } from '../census-step';
import { attachFromOptions, attachHelp, attachOptions, attachTo, letGo, type AttachValues } from '../connect';
import { GrowthLog } from '../growth-log';
import { setLeftover } from '../interrupt';
import { checkFailOnGrowth, failOnGrowthOption, liveHelp, liveOptions, liveViewOptions } from '../live-options';
import { runLiveView } from '../live-view';
import type { Output } from '../output';
import { positiveInt } from './diff';
import { formatWatchVerdict, watchResult } from '../watch-verdict';

export const watchHelp = `Usage: async-leak-lens watch --target <addr> [--interval MS] [--duration S] [--warmup S] [--window S]
                           [--fail-on-growth] [--json]

Attaches and shows live counts of pending async resources by type, refreshed every second, the
sites judged growing with their rate ("+2.0 pending per minute") and line, and the other sites
that grew since the start, and the awaits where tasks were abandoned (collected by the GC while
suspended: they never finish), with a rate per minute. A site is judged growing when the floor its count falls back to
between bursts keeps rising over the window, after the warm-up, and a snapshot after a full GC
still shows it (the same test as the editor's). Each site judged growing gets a one-line notice
(without a terminal, a screen every 5 s or --sites-every, not every poll). At the end,
the verdict: the sites judged growing, with rate and example stack. Ctrl-C detaches cleanly (the
agent leaves the target; one that was there before watch, the editor's say, stays for its owner).

${attachHelp}
${censusHelp}
${liveHelp}
  --fail-on-growth        with --duration: exit 1 when a site was judged growing, 0 otherwise (for CI)
  --json                  print only the verdict, as JSON (schema async-leak-lens/watch@1); notices go
                          to stderr
  --reconnect             when the target goes away (a restart, nodemon style), wait for it at the
                          same address and attach again
  --reconnect-timeout <s> how long to wait for it to come back (default 60)

Exit codes: 0 fine (or no growth with --fail-on-growth), 1 a site was judged growing (with
--fail-on-growth), 2 bad usage, cannot connect, or the target went away.`;

export const watchOptions = {
  ...attachOptions,
  ...censusOptions,
  ...liveOptions,
  ...failOnGrowthOption,
  json: { type: 'boolean', default: false },
  reconnect: { type: 'boolean', default: false },
  'reconnect-timeout': { type: 'string' },
} as const;

export async function watchCommand(args: string[], io: Output): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: watchOptions,
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length) {
    const hint = values['fail-on-growth']
      ? ' --fail-on-growth takes no number here: the growth verdict decides (see --warmup and --window).'
      : '';
    throw new UsageError(`unexpected argument "${positionals[0]}".${hint}`);
  }
  const options = { ...liveViewOptions(values), quiet: values.json };
  const reconnectMs = (positiveInt(values['reconnect-timeout'], '--reconnect-timeout') ?? 60) * 1000;
  if (values['fail-on-growth']) checkFailOnGrowth(options);

  const log = new GrowthLog();
  let session = await attachFromOptions(values, 'watch', io);
  // A target without stacks gives no sites: a growth check on it cannot pass (see the end).
  let sitesUnavailable: string | undefined;
  const noteBlindness = (s: Session) => s.on('snapshot', (snapshot) => void (sitesUnavailable ??= snapshot.sitesUnavailable));
  noteBlindness(session);
  await censusStep(session, values, io);
  const startedAt = Date.now();
  const verdict = (endedEarly?: string) => {
    const run = { target: session.info, startedAt, endedAt: Date.now(), options, log, endedEarly };
    if (values.json) io.out(JSON.stringify(watchResult(run), null, 2));
    else io.out(`\n${formatWatchVerdict(run, { color: io.color, cwd: process.cwd() })}`);
  };
  for (;;) {
    const result = await runLiveView(session, io, options, log);
    if (!result.targetEnded) break;
    io.err(result.reason);
    setLeftover(undefined); // the agent went with the process
    // The verdict so far, with the reason, also in JSON: CI parses stdout whatever happened.
    if (!values.reconnect) {
      verdict(result.reason);
      return EXIT_USAGE;
    }
    const { hostname, port } = new URL(session.connection.url);
    io.err(`Waiting up to ${reconnectMs / 1000} s for a Node program on ${hostname}:${port} ...`);
    const next = await reattach(hostname, Number(port), values, reconnectMs, io);
    if (!next) {
      io.err('No target came back: giving up.');
      verdict(`${result.reason}; no target came back within ${reconnectMs / 1000} s`);
      return EXIT_USAGE;
    }
    session = next;
    noteBlindness(session);
    io.err(`Reconnected to pid ${session.info.pid}.`);
  }
  await readAbandonedAfterGc(session, log);
  verdict();
  await letGo(session, io, values.target!);
  if (values['fail-on-growth'] && log.list().length === 0 && sitesUnavailable !== undefined) {
    io.err(`Cannot check for growth: ${sitesUnavailable}.`);
    return EXIT_USAGE;
  }
  return values['fail-on-growth'] && log.list().length > 0 ? EXIT_LEAK : EXIT_OK;
}

/**
 * Tasks abandoned during the watch are counted when the GC collects them; a light site read does
 * not collect. One full GC at the end makes the verdict's counts current.
 */
async function readAbandonedAfterGc(session: Session, log: GrowthLog): Promise<void> {
  try {
    log.abandoned.observe(await session.snapshot({ collectGarbage: true }));
  } catch {
    // The verdict stands on the reads already made.
  }
}

/** The program restarted on the same inspector port (nodemon style), attached; undefined if none came. */
async function reattach(host: string, port: number, values: AttachValues, timeoutMs: number, io: Output): Promise<Session | undefined> {
  try {
    return await attachTo(await waitForInspector(host, port, { timeoutMs }), values, io);
  } catch {
    return undefined;
  }
}
