// Faults a real target, a real network and real users cause: none may crash, hang or corrupt.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { join } from 'node:path';
import { diffSnapshots } from '../../src/core/diff';
import { InspectorConnection } from '../../src/core/inspector-connection';
import { Session } from '../../src/core/session';
import { driveLoad, repoRoot, startFixture, type RunningFixture } from '../support/fixtures';

const cli = join(repoRoot(), 'dist', 'cli.js');

function runCli(args: string[], timeoutMs = 30_000): Promise<{ code: number; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { timeout: timeoutMs }, (error, _stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stderr, ms: Date.now() - started });
    });
  });
}

async function listen(server: net.Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return (server.address() as net.AddressInfo).port;
}

function getJson(port: number, path: string): Promise<any> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c)).on('end', () => resolve(JSON.parse(body)));
    }).on('error', reject);
  });
}

describe('faults', () => {
  const cleanups: (() => unknown)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  test('a port that accepts but never answers is a clear error within seconds', async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer((socket) => void sockets.push(socket));
    const port = await listen(server);
    cleanups.push(() => {
      sockets.forEach((s) => s.destroy());
      server.close();
    });
    const result = await runCli(['snapshot', '--target', `127.0.0.1:${port}`]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /did not answer within 3 s/);
    assert.ok(result.ms < 10_000, `took ${result.ms} ms`);
  });

  test('a browser inspector instead of Node is named as such', async () => {
    const server = http.createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/json/version') res.end(JSON.stringify({ Browser: 'Chrome/120.0.6099.71', 'Protocol-Version': '1.3' }));
      else res.end(JSON.stringify([{ type: 'page', title: 'x', url: 'about:blank', webSocketDebuggerUrl: 'ws://127.0.0.1:1/devtools/page/x' }]));
    });
    const port = await listen(server);
    cleanups.push(() => server.close());
    const result = await runCli(['snapshot', '--target', `127.0.0.1:${port}`]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /inspector of "Chrome\/120[^"]*", not of Node\.js/);
  });

  test('a target paused in a debugger: polls time out with a clear error, and resume recovers', async () => {
    const target = await startFixture('unreceived-send');
    cleanups.push(() => target.stop());
    const debuggerClient = await InspectorConnection.open(target.inspectorUrl);
    cleanups.push(() => debuggerClient.close());
    const session = await Session.attach(target.inspectorUrl, { callTimeoutMs: 1500 });
    const errors: Error[] = [];
    session.on('error', (error) => errors.push(error));
    await debuggerClient.main.send('Debugger.enable');
    await debuggerClient.main.send('Debugger.pause');
    // The pause takes effect when JS runs next: a request makes it run (and hang while paused).
    const load = driveLoad(target.port, { requests: 1, concurrency: 1, timeoutMs: 20_000 });
    await new Promise((r) => setTimeout(r, 500));
    // Paused, an evaluate either answers at once or (sent while the pause is pending) waits for the
    // resume: either way the call is bounded by the session's timeout.
    const started = Date.now();
    await session.poll().catch((error: Error) => assert.match(error.message, /no answer within 1\.5 s \(is the target paused/));
    assert.ok(Date.now() - started < 3000, 'a poll while paused is bounded');
    session.startPolling(300);
    await new Promise((r) => setTimeout(r, 4000));
    await debuggerClient.main.send('Debugger.resume');
    assert.deepEqual((await load).failed, 0);
    const sample = await session.poll();
    assert.ok(sample.counts.PROMISE >= 2, 'tracking went on');
    assert.equal(session.isEnded, false);
    await session.detach();
  });

  test('watch --reconnect follows a target that restarts on the same inspector port', async () => {
    const probe = net.createServer();
    const inspectorPort = await listen(probe);
    await new Promise((r) => probe.close(r));
    const start = () => startFixture('forgotten-interval', { inspect: false, execArgv: [`--inspect=127.0.0.1:${inspectorPort}`] });
    let target: RunningFixture = await start();
    cleanups.push(() => target.stop());
    const watcher: ChildProcess = spawn(process.execPath, [cli, 'watch', '--target', String(inspectorPort), '--interval', '200', '--reconnect', '--reconnect-timeout', '20'], { stdio: ['ignore', 'pipe', 'pipe'] });
    cleanups.push(() => watcher.kill('SIGKILL'));
    let stderr = '';
    let stdout = '';
    watcher.stderr!.on('data', (c) => (stderr += c));
    watcher.stdout!.on('data', (c) => (stdout += c));
    const waitFor = async (pattern: RegExp, stream: () => string = () => stderr) => {
      const deadline = Date.now() + 20_000;
      while (!pattern.test(stream())) {
        assert.ok(Date.now() < deadline, `never saw ${pattern}: ${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await waitFor(new RegExp(`Target pid ${target.pid}`), () => stdout);
    await target.stop();
    await waitFor(/Waiting up to 20 s/);
    target = await start();
    await waitFor(new RegExp(`Reconnected to pid ${target.pid}`));
    const exited = new Promise<number | null>((r) => watcher.once('exit', (code) => r(code)));
    watcher.kill('SIGINT');
    assert.equal(await exited, 0, stderr);
    assert.match(stderr, /agent was removed/);
  });

  test("a target that overrides Error, Promise, process.emit and async_hooks: leak found, overrides intact", async () => {
    const entry = join(repoRoot(), 'test', 'reliability', 'targets', 'overrides.js');
    const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', entry], { stdio: ['ignore', 'pipe', 'pipe'] });
    cleanups.push(() => child.kill('SIGKILL'));
    let out = '';
    let err = '';
    child.stdout!.on('data', (c) => (out += c));
    child.stderr!.on('data', (c) => (err += c));
    while (!/READY/.test(out) || !/ws:\/\//.test(err)) await new Promise((r) => setTimeout(r, 50));
    const port = JSON.parse(/READY (.*)/.exec(out)![1]).port;
    const url = /(ws:\/\/\S+)/.exec(err)![1];
    const before = await getJson(port, '/state');
    const session = await Session.attach(url);
    const first = await session.snapshot();
    await driveLoad(port, { requests: 20, concurrency: 4 });
    const second = await session.snapshot();
    const top = diffSnapshots(first, second).sites[0];
    const markerLine = readFileSync(entry, 'utf8').split('\n').findIndex((l) => l.includes('// @leak blocked')) + 1;
    const listing = diffSnapshots(first, second).sites.slice(0, 6).map((s) => `${s.delta} ${s.kind} ${s.type} ${s.frame.line}:${s.frame.column} ${s.frame.function}`).join('\n');
    assert.equal(`${top.frame.file}:${top.frame.line}`, `${entry}:${markerLine}`, listing);
    assert.ok(top.delta >= 20);
    const during = await getJson(port, '/state');
    await session.detach();
    const afterDetach = await getJson(port, '/state');
    for (const state of [during, afterDetach]) {
      assert.equal(state.stack, 'custom(2): probe', 'prepareStackTrace and stackTraceLimit unchanged');
      assert.equal(state.limit, 2);
      assert.equal(state.promiseIsOurs, 'CountingPromise');
    }
    assert.ok(afterDetach.emits > before.emits, 'process.emit wrapper still called');
    assert.ok(during.promisesConstructed >= before.promisesConstructed + 20, 'their Promise subclass still used');
  });

  test('SIGKILL during a snapshot ends the session with a clear reason, nothing hangs', async () => {
    const target = await startFixture('queue-workers');
    cleanups.push(() => target.stop());
    const session = await Session.attach(target.inspectorUrl, { callTimeoutMs: 5000 });
    await driveLoad(target.port, { requests: 200, concurrency: 10 });
    const ended = new Promise<string>((r) => session.once('end', r));
    const snapshot = session.snapshot().then(
      () => 'completed',
      (error: Error) => error.message,
    );
    target.child.kill('SIGKILL');
    // It may finish just before the kill lands, or fail with a clear error: never hang.
    assert.match(await snapshot, /completed|no longer connected|is gone|closed|exited/);
    assert.match(await ended, /is gone/);
    assert.equal(session.isEnded, true);
    await assert.rejects(session.poll(), /no longer connected/);
  });

  test('attach and detach twenty times: one hook, no growth in the target', async () => {
    const target = await startFixture('unreceived-send');
    cleanups.push(() => target.stop());
    const probe = await InspectorConnection.open(target.inspectorUrl);
    cleanups.push(() => probe.close());
    const evaluate = async (expression: string) =>
      ((await probe.main.send('Runtime.evaluate', { expression, returnByValue: true, includeCommandLineAPI: true })) as { result: { value: any } }).result.value;
    const measure = async () => {
      await probe.main.send('HeapProfiler.collectGarbage');
      return evaluate(`({ heap: process.memoryUsage().heapUsed, resources: process.getActiveResourcesInfo().length })`);
    };
    const cycle = async () => {
      const session = await Session.attach(target.inspectorUrl);
      await session.poll();
      await session.snapshot();
      await session.detach();
    };
    await cycle();
    const first = await measure();
    for (let i = 0; i < 20; i++) await cycle();
    const last = await measure();
    assert.equal(last.resources, first.resources, 'no handles left behind');
    assert.ok(last.heap - first.heap < 2_000_000, `heap grew by ${last.heap - first.heap} bytes over 20 cycles`);
    // Exactly one hook: 100 promises made on purpose are counted 100 times, not 100 x hooks.
    const session = await Session.attach(target.inspectorUrl);
    const before = (await session.snapshot({ collectGarbage: false })).stats.created.PROMISE ?? 0;
    await evaluate(`globalThis.__kept = Array.from({ length: 100 }, () => new Promise(() => {})); 0`);
    const after = (await session.snapshot({ collectGarbage: false })).stats.created.PROMISE ?? 0;
    assert.equal(after - before, 100);
    await session.detach();
    await evaluate('delete globalThis.__kept');
  });

  test('two clients on one target: when one detaches, the other puts the agent back and goes on', async () => {
    const target = await startFixture('unreceived-send');
    cleanups.push(() => target.stop());
    const first = await Session.attach(target.inspectorUrl);
    const second = await Session.attach(target.inspectorUrl);
    const notices: string[] = [];
    second.on('notice', (text) => notices.push(text));
    await first.detach();
    await second.poll(); // the next poll finds the agent gone and puts it back
    assert.equal(notices.length, 1, 'told once that tracking restarted');
    assert.match(notices[0], /injected again/);
    await driveLoad(target.port, { requests: 15, concurrency: 3 });
    const sample = await second.poll();
    assert.equal(notices.length, 1);
    assert.ok((sample.counts.PROMISE ?? 0) >= 15, JSON.stringify(sample.counts));
    const snapshot = await second.snapshot();
    assert.ok(snapshot.sites.some((s) => s.kind === 'blocked' && s.count >= 15));
    await second.detach();
  });
});
