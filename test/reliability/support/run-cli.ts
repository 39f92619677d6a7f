// Runs the built CLI as a user would, in its own process group (a stray signal to "the group"
// then hits only the CLI), and collects what it printed.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../support/fixtures';

export const cli = join(repoRoot(), 'dist', 'cli.js');

export interface CliResult {
  /** Exit code; -1 when it had to be killed at the timeout. */
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
  pid: number;
}

export function runCli(args: string[], timeoutMs = 30_000): Promise<CliResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: timedOut ? -1 : (code ?? -1), stdout, stderr, ms: Date.now() - started, pid: child.pid ?? -1 });
    });
  });
}
