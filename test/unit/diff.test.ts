import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffSnapshots, topGrowing } from '../../src/core/sites/diff';
import { frame, site, snapshot } from './core-test-data';

test('sites are matched by id: before, after and delta per site', () => {
  const grows = (count: number) => site({ kind: 'blocked', at: frame('src/sender.ts', 39, 11, 'send'), count, oldestAgeMs: count * 10 });
  const steady = (count: number) => site({ type: 'Timeout', at: frame('src/poll.ts', 3, 5, 'startPolling'), count });
  const diff = diffSnapshots(snapshot([grows(3), steady(2)]), snapshot([steady(2), grows(103)]));

  assert.equal(diff.sites.length, 2);
  const [first, second] = diff.sites;
  assert.equal(first.id, grows(0).id);
  assert.deepEqual([first.before, first.after, first.delta], [3, 103, 100]);
  assert.equal(first.oldestAgeMs, 1030, 'the newest site data is carried');
  assert.equal(second.id, steady(0).id);
  assert.deepEqual([second.before, second.after, second.delta], [2, 2, 0]);
});

test('a site only in one snapshot counts 0 in the other', () => {
  const gone = site({ type: 'TCPWRAP', at: frame('src/client.ts', 20, 7, 'connect'), count: 4 });
  const added = site({ at: frame('src/new.ts', 1, 1, 'fresh'), count: 6 });
  const diff = diffSnapshots(snapshot([gone]), snapshot([added]));

  const byId = new Map(diff.sites.map((s) => [s.id, s]));
  assert.deepEqual([byId.get(added.id)?.before, byId.get(added.id)?.after, byId.get(added.id)?.delta], [0, 6, 6]);
  const vanished = byId.get(gone.id);
  assert.deepEqual([vanished?.before, vanished?.after, vanished?.delta], [4, 0, -4]);
  assert.deepEqual(vanished?.frame, gone.frame, 'a vanished site keeps its last known data');
  assert.deepEqual(
    diff.sites.map((s) => s.id),
    [added.id, gone.id],
    'growth first, shrinking last',
  );
});

test('among equal growth: blocked-at in user code, then user code, then larger count, then id', () => {
  const user = (file: string) => frame(`src/${file}`, 10, 3, 'f');
  const lib = (file: string) => frame(`/srv/app/node_modules/lib/${file}`, 10, 3, 'g');
  const libraryBlocked = site({ kind: 'blocked', at: lib('a.js'), count: 50 });
  const libraryCreated = site({ at: lib('b.js'), count: 60 });
  const userCreated = site({ at: user('c.ts'), count: 10 });
  const userBlocked = site({ kind: 'blocked', at: user('d.ts'), count: 10 });
  const userCreatedMore = site({ at: user('e.ts'), count: 40 });
  const tieA = site({ at: lib('tie1.js'), count: 60 });
  const biggerGrowth = site({ at: lib('big.js'), count: 1000 });
  const all = [libraryBlocked, libraryCreated, userCreated, userBlocked, userCreatedMore, tieA, biggerGrowth];

  const before = snapshot(all.map((s) => ({ ...s, count: s === biggerGrowth ? 0 : s.count - 10 })));
  const after = snapshot(all);
  const order = diffSnapshots(before, after).sites.map((s) => s.id);

  const [tieFirst, tieSecond] = [libraryCreated.id, tieA.id].sort();
  assert.deepEqual(order, [
    biggerGrowth.id, // largest delta wins over everything
    userBlocked.id, // blocked at, user code
    userCreatedMore.id, // user code, larger after count
    userCreated.id,
    tieFirst, // library sites with equal after counts: by id
    tieSecond,
    libraryBlocked.id, // blocked-at outside user code ranks like any library site
  ]);
  // The order does not depend on the input order.
  const reversed = diffSnapshots(snapshot([...before.sites].reverse()), snapshot([...after.sites].reverse()));
  assert.deepEqual(
    reversed.sites.map((s) => s.id),
    order,
  );
});

test('totals per type cover types present on either side', () => {
  const before = snapshot([], { totals: { PROMISE: 10, Timeout: 2 } });
  const after = snapshot([], { totals: { PROMISE: 130, TCPWRAP: 1 } });
  assert.deepEqual(diffSnapshots(before, after).totals, {
    PROMISE: { before: 10, after: 130, delta: 120 },
    TCPWRAP: { before: 0, after: 1, delta: 1 },
    Timeout: { before: 2, after: 0, delta: -2 },
  });
});

test('labels and times of both snapshots are kept', () => {
  const diff = diffSnapshots(snapshot([], { label: 'idle' }), snapshot([], { takenAt: '2026-11-26T14:05:00.000Z' }));
  assert.deepEqual(diff.before, { takenAt: '2026-11-26T14:00:00.000Z', label: 'idle' });
  assert.deepEqual(diff.after, { takenAt: '2026-11-26T14:05:00.000Z' });
});

test('duplicate ids within one snapshot are merged, not lost', () => {
  const a = site({ at: frame('src/a.ts', 1, 1, 'a'), count: 3 });
  const diff = diffSnapshots(snapshot([]), snapshot([a, { ...a, count: 4 }]));
  assert.equal(diff.sites.length, 1);
  assert.equal(diff.sites[0].after, 7);
});

test('topGrowing returns only sites that grew, at most n', () => {
  const sites = [5, 0, 8, -2, 1].map((delta, i) => ({ delta, s: site({ at: frame(`src/f${i}.ts`, 1, 1, 'f'), count: 10 + delta }) }));
  const diff = diffSnapshots(snapshot(sites.map(({ s }) => ({ ...s, count: 10 }))), snapshot(sites.map(({ s }) => s)));
  assert.deepEqual(
    topGrowing(diff, 2).map((s) => s.delta),
    [8, 5],
  );
  assert.deepEqual(
    topGrowing(diff, 10).map((s) => s.delta),
    [8, 5, 1],
  );
  assert.deepEqual(topGrowing(diffSnapshots(snapshot([]), snapshot([])), 3), []);
});

test('abandoned: sites with abandoned tasks on either side, by growth, blocked user code first on ties', () => {
  const fanout = { ...site({ kind: 'blocked', at: frame('server.js', 41, 11, 'queryMirror'), count: 0 }), abandoned: 60 };
  const holder = { ...site({ kind: 'blocked', at: frame('pool.js', 57, 19, 'refreshCache'), count: 2 }), abandoned: 4 };
  const lib = { ...site({ kind: 'blocked', at: frame('/srv/app/node_modules/q/index.js', 9, 3, 'take'), count: 0 }), abandoned: 60 };
  const pending = site({ at: frame('queue.js', 30, 16, 'next'), count: 9 });
  const before = snapshot([{ ...fanout, abandoned: 10 }, { ...holder }, { ...lib, abandoned: 10 }, pending]);
  const after = snapshot([fanout, holder, lib, { ...pending, count: 20 }]);
  const diff = diffSnapshots(before, after);
  assert.deepEqual(
    diff.abandoned.map((s) => [s.frame.function, s.before, s.after, s.delta]),
    [
      ['queryMirror', 10, 60, 50],
      ['take', 10, 60, 50],
      ['refreshCache', 4, 4, 0],
    ],
  );
  // Pending counts are untouched by abandoned ones.
  assert.deepEqual(diff.sites.find((s) => s.frame.function === 'next')?.delta, 11);
  assert.equal(diff.sites.find((s) => s.frame.function === 'queryMirror')?.delta, 0);
});
