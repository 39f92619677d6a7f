// Starts the program `run` watches and finds the Node process that runs the app. Every Node
// process it starts gets its inspector on 127.0.0.1:0 (NODE_OPTIONS); launchers (npm, npx, yarn,
// pnpm, corepack, nodemon) are skipped, the way an editor's auto attach skips them, so
// `run -- npm start` watches the server npm starts, not npm. The program runs in its own process
// group, and stopping it ends the whole tree.
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { basename } from 'node:path';
import { LensError } from '../core/errors';
import { InspectorConnection } from '../core/inspector/inspector-connection';
import { isNodeExecutable, permissionFlag, processTree } from '../core/inspector/process-tree';
import { escapeControl } from '../core/terminal-text';
import { UsageError } from './cli-error';
import { Interrupted } from './interrupt';
import type { Output } from './output';

const INSPECTOR_URL = /Debugger listening on (ws:\/\/\S+)/g;
/** Time the program's processes get to end after SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 5000;

export interface StartedProgram {
  child: ChildProcess;
  /** The program's exit code (128 + n when a signal ended it). */
  exited: Promise<number>;
  /** The Node process that runs the app. */
  app: { url: string; pid: number; argv: string[] };
  /** Ends the whole process tree (SIGTERM, then SIGKILL after a grace period); the exit code. */
  stop(): Promise<number>;
}

