// A benchmark program in its own process: started with its inspector on 127.0.0.1:0, driven by
// one-line commands on stdin, answering one tagged JSON line per command on stdout.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

const INSPECTOR_LINE = /Debugger listening on (ws:\/\/\S+)/;
const START_TIMEOUT_MS = 20_000;

/** The repository root: the nearest folder above this file with a bench/targets folder. */
export function repoRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'bench', 'targets'))) return dir;
    if (dirname(dir) === dir) throw new Error(`bench/targets not found above ${__dirname}`);
  }
}

export function targetScript(name: string): string {
  return join(repoRoot(), 'bench', 'targets', name);
}

export interface StartOptions {
  node: string;
  args?: string[];
  nodeFlags?: string[];
  /** Open the inspector (default true). */
  inspect?: boolean;
  /** Extra environment variables. */
  env?: Record<string, string>;
}

export class TargetProcess {
  private stdoutBuffer = '';
  private stderrText = '';
  private readonly waiters: { tag: string; resolve: (value: any) => void; reject: (error: Error) => void }[] = [];
  private exited = false;

  private constructor(
    readonly child: ChildProcess,
    readonly label: string,
  ) {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => this.onStdout(chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderrText += chunk));
    child.on('exit', (code, signal) => {
      this.exited = true;
      const error = new Error(`${label} exited (${signal ?? code}) ${this.stderrText.trim().slice(-500)}`);
      for (const waiter of this.waiters.splice(0)) waiter.reject(error);
    });
  }

  static async start(script: string, options: StartOptions): Promise<{ target: TargetProcess; ready: any; inspectorUrl: string }> {
    const flags = [...(options.nodeFlags ?? []), ...(options.inspect === false ? [] : ['--inspect=127.0.0.1:0'])];
    const child = spawn(options.node, [...flags, script, ...(options.args ?? [])], {
      stdio: ['pipe', 'pipe', 'pipe'],
      cwd: repoRoot(),
      env: { ...process.env, ...options.env },
    });
    const target = new TargetProcess(child, `${script.split('/').pop()} ${(options.args ?? []).join(' ')}`.trim());
    try {
      const ready = await target.next('READY', START_TIMEOUT_MS);
      const inspectorUrl = options.inspect === false ? '' : (INSPECTOR_LINE.exec(target.stderrText)?.[1] ?? '');
      if (options.inspect !== false && !inspectorUrl) throw new Error(`${target.label}: no inspector URL in its output`);
      return { target, ready, inspectorUrl };
    } catch (error) {
      await target.stop();
      throw error;
    }
  }

  /** Sends a command and waits for the answer line tagged `tag`. */
  async call(command: string, tag: string, timeoutMs = 600_000): Promise<any> {
    const answer = this.next(tag, timeoutMs);
    this.child.stdin!.write(`${command}\n`);
    return answer;
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGKILL');
    await exited;
  }

  private next(tag: string, timeoutMs: number): Promise<any> {
    return new Promise((resolve, reject) => {
      if (this.exited) return reject(new Error(`${this.label} has exited: ${this.stderrText.trim().slice(-500)}`));
      const timer = setTimeout(() => reject(new Error(`${this.label}: no ${tag} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        tag,
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
    });
  }

  private onStdout(chunk: string): void {
    this.stdoutBuffer += chunk;
    let newline: number;
    while ((newline = this.stdoutBuffer.indexOf('\n')) >= 0) {
      const line = this.stdoutBuffer.slice(0, newline).trim();
      this.stdoutBuffer = this.stdoutBuffer.slice(newline + 1);
      const space = line.indexOf(' ');
      const tag = space < 0 ? line : line.slice(0, space);
      const index = this.waiters.findIndex((w) => w.tag === tag);
      if (index < 0) continue;
      const [waiter] = this.waiters.splice(index, 1);
      try {
        waiter.resolve(JSON.parse(line.slice(space + 1) || 'null'));
      } catch (error) {
        waiter.reject(error as Error);
      }
    }
  }
}

/** Runs a one-shot program (the HTTP load client) to its end and returns its RESULT line. */
export function runToResult(node: string, script: string, args: string[], timeoutMs = 600_000): Promise<any> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd: repoRoot() });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
      if (code === 0 && line) resolve(JSON.parse(line.slice('RESULT '.length)));
      else reject(new Error(`${script.split('/').pop()} failed (${code}): ${stderr.trim().slice(-500)}`));
    });
  });
}
