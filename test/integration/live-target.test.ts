// The live loop both front ends render (core/growth/live-target.ts), on a real target: site reads never
// overlap, a read asked for while a timed one is under way (what growth detection does to get a
// snapshot after a full GC, or the user's Take Snapshot) follows it and is applied after it, and
// a lost target ends the loop.
// Each site read is slowed down here (the light, timed ones more than the GC'd ones), so a loop
// that started the GC'd read beside the timed one would have both in flight and apply them in
// the order they finished, not the order they were taken.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveTarget } from '../../src/core/growth/live-target';
import type { Snapshot } from '../../src/core/sites/model';
import { Session, type SnapshotOptions } from '../../src/core/inspector/session';
import { startFixture, type RunningFixture } from '../support/fixtures';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Wraps session.snapshot: counts reads in flight and delays answers (light reads by lightDelayMs). */
function slowReads(session: Session, lightDelayMs: number) {
  const original = session.snapshot.bind(session);
  const reads: { collectGarbage: boolean; startedAt: number }[] = [];
  const state = { inFlight: 0, maxInFlight: 0, lightInFlight: false, reads };
  session.snapshot = async (options: SnapshotOptions = {}): Promise<Snapshot> => {
    const collectGarbage = options.collectGarbage ?? true;
    reads.push({ collectGarbage, startedAt: Date.now() });
    state.inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    if (!collectGarbage) state.lightInFlight = true;
    try {
      const snapshot = await original(options);
      await sleep(collectGarbage ? 20 : lightDelayMs);
      return snapshot;
    } finally {
      state.inFlight--;
      if (!collectGarbage) state.lightInFlight = false;
    }
  };
  return state;
}

describe('live target loop on a real target', () => {
  const running: RunningFixture[] = [];
  after(() => Promise.all(running.map((f) => f.stop())));

  test('a GC read asked for during a timed read follows it: never two reads at once, applied in order', async () => {
    const fixture = await startFixture('forgotten-interval');
    running.push(fixture);
    const session = await Session.attach(fixture.inspectorUrl);
    const reads = slowReads(session, 400);
    const live = new LiveTarget(session, { sitesEveryMs: 150, growth: { warmupMs: 0, windowMs: 8000 } });
    const applied: { takenAt: number; collected: boolean }[] = [];
    live.on('sites', (snapshot, collected) => applied.push({ takenAt: Date.parse(snapshot.takenAt), collected }));
    try {
      live.start(200);
      const answers: Promise<Snapshot | undefined>[] = [];
      for (let round = 0; round < 3; round++) {
        // Growth detection asks for its GC'd read the same way, from a sample or a site read.
        await until('a timed site read under way', () => reads.lightInFlight);
        const readsBefore = reads.reads.length;
        answers.push(live.readSites(true));
        await until('the GC read', () => reads.reads.slice(readsBefore).some((r) => r.collectGarbage));
        await until('the GC read applied', () => applied.some((a) => a.collected && a.takenAt >= reads.reads[readsBefore].startedAt));
      }
      const snapshots = await Promise.all(answers);
      assert.equal(reads.maxInFlight, 1, `site reads overlapped: ${JSON.stringify(reads.reads)}`);
      const order = applied.map((a) => a.takenAt);
      assert.deepEqual(
        order,
        [...order].sort((a, b) => a - b),
        `reads applied out of order: ${JSON.stringify(applied)}`,
      );
      assert.equal(applied.filter((a) => a.collected).length, 3, 'one GC read per request');
      for (const snapshot of snapshots)
        assert.ok(snapshot && live.latestSites && Date.parse(snapshot.takenAt) <= Date.parse(live.latestSites.takenAt));
    } finally {
      live.stop();
      await session.detach();
    }
  });

  test('reads asked for while one is under way share the next read', async () => {
    const fixture = await startFixture('forgotten-interval');
    running.push(fixture);
    const session = await Session.attach(fixture.inspectorUrl);
    const reads = slowReads(session, 300);
    const live = new LiveTarget(session, { sitesEveryMs: 60_000, growth: {} });
    try {
      live.start(1000);
      await until('the first site read under way', () => reads.lightInFlight);
      const [a, b, c] = await Promise.all([live.readSites(), live.readSites(true), live.readSites()]);
      assert.equal(reads.reads.length, 2, `one read under way and one after it: ${JSON.stringify(reads.reads)}`);
      assert.equal(reads.reads[1].collectGarbage, true, 'the shared read runs the GC one of them asked for');
      assert.ok(a && a === b && b === c);
      assert.equal(reads.maxInFlight, 1);
    } finally {
      live.stop();
      await session.detach();
    }
  });

  test('a snapshot the user takes during a timed read follows it, keeps its label and is applied in order', async () => {
    const fixture = await startFixture('forgotten-interval');
    running.push(fixture);
    const session = await Session.attach(fixture.inspectorUrl);
    const reads = slowReads(session, 400);
    const live = new LiveTarget(session, { sitesEveryMs: 150, growth: {} });
    const applied: { takenAt: number; label?: string }[] = [];
    live.on('sites', (snapshot) => applied.push({ takenAt: Date.parse(snapshot.takenAt), label: snapshot.label }));
    try {
      live.start(200);
      await until('a timed site read under way', () => reads.lightInFlight);
      const snapshot = await live.snapshot({ label: 'after load', collectGarbage: true });
      assert.equal(snapshot.label, 'after load');
      assert.equal(reads.maxInFlight, 1, `the snapshot ran beside a site read: ${JSON.stringify(reads.reads)}`);
      assert.deepEqual(
        reads.reads.slice(-1).map((r) => r.collectGarbage),
        [true],
      );
      assert.equal(live.latestSites, snapshot, 'applied as the latest site data');
      const order = applied.map((a) => a.takenAt);
      assert.deepEqual(
        order,
        [...order].sort((a, b) => a - b),
      );
    } finally {
      live.stop();
      await session.detach();
    }
  });

  test('a lost target ends the loop with its reason; later reads answer undefined', async () => {
    const fixture = await startFixture('forgotten-interval');
    running.push(fixture);
    const session = await Session.attach(fixture.inspectorUrl);
    const live = new LiveTarget(session, { sitesEveryMs: 100, growth: {} });
    const ended = new Promise<string>((resolve) => live.once('end', resolve));
    let readsAfterEnd = 0;
    live.start(100);
    await new Promise((resolve) => live.once('sites', resolve));
    await fixture.stop();
    const reason = await ended;
    live.on('sites', () => readsAfterEnd++);
    assert.notEqual(reason, 'detached');
    assert.match(reason, /gone|Lost/);
    assert.equal(live.isEnded, true);
    assert.equal(await live.readSites(true), undefined);
    await sleep(300);
    assert.equal(readsAfterEnd, 0);
  });
});
