// A real debugging session with the JavaScript debugger bundled in VS Code: the extension
// watches the debuggee through the debugger's CDP proxy, keeps sampling, holds off while the
// debugger has the program paused, and lets go when the session ends. The debugger must keep
// working all along (stop at a breakpoint, evaluate, step, continue).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as vscode from 'vscode';
import type { LensApi } from '../../../src/extension/extension';
import type { AttachedTarget } from '../../../src/extension/targets/attached-target';
import { driveLoad, listFixtures, startFixture, type RunningFixture } from '../../support/fixtures';
import { agentInstalled, eventually, lensApi, sleep, stopwatch } from '../support/attach-helpers';

const POLL_MS = 300;

/** What the test sees of each debug session: DAP events from the adapter, and its end. */
class DebugRecorder implements vscode.Disposable {
  readonly sessions: vscode.DebugSession[] = [];
  readonly ended = new Set<string>();
  readonly events = new Map<string, { event: string; body: any }[]>();
  private readonly disposables: vscode.Disposable[];

  constructor() {
    this.disposables = [
      vscode.debug.onDidStartDebugSession((s) => this.sessions.push(s)),
      vscode.debug.onDidTerminateDebugSession((s) => this.ended.add(s.id)),
      vscode.debug.registerDebugAdapterTrackerFactory('*', {
        createDebugAdapterTracker: (session) => ({
          onDidSendMessage: (m: { type?: string; event?: string; command?: string; body?: any }) => {
            // Events, and responses recorded as "response:<command>".
            const name = m.type === 'event' ? m.event : m.type === 'response' ? `response:${m.command}` : undefined;
            if (!name) return;
            const list = this.events.get(session.id) ?? [];
            list.push({ event: name, body: m.body });
            this.events.set(session.id, list);
          },
        }),
      }),
    ];
  }

  /** The concrete debuggee (js-debug's child session) of the session named `name`. */
  debuggeeOf(name: string): vscode.DebugSession | undefined {
    return this.sessions.find((s) => s.type === 'pwa-node' && s.configuration.__pendingTargetId && s.parentSession?.name === name);
  }

  parentNamed(name: string): vscode.DebugSession | undefined {
    return this.sessions.find((s) => s.name === name && !s.parentSession);
  }

  /** Program output of the session and its parent (the launcher reports it on the parent). */
  output(session: vscode.DebugSession): string {
    const ids = [session.id, session.parentSession?.id];
    return ids
      .flatMap((id) =>
        (id ? (this.events.get(id) ?? []) : [])
          .filter((e) => e.event === 'output' && e.body?.category !== 'telemetry')
          .map((e) => String(e.body?.output ?? '')),
      )
      .join('');
  }

  stops(session: vscode.DebugSession): { reason: string; threadId?: number }[] {
    return (this.events.get(session.id) ?? []).filter((e) => e.event === 'stopped').map((e) => e.body);
  }

  /** Whether the debugger reported a verified breakpoint at `line` for this session. */
  breakpointVerified(session: vscode.DebugSession, line: number): boolean {
    return (this.events.get(session.id) ?? []).some(
      (e) =>
        (e.event === 'response:setBreakpoints' && e.body?.breakpoints?.some((b: any) => b.verified && b.line === line)) ||
        (e.event === 'breakpoint' && e.body?.breakpoint?.verified && e.body.breakpoint.line === line),
    );
  }

  describe(): string {
    return (
      this.sessions
        .map((s) => `${s.name} [${s.type}${s.configuration.__pendingTargetId ? ', debuggee' : ''}${this.ended.has(s.id) ? ', ended' : ''}]`)
        .join('; ') || 'no debug session started'
    );
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** A GET that may wait long (the server is stopped at a breakpoint meanwhile). */
function slowGet(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', timeout: 90_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 90 s')));
    req.on('error', reject);
  });
}

function debugTarget(api: LensApi): AttachedTarget | undefined {
  return api.targets.list().find((t) => t.source === 'debug');
}

