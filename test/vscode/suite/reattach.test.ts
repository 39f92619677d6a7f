// A program restarted on the same inspector port (nodemon style): the lost target is offered
// again, Attach Again waits for the new process and attaches to it, "always" does it unasked,
// and a port where nothing comes back fails within the wait.
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as vscode from 'vscode';
import { eventually, lensApi } from '../support/attach-helpers';
import { driveLoad, startFixture, type RunningFixture } from '../../support/fixtures';

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

suite('attach again after a restart', function () {
  this.timeout(90_000);
  const running: RunningFixture[] = [];
  const settings = () => vscode.workspace.getConfiguration('asyncLeakLens');
  /** The fixture on a fixed inspector port, as a restarted program would be. */
  const start = async (inspectorPort: number) => {
    const fixture = await startFixture('queue-workers', { inspect: false, execArgv: [`--inspect=127.0.0.1:${inspectorPort}`] });
    running.push(fixture);
    return fixture;
  };

  teardown(async () => {
    await settings().update('reattach', undefined, vscode.ConfigurationTarget.Global);
    await (await lensApi()).targets.detachAll();
    await Promise.all(running.splice(0).map((f) => f.stop()));
  });

  test('ask: the lost target is offered; Attach Again waits for the restarted program and attaches to it', async () => {
    const api = await lensApi();
    const inspectorPort = await freePort();
    const first = await start(inspectorPort);
    const id = await vscode.commands.executeCommand<string | undefined>('asyncLeakLens.attachByAddress', String(inspectorPort));
    assert.ok(id, 'attach failed');
    await first.stop();
    const offer = await eventually(() => api.reattach.offered.find((o) => o.targetId === id), 10_000, 'an offer to attach again');
    assert.equal(offer.address, `127.0.0.1:${inspectorPort}`);
    assert.match(offer.reason, /is gone/);

    const again = vscode.commands.executeCommand<string | undefined>('asyncLeakLens.reattach', {
      address: offer.address,
      timeoutMs: 30_000,
    });
    await new Promise((r) => setTimeout(r, 1000));
    const second = await start(inspectorPort);
    const newId = await again;
    assert.ok(newId, 'Attach Again attached nothing');
    const target = api.targets.get(newId)!;
    assert.equal(target.pid, second.pid);
    await driveLoad(second.port, { requests: 3, concurrency: 1 });
    await eventually(() => (target.samples.at(-1)?.counts.PROMISE ?? 0) >= 3, 10_000, 'samples from the restarted program');
  });

  test('always: a restarted program is attached unasked; nothing on the port fails within the wait', async () => {
    const api = await lensApi();
    await settings().update('reattach', 'always', vscode.ConfigurationTarget.Global);
    const inspectorPort = await freePort();
    const first = await start(inspectorPort);
    const id = await vscode.commands.executeCommand<string | undefined>('asyncLeakLens.attachByAddress', String(inspectorPort));
    assert.ok(id, 'attach failed');
    await first.stop();
    const second = await start(inspectorPort);
    const target = await eventually(() => api.targets.list().find((t) => t.pid === second.pid), 20_000, 'the restarted program attached');
    assert.notEqual(target.id, id);

    const nowhere = await freePort();
    const started = Date.now();
    assert.equal(
      await vscode.commands.executeCommand('asyncLeakLens.reattach', { address: `127.0.0.1:${nowhere}`, timeoutMs: 1500 }),
      undefined,
    );
    assert.ok(Date.now() - started < 6000, 'the wait is bounded');
  });
});
