// Starts the leaky fixture programs under test/fixtures with their inspector open, drives
// bounded loopback load against them, and finds the `// @leak ...` markers that say which
// source line a correct snapshot must report. Node built-ins only (bundled into each test).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as http from 'node:http';
import { basename, dirname, join } from 'node:path';

/** What a correct snapshot reports for a fixture: `blocked` (an await), `created`, or `none` (healthy). */
/** `abandoned`: tasks blocked at the marked await are collected by the GC (nothing stays pending there). */
export type ExpectedKind = 'blocked' | 'created' | 'abandoned' | 'none';

export interface FixtureInfo {
  name: string;
  expected: ExpectedKind;
  /** One line: what leaks. */
  description: string;
  /** Absolute path of the file node runs (compiled JS for TypeScript fixtures). */
  entry: string;
  /** Absolute path of the fixture's source folder. */
  dir: string;
}

export interface StartOptions {
  /** Node binary to run (default: the one running the tests). */
  node?: string;
  /** How long to wait for `READY {...}` (default 15 s). */
  timeoutMs?: number;
  /** Open the inspector with --inspect=127.0.0.1:0 (default true). With false, inspectorUrl is '' and inspectorPort 0. */
  inspect?: boolean;
  /** Extra node flags, placed before the entry file. */
  execArgv?: string[];
  /** Extra environment variables (merged over process.env). */
  env?: Record<string, string>;
}

export interface RunningFixture {
  name: string;
  pid: number;
  /** HTTP port the fixture listens on (127.0.0.1). */
  port: number;
  /** Everything the READY line said (`port` and whatever else the script reports). */
  ready: Record<string, unknown>;
  /** `ws://127.0.0.1:<port>/<uuid>`; '' when started with inspect: false. */
  inspectorUrl: string;
  /** 0 when started with inspect: false. */
  inspectorPort: number;
  child: ChildProcess;
  /** SIGTERM, then SIGKILL after a short grace; resolves once the process has exited. */
  stop(): Promise<void>;
  /** Everything the process has written to stdout so far. */
  stdout(): string;
  /** Everything the process has written to stderr so far. */
  stderr(): string;
}

export interface LoadOptions {
  requests: number;
  concurrency: number;
  /** Default '/'. */
  path?: string;
  /** A request not finished after this long is aborted and counted as timedOut (default 5000). */
  timeoutMs?: number;
}

export interface LoadResult {
  /** 2xx answers, body read to the end. */
  ok: number;
  /** Connection errors and non-2xx answers. */
  failed: number;
  /** Requests aborted after timeoutMs. */
  timedOut: number;
}

export interface Marker {
  /** Absolute path of the SOURCE file holding the marker (the .ts file for TypeScript fixtures). */
  file: string;
  /** 1-based. */
  line: number;
  kind: 'blocked' | 'created' | 'abandoned';
}

interface FixtureSpec {
  expected: ExpectedKind;
  description: string;
  /** Source entry, relative to the fixture folder. */
  entry: string;
  /** Set when the entry is TypeScript: what node runs, relative to the repo root. */
  compiled?: string;
}

