// Live growth detection on real targets, as the extension runs it (TargetGrowth): light snapshots
// (no GC) every 250 ms and count samples while load runs, and a snapshot with a full GC when
// growth detection asks to confirm a suspect. A leak is flagged at its marked line; a busy
// healthy server is not (its garbage promises pile up between GCs, and the GC clears them).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from '../../src/core/inspector/session';
import { TargetGrowth } from '../../src/core/growth/target-growth';
import { driveLoad, findMarker, startFixture, type RunningFixture } from '../support/fixtures';

const OPTIONS = { windowMs: 8000, warmupMs: 1000, minPoints: 12 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Feeds TargetGrowth for `durationMs` while `load` runs; returns it and how many GCs it asked for. */
async function observe(fixture: RunningFixture, durationMs: number, load: (stop: () => boolean) => Promise<void>) {
  const session = await Session.attach(fixture.inspectorUrl);
  let verifyAsked = false;
  let verifications = 0;
  const growth = new TargetGrowth(OPTIONS, () => (verifyAsked = true));
  const end = Date.now() + durationMs;
  try {
    const loading = load(() => Date.now() >= end);
    while (Date.now() < end) {
      growth.observeSites(await session.snapshot({ collectGarbage: false }));
      growth.observeSample(await session.poll());
      if (verifyAsked) {
        verifyAsked = false;
        verifications++;
        growth.observeSites(await session.snapshot({ collectGarbage: true }), true);
        growth.observeSample(await session.poll());
      }
      await sleep(250);
    }
    await loading;
  } finally {
    await session.detach();
  }
  return { growth, verifications };
}

describe('live growth detection on real targets', () => {
  const running: RunningFixture[] = [];
  after(() => Promise.all(running.map((f) => f.stop())));

  /** Two requests every 0.2 s against `name`; its marked line must be flagged, with a rate. */
  async function flagsMarkedLine(name: string) {
    const fixture = await startFixture(name);
    running.push(fixture);
    const marker = findMarker(name);
    const { growth, verifications } = await observe(fixture, 11_000, async (stop) => {
      while (!stop()) {
        await driveLoad(fixture.port, { requests: 2, concurrency: 1 });
        await sleep(200);
      }
    });
    const describeAll = growth.growingSites.map((g) => `${g.site.frame.file}:${g.site.frame.line} ${g.rateText}`).join('\n');
    // The marked line is flagged (a leak may grow at more than one line at the same rate: the
    // channel's promise where it is created, the task where it blocks).
    const top = growth.growingSites.find((g) => g.site.frame.file === marker.file && g.site.frame.line === marker.line);
    assert.ok(top, `the marked line ${marker.line} is not flagged (${verifications} GC checks):\n${describeAll}`);
    assert.equal(top.site.kind, marker.kind);
    assert.ok(top.ratePerMinute > 60, `rate ${top.rateText}`);
    assert.match(top.rateText, /^\+\d+(\.\d)? pending per minute$/);
    assert.ok(verifications >= 1, 'confirmed by a snapshot after a full GC');
    await fixture.stop();
    return { growth, describeAll };
  }

  test('a steady leak is flagged at its marked line, with a rate', async (t) => {
    const { growth, describeAll } = await flagsMarkedLine('forgotten-interval');
    t.diagnostic(`flagged ${describeAll}`);
    assert.ok(
      growth.growingTypes.some((g) => g.type === 'Timeout'),
      `Timeout type not flagged: ${JSON.stringify(growth.growingTypes.map((g) => g.type))}`,
    );
  });

  test('tasks piling up at an await are flagged at that line', async (t) => {
    const { describeAll } = await flagsMarkedLine('unreceived-send');
    t.diagnostic(`flagged ${describeAll}`);
  });

  test('a busy healthy server under bursts of load is not flagged', async (t) => {
    const fixture = await startFixture('healthy-server');
    running.push(fixture);
    const { growth, verifications } = await observe(fixture, 11_000, async (stop) => {
      while (!stop()) {
        await driveLoad(fixture.port, { requests: 30, concurrency: 10 });
        await sleep(700);
      }
    });
    const flagged = growth.growingSites.map((g) => `${g.site.kind} ${g.site.type} ${g.site.frame.file}:${g.site.frame.line} ${g.reason}`);
    t.diagnostic(`${verifications} suspects cleared by a snapshot after a full GC`);
    assert.deepEqual(flagged, [], `sites flagged on a healthy server (${verifications} GC checks)`);
    assert.deepEqual(
      growth.growingTypes.map((g) => `${g.type}: ${g.reason}`),
      [],
      'types flagged on a healthy server',
    );
    await fixture.stop();
  });
});
