// Faults a real target, a real network and real users cause: none may crash, hang or corrupt.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { join } from 'node:path';
import { agentPresentExpression } from '../../src/core/inspector/agent-expressions';
import { diffSnapshots } from '../../src/core/sites/diff';
import { InspectorConnection } from '../../src/core/inspector/inspector-connection';
import { Session } from '../../src/core/inspector/session';
import { driveLoad, findMarker, getJson, repoRoot, startFixture, startScript, type RunningFixture } from '../support/fixtures';

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
      else
        res.end(
          JSON.stringify([{ type: 'page', title: 'x', url: 'about:blank', webSocketDebuggerUrl: 'ws://127.0.0.1:1/devtools/page/x' }]),
        );
    });
    const port = await listen(server);
    cleanups.push(() => server.close());
    const result = await runCli(['snapshot', '--target', `127.0.0.1:${port}`]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /inspector of "Chrome\/120[^"]*", not of Node\.js/);
  });

  test('a target held at a breakpoint for a minute: polls go on or time out clearly, never pile up; resume recovers', async () => {
    const PAUSE_MS = Number(process.env.ALENS_PAUSE_MS ?? 60_000);
    const CALL_TIMEOUT_MS = 1500;
    const target = await startFixture('unreceived-send');
    cleanups.push(() => target.stop());
    const marker = findMarker('unreceived-send');
    const debuggerClient = await InspectorConnection.open(target.inspectorUrl);
    cleanups.push(() => debuggerClient.close());
    const session = await Session.attach(target.inspectorUrl, { callTimeoutMs: CALL_TIMEOUT_MS });
    const errors: Error[] = [];
    session.on('error', (error) => errors.push(error));
    let pausedAt: string | undefined;
    debuggerClient.on('event', (method: string, params: { hitBreakpoints?: string[] }) => {
      if (method === 'Debugger.paused') pausedAt = params.hitBreakpoints?.[0];
    });
    await debuggerClient.main.send('Debugger.enable');
    const urlRegex = `${marker.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
    const { breakpointId } = await debuggerClient.main.send<{ breakpointId: string }>('Debugger.setBreakpointByUrl', {
      urlRegex,
      lineNumber: marker.line - 1,
    });
    // A request reaches the marked line and stops there (it hangs while paused).
    const load = driveLoad(target.port, { requests: 1, concurrency: 1, timeoutMs: PAUSE_MS + 30_000 });
    while (pausedAt !== breakpointId) await new Promise((r) => setTimeout(r, 50));

    // Paused, the inspector still answers evaluations (V8 runs them from its pause loop); should
    // one not be answered, the call is bounded by the session's timeout with a clear reason.
    const started = Date.now();
    await session.poll().catch((error: Error) => assert.match(error.message, /no answer within 1\.5 s \(is the target paused/));
    assert.ok(Date.now() - started < 2 * CALL_TIMEOUT_MS, 'a poll while paused is bounded');
    let samples = 0;
    session.on('sample', () => samples++);
    const heapBefore = process.memoryUsage().heapUsed;
    session.startPolling(300);
    await new Promise((r) => setTimeout(r, PAUSE_MS));
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    assert.equal(pausedAt, breakpointId, 'still held at the breakpoint');
    // Polls do not overlap: at most one call in flight, whatever the interval.
    assert.ok(samples + errors.length <= Math.ceil(PAUSE_MS / 300) + 1, `${samples} samples and ${errors.length} errors in ${PAUSE_MS} ms`);
    assert.ok(
      samples + errors.length >= PAUSE_MS / CALL_TIMEOUT_MS / 2,
      `polling went on while paused: ${samples} samples, ${errors.length} errors`,
    );
    for (const error of errors) assert.match(error.message, /is the target paused at a breakpoint\?/);
    assert.equal(session.isEnded, false, 'a long pause does not end the session');
    assert.ok(heapGrowth < 20 * 1024 * 1024, `the client grew by ${heapGrowth} bytes while the target was paused`);

    await debuggerClient.main.send('Debugger.resume');
    assert.equal((await load).ok, 1, 'the held request completes after resume');
    const sample = await session.poll();
    assert.ok(sample.counts.PROMISE >= 1, 'tracking went on');
    const snapshot = await session.snapshot();
    assert.ok(
      snapshot.sites.some((s) => s.frame.file === marker.file && s.frame.line === marker.line),
      'the held task is at its line',
    );
    await session.detach();
  });

  test('watch --reconnect follows a target that restarts on the same inspector port', async () => {
    const probe = net.createServer();
    const inspectorPort = await listen(probe);
    await new Promise((r) => probe.close(r));
    const start = () => startFixture('forgotten-interval', { inspect: false, execArgv: [`--inspect=127.0.0.1:${inspectorPort}`] });
    let target: RunningFixture = await start();
    cleanups.push(() => target.stop());
    const watcher: ChildProcess = spawn(
      process.execPath,
      [cli, 'watch', '--target', String(inspectorPort), '--interval', '200', '--reconnect', '--reconnect-timeout', '20'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
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

  test('a target that overrides Error, Promise, process.emit and async_hooks: leak found, overrides intact', async () => {
    const entry = join(repoRoot(), 'test', 'reliability', 'targets', 'overrides.js');
    const target = await startScript(entry);
    cleanups.push(() => target.stop());
    const { port, inspectorUrl: url } = target;
    const before = await getJson(port, '/state');
    const session = await Session.attach(url);
    const first = await session.snapshot();
    await driveLoad(port, { requests: 20, concurrency: 4 });
    const second = await session.snapshot();
    const top = diffSnapshots(first, second).sites[0];
    const markerLine =
      readFileSync(entry, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('// @leak blocked')) + 1;
    const listing = diffSnapshots(first, second)
      .sites.slice(0, 6)
      .map((s) => `${s.delta} ${s.kind} ${s.type} ${s.frame.line}:${s.frame.column} ${s.frame.function}`)
      .join('\n');
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

  test('a target that crashes while polled exits (Node waits for inspector clients: the session lets go) and the session says why', async () => {
    const target = await startScript(join(repoRoot(), 'test', 'reliability', 'targets', 'crash-on-request.js'));
    cleanups.push(() => target.stop());
    const exited = new Promise<number | null>((r) => target.child.once('exit', (code) => r(code)));
    const session = await Session.attach(target.inspectorUrl);
    session.startPolling(100);
    await driveLoad(target.port, { requests: 2, concurrency: 1 });
    const ended = new Promise<string>((r) => session.once('end', r));
    await driveLoad(target.port, { requests: 1, concurrency: 1, path: '/crash' });
    assert.match(await ended, new RegExp(`^Target ${target.pid} is gone: the process ended`));
    const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r('still running after 10 s'), 10_000))]);
    assert.equal(code, 1, 'the crashed target exits with its own code');
    assert.match(target.stderr(), /crash requested by the test/);
  });

  test('the inspector connection drops while the target runs: the reason says so; attaching again reuses the agent, detach removes it', async () => {
    const target = await startFixture('unreceived-send');
    cleanups.push(() => target.stop());
    const marker = findMarker('unreceived-send');
    // A TCP relay in front of the inspector: cutting its sockets is a dropped connection.
    const sockets = new Set<net.Socket>();
    const relay = net.createServer((client) => {
      const upstream = net.connect(target.inspectorPort, '127.0.0.1');
      client.pipe(upstream).pipe(client);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('error', () => undefined).on('close', () => (client.destroy(), upstream.destroy()));
      }
    });
    const relayPort = await listen(relay);
    cleanups.push(() => relay.close());
    const session = await Session.attach(target.inspectorUrl.replace(`:${target.inspectorPort}/`, `:${relayPort}/`));
    assert.equal((await driveLoad(target.port, { requests: 5, concurrency: 1 })).ok, 5);
    const ended = new Promise<string>((r) => session.once('end', r));
    for (const socket of sockets) socket.destroy();
    assert.match(
      await ended,
      new RegExp(`^Lost the inspector connection to pid ${target.pid}, which is still running with the agent in it`),
    );

    assert.equal((await driveLoad(target.port, { requests: 3, concurrency: 1 })).ok, 3, 'the target goes on serving');
    const again = await Session.attach(target.inspectorUrl);
    assert.equal(again.info.reused, true, 'the agent left in the target is reused');
    const site = (await again.snapshot()).sites.find((s) => s.frame.file === marker.file && s.frame.line === marker.line);
    assert.equal(site?.count, 8, 'tracking went on through the drop');
    await again.detach();
    const probe = await InspectorConnection.open(target.inspectorUrl);
    cleanups.push(() => probe.close());
    const answer = (await probe.main.send('Runtime.evaluate', { expression: agentPresentExpression, returnByValue: true })) as {
      result: { value: boolean };
    };
    assert.equal(answer.result.value, false, 'detach removed the agent');
  });

  test('attach and detach twenty times: one hook, no growth in the target', async () => {
    const target = await startFixture('unreceived-send');
    cleanups.push(() => target.stop());
    const probe = await InspectorConnection.open(target.inspectorUrl);
    cleanups.push(() => probe.close());
    const evaluate = async (expression: string) =>
      (
        (await probe.main.send('Runtime.evaluate', { expression, returnByValue: true, includeCommandLineAPI: true })) as {
          result: { value: any };
        }
      ).result.value;
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
