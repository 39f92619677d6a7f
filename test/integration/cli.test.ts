// The command-line tool as a user runs it: the built dist/cli.js against real fixture processes.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { driveLoad, findMarker, repoRoot, startFixture, type RunningFixture } from '../support/fixtures';

const cli = join(repoRoot(), 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'all-cli-'));

interface Result {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

function runCli(args: string[], timeoutMs = 30_000): Promise<Result> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { timeout: timeoutMs, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

describe('async-leak-lens CLI', () => {
  const running: RunningFixture[] = [];
  after(() => Promise.all(running.map((f) => f.stop())));

  test('snapshot, load, snapshot, diff finds the blocked line; exit codes follow the contract', async () => {
    const target = await startFixture('never-fired-event');
    running.push(target);
    const before = join(dir, 'before.json');
    const afterFile = join(dir, 'after.json');
    const first = await runCli(['snapshot', '--target', String(target.inspectorPort), '--out', before, '--label', 'before']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /agent stays/);
    await driveLoad(target.port, { requests: 40, concurrency: 8 });
    const second = await runCli(['snapshot', '--target', `127.0.0.1:${target.inspectorPort}`, '--out', afterFile, '--detach']);
    assert.equal(second.code, 0, second.stderr);

    const marker = findMarker('never-fired-event');
    const json = await runCli(['diff', before, afterFile, '--json']);
    assert.equal(json.code, 0, json.stderr);
    const diff = JSON.parse(json.stdout);
    assert.equal(diff.sites[0].frame.file, marker.file);
    assert.equal(diff.sites[0].frame.line, marker.line);
    assert.equal(diff.sites[0].kind, 'blocked');
    assert.ok(diff.sites[0].delta >= 40, `delta ${diff.sites[0].delta}`);
    for (let i = 1; i < diff.sites.length; i++) assert.ok(diff.sites[i - 1].delta >= diff.sites[i].delta, 'sorted by delta');

    const table = await runCli(['diff', before, afterFile]);
    assert.match(table.stdout, new RegExp(`blocked at .*server\\.js:${marker.line}:`));
    assert.equal((await runCli(['diff', before, afterFile, '--fail-on-growth', '10'])).code, 1, 'a leak found -> exit 1');
    assert.equal((await runCli(['diff', before, before, '--fail-on-growth', '10'])).code, 0, 'no growth -> exit 0');
  });

  test('snapshot JSON on stdout follows the schema', async () => {
    const target = await startFixture('forgotten-interval');
    running.push(target);
    await runCli(['snapshot', '-t', String(target.inspectorPort), '--out', join(dir, 'warm.json')]);
    await driveLoad(target.port, { requests: 10, concurrency: 2 });
    const result = await runCli(['snapshot', '-t', target.inspectorUrl, '--detach']);
    assert.equal(result.code, 0, result.stderr);
    const snapshot = JSON.parse(result.stdout);
    assert.equal(snapshot.schema, 'async-leak-lens/snapshot@1');
    assert.equal(snapshot.target.pid, target.pid);
    assert.ok(snapshot.totals.Timeout >= 10);
    const marker = findMarker('forgotten-interval');
    const site = snapshot.sites.find(
      (s: { frame: { line: number; file: string } }) => s.frame.file === marker.file && s.frame.line === marker.line,
    );
    assert.ok(site, 'the setInterval line is a site');
    assert.equal(site.type, 'Timeout');
    assert.ok(site.count >= 10);
  });

  test('a closed port is a clear error with exit 2, fast', async () => {
    const port = await closedPort();
    const result = await runCli(['snapshot', '--target', `127.0.0.1:${port}`]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /Nothing is listening on 127\.0\.0\.1:\d+/);
    assert.ok(result.ms < 10_000, `took ${result.ms} ms`);
  });

  test('attach by pid opens a closed inspector with SIGUSR1 (only when allowed)', async () => {
    const target = await startFixture('forgotten-interval', { inspect: false });
    running.push(target);
    const refused = await runCli(['snapshot', '--target', `pid:${target.pid}`, '--no-open-inspector']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, new RegExp(`Process ${target.pid} has no open inspector`));
    const opened = await runCli(['snapshot', '--target', `pid:${target.pid}`, '--detach']);
    assert.equal(opened.code, 0, opened.stderr);
    assert.equal(JSON.parse(opened.stdout).target.pid, target.pid);
    await target.stop();
    const gone = await runCli(['snapshot', '--target', `pid:${target.pid}`]);
    assert.equal(gone.code, 2);
    assert.match(gone.stderr, /No process with pid \d+ is running/);
  });

  test('a process that is not Node is never sent SIGUSR1', async () => {
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const result = await runCli(['snapshot', '--target', `pid:${sleeper.pid}`]);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /was not sent SIGUSR1 .*its executable is .*sleep/);
      assert.equal(sleeper.exitCode, null, 'the process still runs');
      assert.equal(sleeper.signalCode, null);
    } finally {
      sleeper.kill();
    }
  });

  test('a non-loopback address is refused without --allow-remote', async () => {
    const result = await runCli(['snapshot', '--target', '192.0.2.1:9229']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /only loopback inspector addresses are allowed/);
  });

  test('a port that is not an inspector is a clear error', async () => {
    const target = await startFixture('healthy-server', { inspect: false });
    running.push(target);
    const result = await runCli(['snapshot', '--target', String(target.port)]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /not a Node inspector|not of Node\.js/);
  });

  test('corrupt and foreign snapshot files are clear errors with exit 2', async () => {
    const corrupt = join(dir, 'corrupt.json');
    writeFileSync(corrupt, '{"schema": "async-leak-lens/snapshot@1", "sites": [');
    const foreign = join(dir, 'package.json');
    writeFileSync(foreign, JSON.stringify({ name: 'x', version: '1.0.0' }));
    for (const file of [corrupt, foreign, join(dir, 'missing.json')]) {
      const result = await runCli(['diff', file, file]);
      assert.equal(result.code, 2, `${file}: ${result.stdout}`);
      assert.match(result.stderr, new RegExp(file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'the error names the file');
    }
  });

  test('bad usage gets help and exit 2', async () => {
    assert.equal((await runCli(['frobnicate'])).code, 2);
    const noTarget = await runCli(['snapshot']);
    assert.equal(noTarget.code, 2);
    assert.match(noTarget.stderr, /--target is required/);
    assert.equal((await runCli(['diff', 'only-one.json'])).code, 2);
    const help = await runCli(['watch', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: async-leak-lens watch/);
  });

  test('watch ends with a clear reason when the target exits mid-poll', async () => {
    const target = await startFixture('unreceived-send');
    running.push(target);
    const watcher = spawn(process.execPath, [cli, 'watch', '--target', String(target.inspectorPort), '--interval', '200'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    watcher.stdout.on('data', (c) => (stdout += c));
    watcher.stderr.on('data', (c) => (stderr += c));
    const exited = new Promise<number | null>((r) => watcher.once('exit', (code) => r(code)));
    const deadline = Date.now() + 20_000;
    while (!/TYPE +COUNT/.test(stdout)) {
      assert.ok(Date.now() < deadline, `watch never showed counts: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    target.child.kill('SIGKILL');
    assert.equal(await exited, 2, stderr);
    assert.match(stderr, /is gone/);
    assert.match(stdout, new RegExp(`Target pid ${target.pid}`));
  });

  test('watch --duration detaches and removes the agent', async () => {
    const target = await startFixture('queue-workers');
    running.push(target);
    const result = await runCli(['watch', '--target', String(target.inspectorPort), '--interval', '200', '--duration', '2']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /agent was removed/);
  });

  test('watch leaves an agent that was there before it (another client owns it), and says so', async () => {
    const target = await startFixture('queue-workers');
    running.push(target);
    const port = String(target.inspectorPort);
    assert.equal((await runCli(['snapshot', '--target', port])).code, 0);
    const result = await runCli(['watch', '--target', port, '--interval', '200', '--duration', '2']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, new RegExp(`the agent was in pid ${target.pid} before this command and stays there`));
    const detached = await runCli(['detach', '--target', port]);
    assert.equal(detached.code, 0, detached.stderr);
  });

  test('run starts a program with its inspector and watches it', async () => {
    const entry = join(repoRoot(), 'test', 'fixtures', 'forgotten-interval', 'server.js');
    const result = await runCli(['run', '--interval', '200', '--duration', '2', '--', process.execPath, entry], 20_000);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /READY/);
    assert.match(result.stdout, /Target pid \d+/);
    // Stopped by its own --duration: a normal end, not a failure's exit code.
    assert.match(result.stderr, /Stopped .*server\.js at the end of the run \(--duration\)\./);
    assert.doesNotMatch(result.stderr, /exited with code 128/);
  });
});
