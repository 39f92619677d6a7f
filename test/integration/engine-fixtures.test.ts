// Every leaky fixture, attached through a real inspector: snapshot, load, snapshot, diff.
// The top growing site must be the fixture's marked line; the healthy server must show none.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { diffSnapshots } from '../../src/core/sites/diff';
import type { SnapshotDiff } from '../../src/core/sites/model';
import { Session } from '../../src/core/inspector/session';
import { driveLoad, findMarker, listFixtures, startFixture, type RunningFixture } from '../support/fixtures';

const REQUESTS = 50;

async function loadAndDiff(fixture: RunningFixture, requests = REQUESTS, settleMs = 300): Promise<SnapshotDiff> {
  const session = await Session.attach(fixture.inspectorUrl);
  try {
    const before = await session.snapshot({ label: 'before' });
    const load = await driveLoad(fixture.port, { requests, concurrency: 10, timeoutMs: 5000 });
    assert.equal(load.failed, 0, `load failed: ${JSON.stringify(load)}`);
    await new Promise((r) => setTimeout(r, settleMs)); // let finished work settle
    const after = await session.snapshot({ label: 'after' });
    return diffSnapshots(before, after);
  } finally {
    await session.detach();
  }
}

function describeTop(diff: SnapshotDiff): string {
  return diff.sites
    .slice(0, 5)
    .map((s) => `${s.delta > 0 ? '+' : ''}${s.delta} ${s.kind} ${s.type} ${s.frame.file}:${s.frame.line} (${s.frame.function})`)
    .join('\n');
}

describe('engine finds the leaking line of every fixture', () => {
  const running: RunningFixture[] = [];
  after(async () => {
    await Promise.all(running.map((f) => f.stop()));
  });

  for (const fixture of listFixtures().filter((f) => f.expected === 'blocked' || f.expected === 'created')) {
    test(fixture.name, async () => {
      const marker = findMarker(fixture.name);
      const target = await startFixture(fixture.name);
      running.push(target);
      const diff = await loadAndDiff(target);
      const top = diff.sites[0];
      assert.ok(top && top.delta >= REQUESTS * 0.8, `no site grew by ~${REQUESTS}:\n${describeTop(diff)}`);
      assert.equal(
        `${top.frame.file}:${top.frame.line}`,
        `${marker.file}:${marker.line}`,
        `top growing site is not the marked line:\n${describeTop(diff)}`,
      );
      assert.equal(top.kind, marker.kind, `expected a ${marker.kind} site:\n${describeTop(diff)}`);
      assert.equal(top.userCode, true);
      assert.ok(top.stack.length > 0, 'the site has an example stack');
      if (fixture.name === 'worker-leak') assert.notEqual(top.thread, 0, 'the site says it lives in the worker thread');
      await target.stop();
    });
  }

  test('healthy-server shows no growth once load settles', async () => {
    const target = await startFixture('healthy-server');
    running.push(target);
    // Warm up first: one-off costs (caches, pools, lazy modules) are not leaks.
    await driveLoad(target.port, { requests: 20, concurrency: 5 });
    // Keep-alive sockets and their idle timers live on for IDLE_SOCKET_MS (1 s) after the load.
    const diff = await loadAndDiff(target, 100, 1800);
    const grown = diff.sites.filter((s) => s.userCode && s.delta > 0);
    assert.deepEqual(
      grown.map((s) => `${s.frame.file}:${s.frame.line} +${s.delta}`),
      [],
      `healthy server grew:\n${describeTop(diff)}`,
    );
    await target.stop();
  });
});
