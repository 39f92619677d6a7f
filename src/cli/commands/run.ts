import { spawn, type ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import { LensError } from '../../core/errors';
import { Session } from '../../core/session';
import { EXIT_LEAK, EXIT_OK, UsageError } from '../cli-error';
import { GrowthLog } from '../growth-log';
import { checkFailOnGrowth, failOnGrowthOption, liveHelp, liveOptions, liveViewOptions } from '../live-options';
import { runLiveView } from '../live-view';
import type { Output } from '../output';
import { formatWatchVerdict } from '../watch-verdict';

export const runHelp = `Usage: async-leak-lens run [options] -- <command> [args...]

Starts a Node program with its inspector on 127.0.0.1 (a free port), attaches, and shows the
live view of 'watch' until the program exits; Ctrl-C (or --duration) detaches and stops it. Example:
  async-leak-lens run -- node server.js

${liveHelp}
  --fail-on-growth        with --duration: exit 1 when a site was judged growing, 0 otherwise (for CI,
                          with load sent to the program meanwhile)

Exit codes: 0 fine (the program's own exit code is printed), 1 a site was judged growing (with
--fail-on-growth), 2 bad usage or the program could not be started.`;

const INSPECTOR_URL = /Debugger listening on (ws:\/\/\S+)/;

export async function runCommand(args: string[], io: Output): Promise<number> {
  const split = args.indexOf('--');
  const own = split < 0 ? [] : args.slice(0, split);
  const command = split < 0 ? args : args.slice(split + 1);
  if (command.length === 0) throw new UsageError('Give the program to start after --, e.g. `run -- node server.js`.', 'run');
  const { values } = parseArgs({ args: own, options: { ...liveOptions, ...failOnGrowthOption }, strict: true });
  const options = liveViewOptions(values);
  if (values['fail-on-growth']) checkFailOnGrowth(options);

  const child = spawn(command[0], command.slice(1), {
    stdio: ['inherit', 'inherit', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --inspect=127.0.0.1:0`.trim() },
  });
  const exited = new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      if (seen.length < 10_000) {
        seen += chunk.toString();
        const match = INSPECTOR_URL.exec(seen);
        if (match) resolve(match[1]);
      }
    });
    child.on('error', (error) => reject(new UsageError(`Cannot start ${command[0]}: ${error.message}`, 'run')));
    void exited.then((code) => reject(new LensError('target-gone', `${command[0]} exited (code ${code}) before its inspector opened. Is it a Node program?`)));
  });
  const session = await Session.attach(url);
  const log = new GrowthLog();
  const startedAt = Date.now();
  const result = await runLiveView(session, io, options, log);
  io.out(formatWatchVerdict({ target: session.info, startedAt, endedAt: Date.now(), options, log }, { color: io.color, cwd: process.cwd() }));
  if (!result.targetEnded) {
    await session.detach().catch(() => undefined);
    stopChild(child, exited);
  }
  const code = await exited;
  io.err(programEndText(command.join(' '), code, result.reason));
  return values['fail-on-growth'] && log.list().length > 0 ? EXIT_LEAK : EXIT_OK;
}

/** How the program's end reads: stopped by us at the end of the run is a normal end, not a failure. */
export function programEndText(command: string, code: number, reason: string): string {
  if (reason === 'duration') return `Stopped ${command} at the end of the run (--duration).`;
  if (reason === 'interrupted') return `Stopped ${command} (Ctrl-C).`;
  return `${command} exited with code ${code}.`;
}

/** SIGTERM, then SIGKILL if the program is still there after a grace period. */
function stopChild(child: ChildProcess, exited: Promise<number>): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const force = setTimeout(() => child.kill('SIGKILL'), 5000);
  void exited.then(() => clearTimeout(force));
}
