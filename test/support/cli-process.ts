// Runs the built CLI (dist/cli.js) as a real child process: its exit code, stdout and stderr, how
// long it took, and a handle to signal it while it runs. Bounded: killed after timeoutMs.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './fixtures';

export interface CliResult {
  /** Exit code, or 128 + signal number when killed by a signal; -1 when it hit timeoutMs. */
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface CliRun {
  child: ChildProcess;
  /** Output so far. */
  stdout(): string;
  stderr(): string;
  done: Promise<CliResult>;
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

export function startCli(args: string[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {}): CliRun {
  const started = Date.now();
  const child = spawn(process.execPath, [join(repoRoot(), 'dist', 'cli.js'), ...args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.timeoutMs ?? 60_000);
  const done = new Promise<CliResult>((resolve) => {
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const ms = Date.now() - started;
      const settle = () => resolve({ code: timedOut ? -1 : (code ?? 128 + (SIGNAL_NUMBERS[signal ?? ''] ?? 0)), stdout, stderr, ms });
      // Its pipes close with it, unless a process it left behind holds them: then do not wait.
      const grace = setTimeout(() => {
        child.stdout!.destroy();
        child.stderr!.destroy();
        settle();
      }, 1000);
      child.on('close', () => {
        clearTimeout(grace);
        settle();
      });
    });
  });
  return { child, stdout: () => stdout, stderr: () => stderr, done };
}

export function runCli(args: string[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliResult> {
  return startCli(args, options).done;
}

/** The Node binaries the lifecycle tests run targets on: the running one, and 24 when installed. */
export function targetNodes(): { label: string; binary: string }[] {
  const node24 = join(repoRoot(), '.cache', 'node-versions', '24', 'node_modules', 'node', 'bin', 'node');
  const nodes = [{ label: `Node ${process.versions.node.split('.')[0]}`, binary: process.execPath }];
  if (existsSync(node24) && !process.version.startsWith('v24.')) nodes.push({ label: 'Node 24', binary: node24 });
  return nodes;
}

/** Waits until `check` is true, polling every 50 ms; throws after timeoutMs. */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