/** Scripts that start the app in another Node process rather than run it. */
export function isLauncher(argv: readonly string[]): boolean {
  const script = (argv[1] ?? '').replace(/\\/g, '/');
  if (/\/node_modules\/(npm|corepack|yarn|pnpm|nodemon)\//.test(script)) return true;
  return /^(npm|npx|npm-cli\.js|npx-cli\.js|yarn|yarn\.c?js|yarnpkg|pnpm|pnpx|pnpm\.c?js|corepack|nodemon)$/.test(basename(script));
}

export async function startProgram(command: string[], io: Output, options: { timeoutMs: number }): Promise<StartedProgram> {
  const group = process.platform !== 'win32';
  const child = spawn(command[0], command.slice(1), {
    stdio: ['inherit', 'inherit', 'pipe'],
    detached: group,
    env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --inspect=127.0.0.1:0`.trim() },
  });
  const exited = new Promise<number>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? 128 + (signal ? osSignal(signal) : 0))),
  );
  const stop = () => stopTree(child, exited, group);

  // Every "Debugger listening" line, in order, for the search below.
  const urls: string[] = [];
  let wake: (() => void) | undefined;
  let seen = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    process.stderr.write(chunk);
    if (seen.length > 100_000) return;
    seen += chunk.toString();
    for (const match of seen.matchAll(INSPECTOR_URL)) if (!urls.includes(match[1])) urls.push(match[1]);
    wake?.();
  });
  let failure: Error | undefined;
  child.on('error', (error) => {
    failure = new UsageError(`Cannot start ${command[0]}: ${error.message}`, 'run');
    wake?.();
  });
  void exited.then((code) => {
    failure ??= new LensError(
      'target-gone',
      `${command.join(' ')} exited (code ${code}) before a Node program opened its inspector.${code === 0 ? ' Is it a Node program?' : ''}`,
    );
    wake?.();
  });
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
    wake?.();
  };
  process.on('SIGINT', onSigint);
  const deadline = Date.now() + options.timeoutMs;
  const timer = setTimeout(() => wake?.(), options.timeoutMs);
  try {
    let next = 0;
    for (;;) {
      if (interrupted) {
        await stop();
        throw new Interrupted(`Interrupted before attaching: ${command.join(' ')} was stopped.`);
      }
      if (next < urls.length) {
        const url = urls[next++];
        let found: Awaited<ReturnType<typeof describeInspector>>;
        try {
          found = await describeInspector(url);
        } catch (error) {
          await stop();
          throw error;
        }
        if (!found) continue; // Ended meanwhile (a short-lived helper).
        if (isLauncher(found.argv)) {
          io.err(
            `${escapeControl(basename(found.argv[1] ?? 'node'))} (pid ${found.pid}) is a launcher: waiting for the Node program it starts.`,
          );
          continue;
        }
        io.err(
          `Watching pid ${found.pid} (${escapeControl(
            found.argv
              .slice(1)
              .map((a) => basename(a))
              .join(' ') || 'node',
          )}).`,
        );
        return { child, exited, app: { url, ...found }, stop };
      }
      if (failure) {
        // Its output may still hold an inspector line: read it first.
        await new Promise((r) => setTimeout(r, 50));
        if (next < urls.length) continue;
        throw failure;
      }
      if (Date.now() >= deadline) {
        const reason = whyNoInspector(command, child.pid);
        await stop();
        throw new LensError(
          'timeout',
          `No Node program opened its inspector within ${Math.round(options.timeoutMs / 1000)} s: ${reason} ${command.join(' ')} was stopped.`,
        );
      }
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } finally {
    clearTimeout(timer);
    process.off('SIGINT', onSigint);
  }
}

/** pid and argv of the process behind an inspector URL; undefined if it is gone. Throws for a non-loopback URL. */
async function describeInspector(url: string): Promise<{ pid: number; argv: string[] } | undefined> {
  let connection: InspectorConnection | undefined;
  try {
    connection = await InspectorConnection.open(url, 5000);
    const answer = await connection.main.send<{ result?: { value?: unknown } }>(
      'Runtime.evaluate',
      { expression: '({ pid: process.pid, argv: process.argv })', returnByValue: true, silent: true },
      5000,
    );
    const value = answer.result?.value as { pid?: unknown; argv?: unknown } | undefined;
    if (typeof value?.pid !== 'number' || !Array.isArray(value.argv)) return undefined;
    return { pid: value.pid, argv: value.argv.filter((a): a is string => typeof a === 'string').slice(0, 64) };
  } catch (error) {
    // The program's output named another host: refused like a typed address, never skipped.
    if (error instanceof LensError && error.code === 'not-loopback') throw error;
    return undefined;
  } finally {
    await connection?.close();
  }
}

/** Why nothing opened an inspector, from the program's process tree and flags. */
function whyNoInspector(command: string[], root: number | undefined): string {
  const tree = root === undefined ? [] : processTree(root);
  const nodes = tree.filter((p) => isNodeExecutable(p.exe ?? p.argv[0]));
  const fromOptions = (process.env.NODE_OPTIONS ?? '').split(/\s+/);
  const flagged =
    nodes.find((p) => permissionFlag(p.argv)) ?? (permissionFlag([...command, ...fromOptions]) ? { pid: root, argv: command } : undefined);
  if (flagged) {
    return (
      `the program runs Node with the permission model (${permissionFlag([...flagged.argv, ...fromOptions])}${flagged.pid ? `, pid ${flagged.pid}` : ''}), which blocks the inspector: ` +
      'on Node 20 and 22 a program under the permission model cannot be inspected; on Node 24 add --allow-inspector to its flags (where you accept what that allows).'
    );
  }
  if (root !== undefined && tree.length > 0 && nodes.length === 0)
    return `${command[0]} started no Node process (run watches Node programs only).`;
  if (nodes.length > 0)
    return `Node process${nodes.length > 1 ? 'es' : ''} ${nodes.map((p) => p.pid).join(', ')} did not open an inspector (was NODE_OPTIONS replaced, or --inspect given another port?).`;
  return 'is it a Node program?';
}

async function stopTree(child: ChildProcess, exited: Promise<number>, group: boolean): Promise<number> {
  const signal = (name: NodeJS.Signals) => {
    try {
      if (group && child.pid !== undefined) process.kill(-child.pid, name);
      else child.kill(name);
    } catch {
      // Already gone.
    }
  };
  const alive = () => {
    try {
      if (group && child.pid !== undefined) process.kill(-child.pid, 0);
      else return child.exitCode === null && child.signalCode === null;
      return true;
    } catch {
      return false;
    }
  };
  if (alive()) {
    signal('SIGTERM');
    const deadline = Date.now() + STOP_GRACE_MS;
    while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (alive()) signal('SIGKILL');
  }
  const code = await exited;
  // A process left in the group must not hold the CLI open through the pipe.
  child.stderr?.destroy();
  return code;
}

function osSignal(name: NodeJS.Signals): number {
  return constants.signals[name] ?? 0;
}
