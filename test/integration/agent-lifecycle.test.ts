// The agent inside a real target: one hook however often it is injected, nothing left after
// detach, and the user's own stack-trace settings untouched.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { agentPresentExpression } from '../../src/core/inspector/agent-expressions';
import { InspectorConnection } from '../../src/core/inspector/inspector-connection';
import { Session } from '../../src/core/inspector/session';
import { driveLoad, startFixture, type RunningFixture } from '../support/fixtures';

async function evaluate(connection: InspectorConnection, expression: string): Promise<unknown> {
  const answer = await connection.main.send<{ result: { value: unknown } }>('Runtime.evaluate', {
    expression,
    returnByValue: true,
    includeCommandLineAPI: true,
  });
  return answer.result.value;
}

/** Five frames deep, so a stackTraceLimit of 3 shows. */
const DEEP_STACK = `(function a() { return (function b() { return (function c() { return (function d() { return new Error('x').stack; })(); })(); })(); })()`;
const AGENT_PRESENT = agentPresentExpression;

describe('agent lifecycle in a real target', () => {
  let target: RunningFixture;
  let probe: InspectorConnection;
  after(async () => {
    await probe?.close();
    await target?.stop();
  });

  test('injecting twice keeps one agent; detach removes it and its hooks', async () => {
    target = await startFixture('unreceived-send');
    probe = await InspectorConnection.open(target.inspectorUrl);
    const first = await Session.attach(target.inspectorUrl);
    const second = await Session.attach(target.inspectorUrl);
    assert.equal(first.info.reused, false);
    assert.equal(second.info.reused, true, 'the second injection reuses the first agent');
    await driveLoad(target.port, { requests: 10, concurrency: 2 });
    const a = await first.snapshot({ collectGarbage: false });
    const b = await second.snapshot({ collectGarbage: false });
    const blockedOf = (snapshot: typeof a) => snapshot.sites.filter((s) => s.kind === 'blocked').map((s) => [s.id, s.count]);
    assert.deepEqual(blockedOf(a), blockedOf(b), 'both sessions see the same agent');
    assert.equal(blockedOf(a)[0]?.[1], 10);
    assert.equal(await evaluate(probe, `Object.keys(globalThis).some((k) => k.includes('Leak'))`), false, 'no enumerable global');

    await second.disconnect();
    await first.detach();
    assert.equal(await evaluate(probe, AGENT_PRESENT), false, 'agent gone after detach');
    // A new agent starts from nothing: the old hooks are not feeding anything any more.
    const fresh = await Session.attach(target.inspectorUrl);
    assert.equal(fresh.info.reused, false);
    const empty = await fresh.snapshot();
    assert.equal(empty.sites.length, 0, 'nothing tracked from before the new attach');
    await fresh.detach();
  });

  test("the user's Error.prepareStackTrace and stackTraceLimit keep working while tracked", async () => {
    await evaluate(probe, `Error.stackTraceLimit = 3; Error.prepareStackTrace = (error, sites) => 'custom:' + sites.length; 0`);
    const session = await Session.attach(target.inspectorUrl);
    await driveLoad(target.port, { requests: 20, concurrency: 4 });
    const snapshot = await session.snapshot();
    assert.ok(
      snapshot.sites.some((s) => s.kind === 'blocked' && s.count >= 20),
      'still tracking with stacks',
    );
    assert.ok(snapshot.sites[0].stack.length > 3, 'our captures use their own depth');
    assert.equal(await evaluate(probe, DEEP_STACK), 'custom:3');
    await session.detach();
    assert.equal(await evaluate(probe, DEEP_STACK), 'custom:3');
    assert.equal(await evaluate(probe, 'Error.stackTraceLimit'), 3);
  });
});
