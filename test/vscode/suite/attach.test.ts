// Attach flows outside debugging, against real fixture processes: by inspector address, by
// process, several targets at once, and detach leaving no agent behind.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import { listNodeProcesses } from '../../../src/extension/attach/node-processes';
import type { LensApi } from '../../../src/extension/extension';
import type { AttachedTarget } from '../../../src/extension/targets/attached-target';
import { driveLoad, repoRoot, startFixture, type RunningFixture } from '../../support/fixtures';
import { agentInstalled, eventually, lensApi } from '../support/attach-helpers';

suite('attach', function () {
  this.timeout(120_000);
  let api: LensApi;
  const fixtures: RunningFixture[] = [];

  const start = async (name: string, options?: Parameters<typeof startFixture>[1]) => {
    const fixture = await startFixture(name, options);
    fixtures.push(fixture);
    return fixture;
  };

  const latestTotal = (target: AttachedTarget) => target.samples.at(-1)?.total;

  suiteSetup(async () => {
    api = await lensApi();
  });

  teardown(async () => {
    await api.targets.detachAll();
    await Promise.all(fixtures.splice(0).map((f) => f.stop()));
  });

  test('attach by address: the target is listed, samples arrive, detach removes the agent', async () => {
    const fixture = await start('queue-workers');
    const id = await vscode.commands.executeCommand<string | undefined>('asyncLeakLens.attachByAddress', String(fixture.inspectorPort));
    assert.ok(id, 'Attach by Inspector Address answered no target (its error is in the "Async Leak Lens" output channel)');
    const target = api.targets.get(id);
    assert.ok(target, `target ${id} is not in the registry`);
    assert.equal(target.pid, fixture.pid);
    assert.equal(target.source, 'address');
    assert.equal(target.label, `server.js · pid ${fixture.pid}`);
    assert.equal(await agentInstalled(fixture.inspectorUrl), true, 'no agent in the target after attaching');

    await eventually(() => target.samples.length > 0, 15_000, 'a first count sample');
    const before = latestTotal(target)!;
    const load = await driveLoad(fixture.port, { requests: 40, concurrency: 4 });
    assert.equal(load.ok, 40, `load: ${JSON.stringify(load)}`);
    // Each request leaves a worker blocked on a promise: at least one pending resource more each.
    await eventually(
      () => latestTotal(target)! >= before + 40,
      15_000,
      () => `a sample with at least ${before + 40} pending (before load ${before}, latest ${latestTotal(target)})`,
    );

    await vscode.commands.executeCommand('asyncLeakLens.detach', id);
    assert.equal(api.targets.get(id), undefined, 'the target is still listed after Detach');
    assert.equal(target.isEnded, true);
    assert.equal(await agentInstalled(fixture.inspectorUrl), false, 'the agent is still in the target after Detach');
  });

  test('a wrong address gives a clear error and no target', async () => {
    const fixture = await start('healthy-server', { inspect: false });
    const countBefore = api.targets.list().length;
    assert.equal(await vscode.commands.executeCommand('asyncLeakLens.attachByAddress', '127.0.0.1:1'), undefined);
    assert.equal(api.targets.list().length, countBefore, 'a failed attach left a target behind');

    await assert.rejects(api.targets.attach({ address: '127.0.0.1:1', source: 'address' }), /Nothing is listening on 127\.0\.0\.1:1\b/);
    // An HTTP server that is not an inspector.
    await assert.rejects(api.targets.attach({ address: `127.0.0.1:${fixture.port}`, source: 'address' }), /not a Node inspector/);
    // Not loopback, and the setting does not allow others.
    await assert.rejects(
      api.targets.attach({ address: 'ws://192.0.2.7:9229/abc', source: 'address' }),
      /only loopback inspector addresses are allowed/,
    );
    await assert.rejects(api.targets.attach({ address: 'not an address', source: 'address' }), /Cannot read target "not an address"/);
    assert.equal(api.targets.list().length, countBefore, 'a failed attach left a target behind');
  });

  test('several targets at once, each with its own samples; a second attach to the same process is refused', async () => {
    const [workers, intervals] = await Promise.all([start('queue-workers'), start('forgotten-interval')]);
    const first = await api.targets.attach({ address: workers.inspectorUrl, source: 'address' });
    const second = await api.targets.attach({ address: String(intervals.inspectorPort), source: 'address' });
    assert.deepEqual(
      api.targets
        .list()
        .map((t) => t.pid)
        .sort(),
      [workers.pid, intervals.pid].sort(),
    );
    await Promise.all([
      driveLoad(workers.port, { requests: 10, concurrency: 2 }),
      driveLoad(intervals.port, { requests: 10, concurrency: 2 }),
    ]);
    await eventually(() => first.samples.length > 1 && second.samples.length > 1, 15_000, 'samples from both targets');

    await assert.rejects(
      api.targets.attach({ address: String(workers.inspectorPort), source: 'address' }),
      new RegExp(`Process ${workers.pid} is already attached`),
    );
    assert.equal(api.targets.list().length, 2);
    assert.equal(await agentInstalled(workers.inspectorUrl), true, 'the refused second attach removed the agent of the first');

    await vscode.commands.executeCommand('asyncLeakLens.detachAll');
    assert.equal(api.targets.list().length, 0);
    assert.equal(await agentInstalled(workers.inspectorUrl), false, 'agent left in queue-workers after Detach from All Targets');
    assert.equal(await agentInstalled(intervals.inspectorUrl), false, 'agent left in forgotten-interval after Detach from All Targets');
  });

  test('a second client on the same target (the CLI, as another editor would be): its detach does not stop this one', async () => {
    const fixture = await start('unreceived-send');
    const id = await vscode.commands.executeCommand<string | undefined>('asyncLeakLens.attachByAddress', String(fixture.inspectorPort));
    assert.ok(id, 'attach failed');
    const target = api.targets.get(id)!;
    const cli = (...args: string[]) =>
      promisify(execFile)(process.execPath, [join(repoRoot(), 'dist', 'cli.js'), ...args, '--target', String(fixture.inspectorPort)], {
        timeout: 30_000,
      });
    await cli('snapshot');
    const notices: string[] = [];
    target.session.on('notice', (text) => notices.push(text));
    await cli('detach');
    await eventually(() => notices.length > 0, 15_000, 'a notice that the agent was put back');
    assert.match(notices[0], /injected again/);
    await driveLoad(fixture.port, { requests: 10, concurrency: 2 });
    await eventually(
      () => (target.samples.at(-1)?.counts.PROMISE ?? 0) >= 10,
      15_000,
      () => `samples after the other client left: ${JSON.stringify(target.samples.at(-1)?.counts)}`,
    );
    assert.equal(target.isEnded, false);
    await vscode.commands.executeCommand('asyncLeakLens.detach', id);
    assert.equal(await agentInstalled(fixture.inspectorUrl), false, 'the last client removed the agent');
  });

  test('Node processes are listed with their inspector; attach to one by pid', async () => {
    const [open, closed] = await Promise.all([start('queue-workers'), start('forgotten-interval', { inspect: false })]);
    const processes = await listNodeProcesses();
    const describe = () => JSON.stringify(processes.slice(0, 20), null, 1);
    const openEntry = processes.find((p) => p.pid === open.pid);
    const closedEntry = processes.find((p) => p.pid === closed.pid);
    assert.ok(openEntry, `pid ${open.pid} (queue-workers) is not listed: ${describe()}`);
    assert.ok(closedEntry, `pid ${closed.pid} (forgotten-interval) is not listed: ${describe()}`);
    assert.equal(openEntry.inspector, `127.0.0.1:${open.inspectorPort}`);
    assert.equal(closedEntry.inspector, undefined);
    assert.match(closedEntry.commandLine, /forgotten-interval[\\/]server\.js/);
    assert.equal(
      processes.find((p) => p.pid === process.pid),
      undefined,
      'the extension host lists itself',
    );

    const id = await vscode.commands.executeCommand<string | undefined>('asyncLeakLens.attachToProcess', open.pid);
    assert.ok(id, 'Attach to Node Process answered no target');
    const target = api.targets.get(id)!;
    assert.equal(target.pid, open.pid);
    assert.equal(target.source, 'process');
    // The same name as when attached by address (not the command line).
    assert.equal(target.label, `server.js · pid ${open.pid}`);
    await eventually(() => target.samples.length > 0, 15_000, 'a first count sample');
  });
});