const FIXTURES: Record<string, FixtureSpec> = {
  'unreceived-send': {
    expected: 'blocked',
    description: 'async sender suspended on `await channel.send(x)` of an unbuffered channel nobody receives from',
    entry: 'server.js',
  },
  'queue-workers': {
    expected: 'blocked',
    description: 'a worker per request in `for await (const job of queue)` over a queue that is never closed',
    entry: 'server.js',
  },
  'forgotten-interval': {
    expected: 'created',
    description: 'setInterval per request whose handle is dropped, never cleared',
    entry: 'server.js',
  },
  'unclosed-socket': {
    expected: 'created',
    description: 'net.connect to a loopback stats service per request, never closed',
    entry: 'server.js',
  },
  'never-fired-event': {
    expected: 'blocked',
    description: "`await once(job, 'done')` while jobs emit 'finished'",
    entry: 'server.js',
  },
  'ts-app': {
    expected: 'blocked',
    description: 'TypeScript (run compiled, with a source map): await on a reply filed under the wrong correlation id',
    entry: 'main.ts',
    compiled: 'out/fixtures/ts-app/main.js',
  },
  'esm-app': {
    expected: 'blocked',
    description: "ES module: `for await (... of on(bus, 'change'))` subscription per request, never left",
    entry: 'server.mjs',
  },
  'dep-leak': {
    expected: 'blocked',
    description: 'pending promises created inside node_modules/tiny-rpc; the user blocks at `await rpc.call(...)`',
    entry: 'server.js',
  },
  'worker-leak': {
    expected: 'blocked',
    description: 'inside a worker_threads Worker: each job awaits a release message that never comes',
    entry: 'server.js',
  },
  'stuck-reports': {
    expected: 'blocked',
    description: 'report jobs awaiting a renderer that answers under another key; GET / answers 202, GET /sync hangs',
    entry: 'server.js',
  },
  'abandoned-fanout': {
    expected: 'abandoned',
    description:
      'fans out to three workers over a per-request channel and takes the first result; the two others are collected at their send',
    entry: 'server.js',
  },
  'abandoned-holder': {
    expected: 'abandoned',
    description:
      'a refresh holding a pool slot is collected at an await whose waiter was forgotten; its finally never releases, later refreshes queue',
    entry: 'server.js',
  },
  'healthy-race': {
    expected: 'none',
    description: 'races with cleared timers, aborted waits, early break out of for await, Promise.any: 0 abandoned tasks',
    entry: 'server.js',
  },
  'healthy-server': {
    expected: 'none',
    description: 'busy but healthy: fs, timers, gzip, loopback upstream calls; no growth once load settles',
    entry: 'server.js',
  },
};

let cachedRoot: string | undefined;

/** The repository root: the nearest folder above this file whose package.json is ours. */
export function repoRoot(): string {
  if (cachedRoot) return cachedRoot;
  let firstWithPackageJson: string | undefined;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      firstWithPackageJson ??= dir;
      try {
        if (JSON.parse(readFileSync(pkg, 'utf8')).name === 'async-leak-lens') return (cachedRoot = dir);
      } catch {
        // not JSON: keep walking up
      }
    }
    if (dirname(dir) === dir) break;
  }
  if (firstWithPackageJson) return (cachedRoot = firstWithPackageJson);
  throw new Error(`cannot find the repository root (a folder with package.json) above ${__dirname}`);
}

function specOf(name: string): FixtureSpec {
  const spec = Object.prototype.hasOwnProperty.call(FIXTURES, name) ? FIXTURES[name] : undefined;
  if (!spec) throw new Error(`unknown fixture "${name}"; known fixtures: ${Object.keys(FIXTURES).join(', ')}`);
  return spec;
}

function infoOf(name: string): FixtureInfo {
  const spec = specOf(name);
  const root = repoRoot();
  const dir = join(root, 'test', 'fixtures', name);
  const entry = spec.compiled ? join(root, spec.compiled) : join(dir, spec.entry);
  return { name, expected: spec.expected, description: spec.description, entry, dir };
}

/** Every fixture with the kind of site a correct snapshot reports for it. */
export function listFixtures(): FixtureInfo[] {
  return Object.keys(FIXTURES).map(infoOf);
}

// Children still running; killed on exit so none outlives the test run.
const liveChildren = new Set<ChildProcess>();
let exitHandlerInstalled = false;

