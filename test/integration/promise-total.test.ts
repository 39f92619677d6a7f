// The PROMISE type total on real targets while stacks are sampled (a low budget makes sure they
// are, even on a slow machine). A busy healthy server makes promises that become garbage without
// settling (the losing timer of each Promise.race): after a full GC its total must come back to
// where it started, snapshot after snapshot, instead of drifting up. A leak's total must still grow.
// Promises reach the agent through async_hooks on Node 18/20 and through V8's promise hooks on
// Node 24: the healthy server runs on the Node running the tests and on Node 24 when installed.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Snapshot } from '../../src/core/sites/model';
import { Session } from '../../src/core/inspector/session';
import { driveLoad, repoRoot, startFixture, type RunningFixture } from '../support/fixtures';

/** Stack captures per second and type: low enough that a busy server is sampled (weights > 1). */
const SAMPLED = { agent: { stackCapturesPerSecond: 100 } };
const ROUNDS = 8;
const REQUESTS_PER_ROUND = 100;
/** Nothing is pending once the load is over; one left-over sample would count for hundreds here. */
const FLAT_WITHIN = 50;

const promises = (snapshot: Snapshot) => snapshot.totals.PROMISE ?? 0;
const node24 = join(repoRoot(), '.cache', 'node-versions', '24', 'node_modules', 'node', 'bin', 'node');

describe('PROMISE total while stacks are sampled', () => {
  const running: RunningFixture[] = [];
  after(() => Promise.all(running.map((f) => f.stop())));

  async function healthyStaysFlat(node?: string): Promise<void> {
    const target = await startFixture('healthy-server', { node });
    running.push(target);
    await driveLoad(target.port, { requests: 20, concurrency: 5 }); // one-off costs: pools, lazy modules
    const session = await Session.attach(target.inspectorUrl, SAMPLED);
    try {
      const start = promises(await session.snapshot());
      const totals: number[] = [];
      const rates: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const load = await driveLoad(target.port, { requests: REQUESTS_PER_ROUND, concurrency: 10, timeoutMs: 5000 });
        assert.equal(load.ok, REQUESTS_PER_ROUND, `load failed: ${JSON.stringify(load)}`);
        await new Promise((r) => setTimeout(r, 200)); // the last responses' promises settle
        const snapshot = await session.snapshot();
        totals.push(promises(snapshot));
        rates.push(snapshot.stats.samplingRate.PROMISE ?? 1);
      }
      const seen = `start ${start}, after each ${REQUESTS_PER_ROUND} requests: ${totals.join(' ')} (sampling rates ${rates.map((r) => r.toPrecision(2)).join(' ')})`;
      assert.ok(Math.min(...rates) < 0.5, `stacks were not sampled, so this did not test estimates: ${seen}`);
      for (const total of totals) assert.ok(Math.abs(total - start) <= FLAT_WITHIN, `PROMISE total drifted: ${seen}`);
    } finally {
      await session.detach();
    }
  }

  const healthy = `a busy healthy server's total stays flat over ${ROUNDS * REQUESTS_PER_ROUND} requests (GC'd snapshots)`;
  test(`${healthy}, Node ${process.versions.node}`, () => healthyStaysFlat());
  test(`${healthy}, Node 24`, { skip: !existsSync(node24) && 'Node 24 not installed: run node scripts/install-node-versions.mjs' }, () =>
    healthyStaysFlat(node24),
  );

  test('a leaking server still shows its total grow', async () => {
    const target = await startFixture('unreceived-send');
    running.push(target);
    const session = await Session.attach(target.inspectorUrl, SAMPLED);
    try {
      const before = promises(await session.snapshot());
      const requests = 200;
      const load = await driveLoad(target.port, { requests, concurrency: 10, timeoutMs: 5000 });
      assert.equal(load.ok, requests, `load failed: ${JSON.stringify(load)}`);
      const after = await session.snapshot();
      // At least the suspended sender of each request (its await) is pending, estimated from samples.
      assert.ok(
        promises(after) - before >= requests * 0.7,
        `PROMISE total grew by ${promises(after) - before} for ${requests} leaked senders`,
      );
    } finally {
      await session.detach();
    }
  });
});
