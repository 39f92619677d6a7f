// `watch` growth verdicts as CI runs them: the built dist/cli.js with a short warm-up and window
// against real fixtures under bounded load. A leak must end in exit 1 naming its marked line; a
// busy healthy server must end in exit 0.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { relative, join } from 'node:path';
import { driveLoad, findMarker, repoRoot, startFixture, type RunningFixture } from '../support/fixtures';

const cli = join(repoRoot(), 'dist', 'cli.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Short enough for a test, long enough for 12+ site reads after the warm-up. */
const VERDICT_ARGS = ['--interval', '250', '--warmup', '1', '--window', '8', '--duration', '11', '--fail-on-growth'];

interface Watched {
  code: number | null;
  stdout: string;
  stderr: string;
  requests: number;
}

/** Runs watch on the fixture and sends bounded load rounds until it exits (at most 25 s). */
function watchUnderLoad(fixture: RunningFixture, args: string[], round: LoadRound): Promise<Watched> {
  return cliUnderLoad(['watch', '--target', String(fixture.inspectorPort), ...args], () => fixture.port, round);
}

interface LoadRound {
  requests: number;
  concurrency: number;
  pauseMs: number;
}

/** Runs the CLI and, once `port()` is known, sends bounded load rounds until it exits (at most 25 s). */
async function cliUnderLoad(args: string[], port: (stdout: string) => number | undefined, round: LoadRound): Promise<Watched> {
  const watcher = spawn(process.execPath, [cli, ...args], {
    cwd: repoRoot(),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let stdout = '';
  let stderr = '';
  watcher.stdout.on('data', (c) => (stdout += c));
  watcher.stderr.on('data', (c) => (stderr += c));
  let running = true;
  const exited = new Promise<number | null>((resolve) =>
    watcher.once('exit', (code) => {
      running = false;
      resolve(code);
    }),
  );
  const deadline = Date.now() + 25_000;
  let requests = 0;
  while (running && Date.now() < deadline) {
    const target = port(stdout);
    if (target !== undefined) requests += (await driveLoad(target, { requests: round.requests, concurrency: round.concurrency })).ok;
    await sleep(round.pauseMs);
  }
  if (running) watcher.kill('SIGKILL');
  return { code: await exited, stdout, stderr, requests };
}

describe('watch: growth verdicts for CI', () => {
  const running: RunningFixture[] = [];
  after(() => Promise.all(running.map((f) => f.stop())));

  test('a leak under load: one notice, the verdict names the marked line, exit 1', async (t) => {
    const fixture = await startFixture('forgotten-interval');
    running.push(fixture);
    const marker = findMarker('forgotten-interval');
    const result = await watchUnderLoad(fixture, VERDICT_ARGS, { requests: 2, concurrency: 1, pauseMs: 200 });
    const verdict = result.stdout.slice(result.stdout.lastIndexOf('\nGrowth verdict after') + 1);
    t.diagnostic(`${result.requests} requests\n${verdict}`);
    assert.equal(result.code, 1, `exit code\n${result.stderr}\n${result.stdout.slice(-3000)}`);
    const line = `${relative(repoRoot(), marker.file)}:${marker.line}:`;
    const notices = result.stdout.split('\n').filter((l) => / Growing: /.test(l));
    assert.equal(
      notices.filter((l) => l.includes(line)).length,
      1,
      `one notice for the leak's line, not one per poll:\n${notices.join('\n')}`,
    );
    assert.match(
      notices.find((l) => l.includes(line))!,
      /created at .* \(Timeout, .*\), \+\d+(\.\d)? pending per minute, \d+ pending now; floor rose/,
    );
    assert.match(verdict, /^Growth verdict after .*: \d+ sites? judged growing\./);
    assert.ok(verdict.includes(`Example stack, created at ${line}`), verdict);
    assert.match(verdict, new RegExp(`> at .* \\(${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), 'the stack marks the site frame');
    assert.match(result.stderr, /agent was removed/);
  });

  test('run --fail-on-growth: the program it starts leaks under load, exit 1 naming the marked line', async () => {
    const marker = findMarker('forgotten-interval');
    const readyPort = (stdout: string) => {
      const ready = /READY (\{.*\})/.exec(stdout);
      return ready ? (JSON.parse(ready[1]).port as number) : undefined;
    };
    const result = await cliUnderLoad(['run', ...VERDICT_ARGS, '--', process.execPath, marker.file], readyPort, {
      requests: 2,
      concurrency: 1,
      pauseMs: 200,
    });
    assert.equal(result.code, 1, `exit code\n${result.stderr}\n${result.stdout.slice(-3000)}`);
    assert.ok(result.requests > 20, `${result.requests} requests reached the program`);
    const verdict = result.stdout.slice(result.stdout.lastIndexOf('Growth verdict after'));
    assert.ok(verdict.includes(`created at ${relative(repoRoot(), marker.file)}:${marker.line}:`), verdict);
  });

  test('a busy healthy server under bursts of load: no site judged growing, exit 0, JSON verdict', async (t) => {
    const fixture = await startFixture('healthy-server');
    running.push(fixture);
    const result = await watchUnderLoad(fixture, [...VERDICT_ARGS, '--json'], { requests: 30, concurrency: 10, pauseMs: 700 });
    t.diagnostic(`${result.requests} requests; stderr:\n${result.stderr}`);
    const verdict = JSON.parse(result.stdout);
    assert.deepEqual(
      verdict.growing.map(
        (g: { site: { kind: string; frame: { file: string; line: number } }; reason: string }) =>
          `${g.site.kind} ${g.site.frame.file}:${g.site.frame.line} ${g.reason}`,
      ),
      [],
      'no site judged growing',
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(verdict.schema, 'async-leak-lens/watch@1');
    assert.equal(verdict.verdict, 'not-growing');
    assert.equal(verdict.target.pid, fixture.pid);
    assert.deepEqual(verdict.growth, { warmupMs: 1000, windowMs: 8000, sitesEveryMs: 333, intervalMs: 250 });
    assert.ok(result.requests >= 200, `load was sent (${result.requests} requests)`);
  });

  test('the same leak in JSON: the growing site is the marked line, with its rate', async () => {
    const fixture = await startFixture('unclosed-socket');
    running.push(fixture);
    const marker = findMarker('unclosed-socket');
    const result = await watchUnderLoad(fixture, [...VERDICT_ARGS, '--json'], { requests: 2, concurrency: 1, pauseMs: 200 });
    assert.equal(result.code, 1, result.stderr);
    const verdict = JSON.parse(result.stdout);
    assert.equal(verdict.verdict, 'growing');
    const found = verdict.growing.find(
      (g: { site: { frame: { file: string; line: number } } }) => g.site.frame.file === marker.file && g.site.frame.line === marker.line,
    );
    assert.ok(found, `marked line not among ${JSON.stringify(verdict.growing.map((g: { site: { frame: unknown } }) => g.site.frame))}`);
    assert.ok(found.ratePerMinute > 30, found.rateText);
    assert.match(found.rateText, /^\+\d+(\.\d)? pending per minute$/);
    assert.ok(found.site.stack.length > 0, 'an example stack');
    assert.match(result.stderr, / Growing: created at /, 'the notice goes to stderr with --json');
  });

  test('bad growth options are usage errors (exit 2) before anything attaches', async () => {
    const cases: [string[], RegExp][] = [
      [['--fail-on-growth'], /--fail-on-growth needs --duration/],
      [['--fail-on-growth', '--duration', '10'], /--duration 10 is too short for a growth verdict: .* at least 80 s/],
      [['--fail-on-growth', '5', '--duration', '100'], /unexpected argument "5"\. --fail-on-growth takes no number/],
      [['--warmup', 'soon'], /--warmup must be a whole number of seconds, 0 or more/],
      [['--window', '3'], /--window must be a whole number of seconds, 5 or more/],
      [['--window', '10', '--sites-every', '5000'], /--window 10 s holds only 3 site reads/],
    ];
    for (const [args, message] of cases) {
      // 127.0.0.1:1: nothing listens there, so an attach would fail differently.
      const result = await new Promise<{ code: number; stderr: string }>((resolve) =>
        execFile(process.execPath, [cli, 'watch', '--target', '127.0.0.1:1', ...args], { timeout: 10_000 }, (error, _out, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stderr }),
        ),
      );
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message, args.join(' '));
      assert.match(result.stderr, /Run "async-leak-lens watch --help" for usage/);
    }
  });
});