function installExitHandler(): void {
  if (exitHandlerInstalled) return;
  exitHandlerInstalled = true;
  process.on('exit', () => {
    for (const child of liveChildren) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

const INSPECTOR_LINE = /Debugger listening on (ws:\/\/[^\s]+)/;
const READY_LINE = /^READY (\{.*\})\s*$/m;

/**
 * Spawns the fixture with `--inspect=127.0.0.1:0` and waits until it prints `READY {"port":n}`.
 * Rejects with the captured output if it exits first or is not ready within `timeoutMs`.
 */
export async function startFixture(name: string, opts: StartOptions = {}): Promise<RunningFixture> {
  const info = infoOf(name);
  if (!existsSync(info.entry)) {
    const hint = specOf(name).compiled ? ' (TypeScript fixture: run `node scripts/build.mjs` first)' : '';
    throw new Error(`fixture "${name}": entry ${info.entry} does not exist${hint}`);
  }
  return startScript(info.entry, { ...opts, name, cwd: info.dir });
}

/**
 * Like startFixture, for any script that follows the fixtures' contract (prints
 * `READY {"port":n, ...}` once listening on 127.0.0.1): the reliability suite's targets.
 */
export async function startScript(entry: string, opts: StartOptions & { name?: string; cwd?: string } = {}): Promise<RunningFixture> {
  const name = opts.name ?? basename(entry);
  const info = { entry, dir: opts.cwd ?? dirname(entry) };
  const inspect = opts.inspect ?? true;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const nodeBinary = opts.node ?? process.execPath;
  const args = [...(inspect ? ['--inspect=127.0.0.1:0'] : []), ...(opts.execArgv ?? []), info.entry];

  installExitHandler();
  const child = spawn(nodeBinary, args, {
    cwd: info.dir,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  liveChildren.add(child);

  let out = '';
  let err = '';
  let exited = child.exitCode !== null || child.signalCode !== null;
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      liveChildren.delete(child);
      resolve();
    });
    // spawn failures (e.g. a bad node path) emit 'error' and maybe no 'exit'
    child.once('error', () => {
      exited = true;
      liveChildren.delete(child);
      resolve();
    });
  });
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');

  const stop = async (): Promise<void> => {
    if (!exited) {
      child.kill('SIGTERM');
      let graceTimer: NodeJS.Timeout | undefined;
      const grace = new Promise<'grace'>((resolve) => {
        graceTimer = setTimeout(() => resolve('grace'), 2000);
      });
      const outcome = await Promise.race([exitedPromise.then(() => 'exited' as const), grace]);
      clearTimeout(graceTimer);
      if (outcome === 'grace' && !exited) {
        child.kill('SIGKILL');
        await exitedPromise;
      }
    }
    await exitedPromise;
  };

  return new Promise<RunningFixture>((resolve, reject) => {
    let settled = false;
    const describe = (why: string) =>
      new Error(
        `fixture "${name}" (${nodeBinary} ${args.join(' ')}): ${why}\n` +
          `--- stdout ---\n${out || '(empty)'}\n--- stderr ---\n${err || '(empty)'}`,
      );
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stop().then(() => reject(describe(why)));
    };
    const check = () => {
      if (settled) return;
      const ready = READY_LINE.exec(out);
      const inspector = INSPECTOR_LINE.exec(err);
      if (!ready || (inspect && !inspector)) return;
      let readyFields: Record<string, unknown>;
      try {
        readyFields = JSON.parse(ready[1]);
      } catch {
        fail(`READY line is not valid JSON: ${ready[0]}`);
        return;
      }
      const port = readyFields.port;
      if (typeof port !== 'number' || !Number.isInteger(port) || port <= 0) {
        fail(`READY line has no valid port: ${ready[0]}`);
        return;
      }
      const inspectorUrl = inspector ? inspector[1] : '';
      settled = true;
      clearTimeout(timer);
      resolve({
        name,
        pid: child.pid!,
        port,
        ready: readyFields,
        inspectorUrl,
        inspectorPort: inspectorUrl ? Number(new URL(inspectorUrl).port) : 0,
        child,
        stop,
        stdout: () => out,
        stderr: () => err,
      });
    };
    const timer = setTimeout(() => fail(`not ready after ${timeoutMs} ms`), timeoutMs);
    child.stdout!.on('data', (chunk: string) => {
      out += chunk;
      check();
    });
    child.stderr!.on('data', (chunk: string) => {
      err += chunk;
      check();
    });
    child.once('error', (error) => fail(`could not start: ${error.message}`));
    child.once('exit', (code, signal) => fail(`exited before READY (code ${code}, signal ${signal})`));
  });
}

