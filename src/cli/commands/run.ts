import { parseArgs } from 'node:util';
import { Session } from '../../core/inspector/session';
import { EXIT_LEAK, EXIT_OK, UsageError } from '../cli-error';
import { GrowthLog } from '../growth-log';
import { checkFailOnGrowth, failOnGrowthOption, liveHelp, liveOptions, liveViewOptions } from '../live-options';
import { runLiveView } from '../live-view';
import type { Output } from '../output';
import { startProgram } from '../run-child';
import { formatWatchVerdict } from '../watch-verdict';
import { positiveInt } from './diff';

export const runHelp = `Usage: async-leak-lens run [options] -- <command> [args...]

Starts a Node program with its inspector on 127.0.0.1 (a free port), attaches, and shows the
live view of 'watch' until the program exits; Ctrl-C (or --duration) detaches and stops it, with
every process it started (its process group). Through a launcher (npm start, npx, yarn, pnpm,
nodemon) the Node program the launcher starts is watched, not the launcher. Examples:
  async-leak-lens run -- node server.js
  async-leak-lens run -- npm start

${liveHelp}
  --fail-on-growth        with --duration: exit 1 when a site was judged growing, 0 otherwise (for CI,
                          with load sent to the program meanwhile)
  --start-timeout <s>     how long the program may take to open its inspector (default 30, at most
                          --duration): then it is stopped and the reason given

Exit codes: 0 fine (the program's own exit code is printed), 1 a site was judged growing (with
--fail-on-growth), 2 bad usage, the program could not be started or opened no inspector, 130 Ctrl-C
before the attach.`;

export const runOptions = { ...liveOptions, ...failOnGrowthOption, 'start-timeout': { type: 'string' } } as const;

const DEFAULT_START_TIMEOUT_S = 30;
/** After the app ended on its own, how long its launcher gets to end before it is stopped. */
const LAUNCHER_EXIT_WAIT_MS = 3000;

export async function runCommand(args: string[], io: Output): Promise<number> {
  const split = args.indexOf('--');
  const own = split < 0 ? [] : args.slice(0, split);
  const command = split < 0 ? args : args.slice(split + 1);
  if (command.length === 0) throw new UsageError('Give the program to start after --, e.g. `run -- node server.js`.', 'run');
  const { values } = parseArgs({ args: own, options: runOptions, strict: true });
  const options = liveViewOptions(values);
  if (values['fail-on-growth']) checkFailOnGrowth(options);
  const startTimeoutMs = (positiveInt(values['start-timeout'], '--start-timeout') ?? DEFAULT_START_TIMEOUT_S) * 1000;

  const program = await startProgram(command, io, {
    timeoutMs: options.durationMs ? Math.min(startTimeoutMs, options.durationMs) : startTimeoutMs,
  });
  let session: Session;
  try {
    session = await Session.attach(program.app.url);
  } catch (error) {
    await program.stop();
    throw error;
  }
  const log = new GrowthLog();
  const watchedAt = Date.now();
  const result = await runLiveView(session, io, options, log);
  io.out(
    formatWatchVerdict(
      { target: session.info, startedAt: watchedAt, endedAt: Date.now(), options, log },
      { color: io.color, cwd: process.cwd() },
    ),
  );
  if (!result.targetEnded) await session.detach().catch(() => undefined);
  // An app that ended on its own lets its launcher end too; whatever the program started and
  // left running goes with it (the whole process group).
  else await Promise.race([program.exited, new Promise((r) => setTimeout(r, LAUNCHER_EXIT_WAIT_MS))]);
  const code = await program.stop();
  io.err(programEndText(command.join(' '), code, result.reason));
  return values['fail-on-growth'] && log.list().length > 0 ? EXIT_LEAK : EXIT_OK;
}

/** How the program's end reads: stopped by us at the end of the run is a normal end, not a failure. */
export function programEndText(command: string, code: number, reason: string): string {
  if (reason === 'duration') return `Stopped ${command} at the end of the run (--duration).`;
  if (reason === 'interrupted') return `Stopped ${command} (Ctrl-C).`;
  return `${command} exited with code ${code}.`;
}