suite('debug session', function () {
  this.timeout(240_000);
  let api: LensApi;
  let recorder: DebugRecorder;
  const fixtures: RunningFixture[] = [];
  const config = () => vscode.workspace.getConfiguration('asyncLeakLens');
  const saved: Record<string, unknown> = {};

  suiteSetup(async () => {
    api = await lensApi();
    for (const key of ['autoAttach', 'pollIntervalMs']) saved[key] = config().inspect(key)?.globalValue;
    await config().update('autoAttach', 'always', vscode.ConfigurationTarget.Global);
    await config().update('pollIntervalMs', POLL_MS, vscode.ConfigurationTarget.Global);
  });

  suiteTeardown(async () => {
    for (const [key, value] of Object.entries(saved)) await config().update(key, value, vscode.ConfigurationTarget.Global);
  });

  setup(() => {
    recorder = new DebugRecorder();
  });

  teardown(async () => {
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    await vscode.debug.stopDebugging();
    recorder.dispose();
    await api.targets.detachAll();
    await Promise.all(fixtures.splice(0).map((f) => f.stop()));
  });

  test('launch: watched through the CDP proxy, survives a breakpoint, lets go when the session ends', async () => {
    const fixture = listFixtures().find((f) => f.name === 'queue-workers')!;
    const lines = readFileSync(fixture.entry, 'utf8').split('\n');
    const breakLine = lines.findIndex((l) => l.includes('jobs.push(')) + 1; // runs once per request
    assert.ok(breakLine > 0, `no "jobs.push(" line in ${fixture.entry}`);
    const name = `Async Leak Lens test: launch ${fixture.name}`;
    const lap = stopwatch('launch');

    const started = await vscode.debug.startDebugging(undefined, {
      type: 'node',
      request: 'launch',
      name,
      program: fixture.entry,
      cwd: fixture.dir,
      console: 'internalConsole',
      outputCapture: 'std',
      skipFiles: ['<node_internals>/**'],
    });
    assert.equal(started, true, 'vscode.debug.startDebugging answered false');

    const debuggee = await eventually(
      () => recorder.debuggeeOf(name),
      30_000,
      () => `the debugger's child session for "${name}" (sessions: ${recorder.describe()})`,
    );
    const target = await eventually(
      () => debugTarget(api),
      30_000,
      () =>
        `the extension to watch "${name}" (sessions: ${recorder.describe()}; program output: ${JSON.stringify(recorder.output(debuggee).slice(-2000))}; is asyncLeakLens.autoAttach "always"? see the "Async Leak Lens" output channel)`,
    );
    // The CDP proxy of js-debug, not the program's own inspector.
    assert.match(
      target.session.connection.url,
      /^ws:\/\/127\.0\.0\.1:\d+\/[0-9a-f]{40}$/,
      "the target is not connected through the debugger's CDP proxy",
    );
    // One name however it was attached: script and pid, then the launch configuration.
    assert.equal(target.label, `server.js · pid ${target.pid} · ${name}`);

    const ready = await eventually(
      () => /READY (\{.*\})/.exec(recorder.output(debuggee)),
      30_000,
      () => `READY from the program (its output so far: ${JSON.stringify(recorder.output(debuggee))})`,
    );
    const port = JSON.parse(ready[1]).port as number;
    lap('debug session started, watched, program ready');

    await eventually(() => target.samples.length >= 2, 15_000, 'live samples while the debugger is attached');
    const before = target.samples.at(-1)!.total;
    const load = await driveLoad(port, { requests: 20, concurrency: 4 });
    assert.equal(load.ok, 20, `load: ${JSON.stringify(load)}`);
    lap('first samples and load');
    await eventually(
      () => target.samples.at(-1)!.total >= before + 20,
      15_000,
      () => `samples to show the 20 leaked workers (before ${before}, latest ${target.samples.at(-1)?.total})`,
    );

    // Stop at a breakpoint in the request handler.
    vscode.debug.addBreakpoints([
      new vscode.SourceBreakpoint(new vscode.Location(vscode.Uri.file(fixture.entry), new vscode.Position(breakLine - 1, 0))),
    ]);
    // The breakpoint reaches the debugger asynchronously: wait until it is set in the program.
    await eventually(
      () => recorder.breakpointVerified(debuggee, breakLine),
      20_000,
      `the debugger to verify the breakpoint at line ${breakLine}`,
    );
    const answer = slowGet(port);
    answer.catch(() => undefined); // awaited after continue
    const stop = await eventually(
      () => recorder.stops(debuggee)[0],
      20_000,
      `the debugger to stop at ${fixture.entry}:${breakLine} on a request`,
    );
    assert.equal(stop.reason, 'breakpoint');
    await eventually(() => target.isPaused, 10_000, 'the extension to see the pause (Debugger.paused over the proxy)');
    lap('breakpoint verified and hit');

    const pausedSamples = target.samples.length;
    await sleep(POLL_MS * 8);
    assert.equal(target.samples.length, pausedSamples, 'the extension kept polling while the debuggee was paused');
    lap('no polls while paused');

    // The debugger still works: threads, stack, evaluate in the paused frame, step.
    const { threads } = await debuggee.customRequest('threads');
    const threadId = stop.threadId ?? threads[0].id;
    assert.ok(
      threads.some((t: { id: number }) => t.id === threadId),
      `thread ${threadId} not in ${JSON.stringify(threads)}`,
    );
    const top = async () => (await debuggee.customRequest('stackTrace', { threadId, startFrame: 0, levels: 1 })).stackFrames[0];
    const frame = await top();
    assert.equal(frame.line, breakLine);
    const evaluated = await debuggee.customRequest('evaluate', { expression: 'stats.workers', frameId: frame.id, context: 'repl' });
    assert.match(evaluated.result, /^\d+$/, `evaluate in the paused frame gave ${JSON.stringify(evaluated)}`);
    assert.ok(Number(evaluated.result) >= 20, `stats.workers is ${evaluated.result}, expected at least the 20 leaked workers`);
    lap('threads, stack and evaluate');

    await debuggee.customRequest('next', { threadId });
    await eventually(() => recorder.stops(debuggee).length >= 2, 15_000, 'the debugger to stop after a step');
    assert.equal(recorder.stops(debuggee)[1].reason, 'step');
    assert.equal((await top()).line, breakLine + 1, 'the step did not move to the next line');
    await eventually(() => target.isPaused, 10_000, 'the extension to see the pause after the step');

    lap('evaluate and step');
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    await debuggee.customRequest('continue', { threadId });
    await eventually(() => !target.isPaused, 10_000, 'the extension to see the resume (Debugger.resumed over the proxy)');
    assert.equal(await answer, 200, 'the request stopped at the breakpoint did not complete after continue');
    await eventually(() => target.samples.length >= pausedSamples + 2, 15_000, 'samples to resume after continue');

    // The agent is in the debuggee, seen by the debugger's own evaluate.
    const seen = await debuggee.customRequest('evaluate', { expression: 'typeof __asyncLeakLensAgents.current()', context: 'repl' });
    assert.equal(seen.result, "'object'");

    lap('continue and samples again');
    await vscode.debug.stopDebugging(recorder.parentNamed(name));
    await eventually(() => api.targets.get(target.id) === undefined, 20_000, 'the target to go when the debug session ended');
    await eventually(() => recorder.ended.has(debuggee.id), 20_000, 'the debug session to end');
    lap('session stopped');
  });

  test("launch with a worker thread: the debugger's session for the worker is watched too", async () => {
    const fixture = listFixtures().find((f) => f.name === 'worker-leak')!;
    const name = `Async Leak Lens test: launch ${fixture.name}`;
    const started = await vscode.debug.startDebugging(undefined, {
      type: 'node',
      request: 'launch',
      name,
      program: fixture.entry,
      cwd: fixture.dir,
      console: 'internalConsole',
      outputCapture: 'std',
    });
    assert.equal(started, true, 'vscode.debug.startDebugging answered false');
    const debuggees = () => recorder.sessions.filter((s) => s.type === 'pwa-node' && s.configuration.__pendingTargetId);
    await eventually(
      () => debuggees().length >= 2,
      30_000,
      () => `a debug session for the main thread and one for the worker (sessions: ${recorder.describe()})`,
    );
    const targets = await eventually(
      () => (api.targets.list().filter((t) => t.source === 'debug').length >= 2 ? api.targets.list() : undefined),
      30_000,
      () =>
        `two watched targets (have: ${
          api.targets
            .list()
            .map((t) => t.label)
            .join(', ') || 'none'
        }; sessions: ${recorder.describe()})`,
    );
    const worker = targets.find((t) => t.session.info.threadId !== 0);
    assert.ok(worker, `no target on the worker thread: ${targets.map((t) => `${t.label} thread ${t.session.info.threadId}`).join(', ')}`);
    const main = targets.find((t) => t.session.info.threadId === 0)!;
    assert.equal(worker.pid, main.pid);

    // The program prints READY on its main thread's session (whichever of the two that is).
    const ready = await eventually(
      () =>
        debuggees()
          .map((s) => /READY (\{.*\})/.exec(recorder.output(s)))
          .find((m) => m !== null),
      30_000,
      () => `READY from the program (output: ${JSON.stringify(debuggees().map((s) => recorder.output(s)))})`,
    );
    await eventually(() => worker.samples.length > 0, 15_000, 'samples from the worker thread');
    const before = worker.samples.at(-1)!.total;
    const load = await driveLoad(JSON.parse(ready[1]).port, { requests: 20, concurrency: 4 });
    assert.equal(load.ok, 20, `load: ${JSON.stringify(load)}`);
    await eventually(
      () => worker.samples.at(-1)!.total >= before + 20,
      15_000,
      () => `the worker's samples to show its 20 suspended jobs (before ${before}, latest ${worker.samples.at(-1)?.total})`,
    );

    await vscode.debug.stopDebugging(recorder.parentNamed(name));
    await eventually(() => api.targets.list().length === 0, 20_000, 'both targets to go when the debug session ended');
  });

  test('ask: nothing is watched until the user answers Watch in the notification', async () => {
    const fixture = await startFixture('forgotten-interval');
    fixtures.push(fixture);
    await config().update('autoAttach', 'ask', vscode.ConfigurationTarget.Global);
    try {
      await vscode.commands.executeCommand('notifications.clearAll');
      const name = `Async Leak Lens test: ask ${fixture.name}`;
      assert.equal(
        await vscode.debug.startDebugging(undefined, {
          type: 'node',
          request: 'attach',
          name,
          port: fixture.inspectorPort,
          address: '127.0.0.1',
        }),
        true,
      );
      await eventually(
        () => recorder.debuggeeOf(name),
        30_000,
        () => `the debugger's child session for "${name}" (sessions: ${recorder.describe()})`,
      );
      await sleep(2000);
      assert.equal(debugTarget(api), undefined, 'in "ask" mode the session was watched before the user answered');
      assert.equal(await agentInstalled(fixture.inspectorUrl), false);

      // "Watch" is the notification's primary action (what a click on it does).
      const target = await eventually(
        async () => {
          await vscode.commands.executeCommand('notification.acceptPrimaryAction');
          return eventually(() => debugTarget(api), 3000, '').catch(() => undefined);
        },
        30_000,
        'the session to be watched after answering Watch',
      );
      assert.equal(target.pid, fixture.pid);
      assert.equal(config().get('autoAttach'), 'ask', 'answering Watch changed the setting');
    } finally {
      await config().update('autoAttach', 'always', vscode.ConfigurationTarget.Global);
    }
  });

  test('attach: detach keeps the debugger working, Watch Debug Session watches again, ending the session removes the agent', async () => {
    const fixture = await startFixture('forgotten-interval');
    fixtures.push(fixture);
    const name = `Async Leak Lens test: attach ${fixture.name}`;
    const started = await vscode.debug.startDebugging(undefined, {
      type: 'node',
      request: 'attach',
      name,
      port: fixture.inspectorPort,
      address: '127.0.0.1',
    });
    assert.equal(started, true, 'vscode.debug.startDebugging answered false');

    const debuggee = await eventually(
      () => recorder.debuggeeOf(name),
      30_000,
      () => `the debugger's child session for "${name}" (sessions: ${recorder.describe()})`,
    );
    const first = await eventually(
      () => debugTarget(api),
      30_000,
      () => `the extension to watch "${name}" (sessions: ${recorder.describe()})`,
    );
    assert.equal(first.pid, fixture.pid);
    await eventually(() => first.samples.length >= 2, 15_000, 'live samples');

    // Detaching from the lens leaves the debugger's session intact.
    await vscode.commands.executeCommand('asyncLeakLens.detach', first.id);
    assert.equal(api.targets.get(first.id), undefined);
    assert.equal(await agentInstalled(fixture.inspectorUrl), false, 'Detach left the agent in the debuggee');
    const evaluated = await debuggee.customRequest('evaluate', { expression: '6 * 7', context: 'repl' });
    assert.equal(evaluated.result, '42', 'the debugger cannot evaluate after the lens detached');

    const ids = await vscode.commands.executeCommand<string[]>('asyncLeakLens.watchDebugSession', recorder.parentNamed(name)!.id);
    assert.equal(ids.length, 1, `Watch Debug Session watched ${ids.length} targets`);
    const second = api.targets.get(ids[0])!;
    assert.equal(second.pid, fixture.pid);
    await driveLoad(fixture.port, { requests: 10, concurrency: 2 });
    await eventually(() => second.samples.length >= 2, 15_000, 'live samples after watching again');
    assert.equal(await agentInstalled(fixture.inspectorUrl), true);

    await vscode.debug.stopDebugging(recorder.parentNamed(name));
    await eventually(() => api.targets.get(second.id) === undefined, 20_000, 'the target to go when the debug session ended');
    assert.equal(fixture.child.exitCode, null, 'the attached program exited with the debug session');
    assert.equal(await agentInstalled(fixture.inspectorUrl), false, 'the agent stayed in the program after its debug session ended');
  });
});