/** GET 127.0.0.1:`port``path` and parse the answer as JSON (a test target's status endpoints). */
export function getJson<T = any>(port: number, path: string, timeoutMs = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, timeout: timeoutMs }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res
          .on('data', (c: string) => (body += c))
          .on('end', () => {
            try {
              resolve(JSON.parse(body));
            } catch {
              reject(new Error(`GET ${path}: not JSON: ${body.slice(0, 200)}`));
            }
          });
      })
      .on('timeout', function (this: http.ClientRequest) {
        this.destroy(new Error(`GET ${path}: no answer within ${timeoutMs} ms`));
      })
      .on('error', reject);
  });
}

/**
 * Sends `requests` GETs to 127.0.0.1:`port` with at most `concurrency` in flight over a
 * keep-alive agent, then closes the agent's sockets. Never waits on a request longer than
 * `timeoutMs`.
 */
export async function driveLoad(port: number, opts: LoadOptions): Promise<LoadResult> {
  const { requests, path = '/', timeoutMs = 5000 } = opts;
  if (!Number.isInteger(requests) || requests < 0) throw new Error(`driveLoad: requests must be a non-negative integer, got ${requests}`);
  const concurrency = Math.max(1, Math.min(Math.floor(opts.concurrency), requests || 1));
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const result: LoadResult = { ok: 0, failed: 0, timedOut: 0 };

  const one = () =>
    new Promise<void>((resolve) => {
      let done = false;
      let timer: NodeJS.Timeout | undefined;
      const finish = (outcome: keyof LoadResult) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        result[outcome]++;
        resolve();
      };
      const req = http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
        const good = res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300;
        res.resume();
        res.on('end', () => finish(good ? 'ok' : 'failed'));
        res.on('error', () => finish('failed'));
        // 'close' without 'end': the connection broke mid-body.
        res.on('close', () => finish(res.complete && good ? 'ok' : 'failed'));
      });
      timer = setTimeout(() => {
        finish('timedOut');
        req.destroy();
      }, timeoutMs);
      req.on('error', () => finish('failed'));
    });

  let started = 0;
  const lane = async () => {
    while (started < requests) {
      started++;
      await one();
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, lane));
  } finally {
    agent.destroy();
  }
  return result;
}

const SOURCE_FILE = /\.(?:[cm]?js|[cm]?ts)$/;
const MARKER = /\/\/\s*@leak\s+(blocked|created|abandoned)(?:[ \t]+([\w-]+))?[ \t]*$/;

function listSourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) files.push(...listSourceFiles(p));
    else if (SOURCE_FILE.test(name) && !name.endsWith('.d.ts')) files.push(p);
  }
  return files;
}

/**
 * Where the fixture marks its expected site: the line ending in `// @leak blocked|created`
 * (or `// @leak <kind> <label>` when `label` is given). Searches the fixture's source files,
 * so for ts-app the answer is the .ts file. Throws when there is none or more than one.
 */
export function findMarker(fixtureName: string, label?: string): Marker {
  const { dir } = infoOf(fixtureName);
  const found: Marker[] = [];
  for (const file of listSourceFiles(dir)) {
    const lines = readFileSync(file, 'utf8').split(/\r?\n/);
    lines.forEach((text, i) => {
      const m = MARKER.exec(text);
      if (m && (m[2] ?? undefined) === label) found.push({ file, line: i + 1, kind: m[1] as Marker['kind'] });
    });
  }
  const what = `marker "// @leak <blocked|created>${label ? ` ${label}` : ''}" in fixture "${fixtureName}"`;
  if (found.length === 0) throw new Error(`no ${what} (searched ${dir})`);
  if (found.length > 1) throw new Error(`more than one ${what}: ${found.map((m) => `${m.file}:${m.line}`).join(', ')}`);
  return found[0];
}
