import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CountSample, Snapshot } from '../../src/core/sites/model';
import { TreeModel, type LensNode, type TreeData, type TreeSnapshot, type TreeTarget } from '../../src/extension/tree/tree-model';
import { frame, site, snapshot } from './core-test-data';

function sample(t: number, counts: Record<string, number>): CountSample {
  return { t, counts, total: Object.values(counts).reduce((a, b) => a + b, 0) };
}

function data(targets: TreeTarget[], snapshots: TreeSnapshot[] = []): TreeData {
  return { targets: () => targets, snapshots: () => snapshots };
}

function target(overrides: Partial<TreeTarget> = {}): TreeTarget {
  return { id: 'target-1', label: 'pid 4242', samples: [], latestSites: undefined, previousSites: undefined, ...overrides };
}

const labels = (model: TreeModel, nodes: LensNode[]) => nodes.map((n) => model.present(n).label);

const blocked = (count: number, sampled = count) => ({
  ...site({ kind: 'blocked', at: frame('src/workers.ts', 41, 20, 'runWorker'), count }),
  sampled,
});
const created = (count: number) => site({ kind: 'created', at: frame('src/queue.ts', 30, 16, 'next'), count });
const timer = (count: number) => site({ type: 'Timeout', at: frame('src/poll.ts', 3, 5, 'startPolling'), count });

test('an empty tree has no roots (so the welcome content shows); the Snapshots section appears with the first snapshot', () => {
  assert.deepEqual(new TreeModel(data([]), { sitesPerType: 50 }).roots(), []);
  const stored: TreeSnapshot = { id: 'snapshot-1', name: '14:00:00 before', origin: 'pid 4242', snapshot: snapshot([created(2)]) };
  const model = new TreeModel(data([], [stored]), { sitesPerType: 50 });
  assert.deepEqual(model.roots(), [{ kind: 'snapshots' }]);
  assert.deepEqual(labels(model, model.children({ kind: 'snapshots' })), ['14:00:00 before']);
});

test("a target lists its resource types by count, with the one trend rule's arrow (jitter of 1 is steady)", () => {
  const samples = [
    sample(1000, { PROMISE: 10, Timeout: 4, TCPWRAP: 2 }),
    ...[2, 3, 4, 5, 6].map((s) => sample(s * 1000, { PROMISE: 10 + s * 10, Timeout: 4, TCPWRAP: 1 })),
  ];
  const model = new TreeModel(data([target({ samples })]), { sitesPerType: 50 });
  const types = model.children({ kind: 'target', targetId: 'target-1' });
  assert.deepEqual(labels(model, types), ['PROMISE', 'Timeout', 'TCPWRAP']);
  assert.deepEqual(
    types.map((t) => model.present(t).description),
    ['70 ↑', '4 →', '1 →'],
  );
  const targetItem = model.present({ kind: 'target', targetId: 'target-1' });
  assert.match(targetItem.description!, /^75 pending ↑ · reading sites…$/);
});

test('a type lists its sites, largest first, blocked-at and created-at told apart', () => {
  const latest = snapshot([created(100), blocked(100), timer(1)]);
  const model = new TreeModel(data([target({ samples: [sample(1, { PROMISE: 200, Timeout: 1 })], latestSites: latest })]), {
    sitesPerType: 50,
  });
  const sites = model.children({ kind: 'type', source: { from: 'target', targetId: 'target-1' }, type: 'PROMISE' });
  const shown = sites.map((s) => model.present(s));
  // Equal counts: the blocked-at site in user code first (the line to fix).
  // Count and line first, so a narrow sidebar still shows them.
  assert.deepEqual(
    shown.map((p) => p.label),
    ['100 · workers.ts:41 blocked', '100 · queue.ts:30 created'],
  );
  assert.deepEqual(
    shown.map((p) => p.icon),
    ['blocked', 'created'],
  );
  assert.equal(shown[0].description, 'blocked at /srv/app/src/workers.ts:41:20 · runWorker');
  assert.deepEqual(shown[0].open, frame('src/workers.ts', 41, 20, 'runWorker'));
  assert.equal(shown[0].alarming, false, 'no previous reading, nothing is flagged yet');
});

test('a site counted from sampled stacks says it is an estimate', () => {
  const model = new TreeModel(data([target({ latestSites: snapshot([blocked(4000, 250)]) })]), { sitesPerType: 50 });
  const [node] = model.children({ kind: 'type', source: { from: 'target', targetId: 'target-1' }, type: 'PROMISE' });
  assert.match(model.present(node).label, /^~4,000 · /);
  assert.match(model.present(node).description!, / · estimate$/);
  assert.ok(model.present(node).tooltip!.some((line) => line.includes('~4,000 (estimate) pending PROMISE')));
});

test('sites and types the growth detector flags are marked with their rate; the others are not', () => {
  const previous = snapshot([blocked(40), timer(1)]);
  const latest = snapshot([blocked(90), timer(1), created(3)]);
  const growingSites = [
    {
      siteId: blocked(0).id,
      site: blocked(90),
      ratePerMinute: 30,
      rateText: '+30.0 pending per minute',
      since: 0,
      reason: 'floor rose from 3 by 40 (z 3.1)',
      growingNow: true,
    },
  ];
  const growingTypes = [
    { type: 'PROMISE', ratePerMinute: 31, rateText: '+31.0 pending per minute', since: 0, reason: 'floor rose from 5 by 41 (z 3.0)' },
  ];
  const samples = [sample(1, { PROMISE: 50, Timeout: 1 }), sample(2, { PROMISE: 93, Timeout: 1 })];
  const model = new TreeModel(data([target({ samples, previousSites: previous, latestSites: latest, growingSites, growingTypes })]), {
    sitesPerType: 50,
  });
  const source = { from: 'target' as const, targetId: 'target-1' };

  const [promiseType, timerType] = model.children({ kind: 'target', targetId: 'target-1' }).map((n) => model.present(n));
  assert.equal(promiseType.description, '93 ↑ · ▲ growing +31.0 pending per minute');
  assert.equal(promiseType.alarming, true);
  assert.equal(timerType.alarming, false);

  const promises = model.children({ kind: 'type', source, type: 'PROMISE' }).map((n) => model.present(n));
  assert.deepEqual(
    promises.map((p) => [p.label, p.alarming]),
    [
      ['90 · workers.ts:41 blocked', true],
      // New since the previous reading, but the detector has not judged it growing.
      ['3 · queue.ts:30 created', false],
    ],
  );
  assert.match(promises[0].description!, /▲ growing \+30\.0 pending per minute$/);
  assert.ok(promises[0].tooltip!.includes('Keeps growing: +30.0 pending per minute; floor rose from 3 by 40 (z 3.1).'));
  assert.ok(promises[0].tooltip!.includes('+50 since the previous reading.'));
  assert.ok(promises[1].tooltip!.includes('+3 since the previous reading.'));
  const [steady] = model.children({ kind: 'type', source, type: 'Timeout' }).map((n) => model.present(n));
  assert.equal(steady.alarming, false);
  assert.doesNotMatch(steady.description!, /growing/);
  assert.ok(!steady.tooltip!.some((line) => line.includes('since the previous reading')));
});

test('top N sites per type, then "Show more" adds N more', () => {
  const many = Array.from({ length: 12 }, (_, i) => site({ at: frame(`src/f${i}.ts`, i + 1, 1, `f${i}`), count: 100 - i }));
  const model = new TreeModel(data([target({ latestSites: snapshot(many) })]), { sitesPerType: 5 });
  const typeNode: LensNode = { kind: 'type', source: { from: 'target', targetId: 'target-1' }, type: 'PROMISE' };
  let children = model.children(typeNode);
  assert.equal(children.length, 6);
  const more = children[5];
  assert.equal(more.kind, 'more');
  assert.equal(model.present(more).label, 'Show 5 more…');
  // The hidden sites' pending count, so the rows still add up to the type's total.
  assert.equal(model.present(more).description, '7 not shown, 644 pending');
  assert.deepEqual(labels(model, children.slice(0, 5)), [
    '100 · f0.ts:1 created',
    '99 · f1.ts:2 created',
    '98 · f2.ts:3 created',
    '97 · f3.ts:4 created',
    '96 · f4.ts:5 created',
  ]);

  model.showMore(typeNode.source, 'PROMISE');
  children = model.children(typeNode);
  assert.equal(children.length, 11);
  assert.equal(model.present(children[10]).label, 'Show 2 more…');
  model.showMore(typeNode.source, 'PROMISE');
  assert.equal(model.children(typeNode).length, 12, 'all listed, no "more" node');
});

test('a site expands to example resources and its example stack; node: frames cannot be opened', () => {
  const s = site({
    kind: 'blocked',
    at: frame('src/workers.ts', 41, 20, 'runWorker'),
    count: 3,
    stack: [frame('src/workers.ts', 41, 20, 'runWorker'), frame('node:events', 524, 28, 'emit')],
  });
  const model = new TreeModel(data([target({ latestSites: snapshot([s]) })]), { sitesPerType: 50 });
  const source = { from: 'target' as const, targetId: 'target-1' };
  const [siteNode] = model.children({ kind: 'type', source, type: 'PROMISE' });
  const children = model.children(siteNode);
  assert.deepEqual(
    children.map((c) => c.kind),
    ['example', 'stack'],
  );
  assert.equal(model.present(children[0]).label, 'promise #42');
  // A clock time (the read's time less the age), which holds still between reads.
  assert.equal(
    model.present(children[0]).description,
    `since ${new Date(Date.parse('2026-11-26T14:00:00.000Z') - 1000).toLocaleTimeString()}`,
  );
  const frames = model.children(children[1]).map((f) => model.present(f));
  assert.deepEqual(
    frames.map((f) => [f.label, f.icon, f.open?.line]),
    [
      ['runWorker', 'frame', 41],
      ['emit', 'frame-internal', undefined],
    ],
  );
});

test('a type with no site yet says why (resources alive before the agent came)', () => {
  const latest: Snapshot = { ...snapshot([]), baseline: { TCPSERVERWRAP: 1 }, totals: { TCPSERVERWRAP: 1 } };
  const model = new TreeModel(data([target({ samples: [sample(1, { TCPSERVERWRAP: 1 })], latestSites: latest })]), { sitesPerType: 50 });
  const [typeNode] = model.children({ kind: 'target', targetId: 'target-1' });
  const [note] = model.children(typeNode);
  assert.equal(model.present(note).label, 'No site known: 1 already alive when the agent attached.');
});

test('a stored snapshot lists its types from its totals and its sites under them', () => {
  const stored: TreeSnapshot = {
    id: 'snapshot-1',
    name: '14:00:00 after',
    origin: 'pid 4242',
    snapshot: snapshot([blocked(100), timer(2)]),
  };
  const model = new TreeModel(data([], [stored]), { sitesPerType: 50 });
  const snapNode: LensNode = { kind: 'snapshot', snapshotId: 'snapshot-1' };
  assert.equal(model.present(snapNode).description, 'pid 4242 · 102 pending · 2 sites');
  assert.equal(model.present(snapNode).contextValue, 'snapshot');
  const types = model.children(snapNode);
  assert.deepEqual(labels(model, types), ['PROMISE', 'Timeout']);
  assert.deepEqual(labels(model, model.children(types[0])), ['100 · workers.ts:41 blocked']);
});

test('10,000 sites: a type materialises only the shown sites, and ids stay unique', () => {
  const sites = Array.from({ length: 10_000 }, (_, i) =>
    site({ type: i % 2 ? 'PROMISE' : 'Timeout', at: frame(`src/m${i % 97}.ts`, i + 1, 1, `f${i}`), count: (i * 7919) % 1000 }),
  );
  const stored: TreeSnapshot = { id: 'snapshot-1', name: 'big', origin: 'pid 1', snapshot: snapshot(sites) };
  const model = new TreeModel(data([], [stored]), { sitesPerType: 50 });
  const [snapshots] = model.roots();
  const [snap] = model.children(snapshots);
  const types = model.children(snap);
  const promises = model.children(types.find((t) => model.present(t).label === 'PROMISE')!);
  assert.equal(promises.length, 51);
  const counts = promises.slice(0, 50).map((n) => (n.kind === 'site' ? n.site.count : -1));
  assert.deepEqual(
    counts,
    [...counts].sort((a, b) => b - a),
    'largest first',
  );
  assert.equal(counts[0], Math.max(...sites.filter((s) => s.type === 'PROMISE').map((s) => s.count)));
  assert.match(model.present(promises[50]).description!, /^4,950 not shown, /);
  const ids = promises.map((n) => model.present(n).id);
  assert.equal(new Set(ids).size, ids.length);
});

test('a type adds up: its count is the sites read\'s total, its rows are the sites plus a "with no site" row that says why', () => {
  // 234 pending promises, 46 + 4 in sites: 184 are results of the suspended calls and derived promises.
  const latest = snapshot([blocked(46), created(4)], { totals: { PROMISE: 234 } });
  // The poll ran ahead of the site read: the tree still shows one clock, the read's.
  const samples = [sample(1, { PROMISE: 230 }), sample(2, { PROMISE: 300 })];
  const model = new TreeModel(data([target({ samples, latestSites: latest })]), { sitesPerType: 50 });
  const [typeNode] = model.children({ kind: 'target', targetId: 'target-1' });
  const type = model.present(typeNode);
  assert.match(type.description!, /^234 /);
  assert.ok(type.tooltip!.includes('50 in 2 sites, 184 with no site'), type.tooltip!.join('\n'));
  assert.match(model.present({ kind: 'target', targetId: 'target-1' }).description!, /^234 pending /);
  const rows = model.children(typeNode);
  assert.deepEqual(
    rows.map((n) => n.kind),
    ['site', 'site', 'unsited'],
  );
  const rest = model.present(rows[2]);
  assert.equal(rest.label, '184 · with no site');
  assert.equal(rest.tooltip![0], '234 pending PROMISE = 50 in 2 sites + 184 with no site.');
  assert.match(rest.tooltip![1], /results of the suspended calls above/);
  // Sites that account for everything get no such row.
  const exact = new TreeModel(data([target({ latestSites: snapshot([blocked(46)]) })]), { sitesPerType: 50 });
  const [exactType] = exact.children({ kind: 'target', targetId: 'target-1' });
  assert.deepEqual(
    exact.children(exactType).map((n) => n.kind),
    ['site'],
  );
});

test('the type of the top growing site opens by itself; the others stay collapsed', () => {
  const growingSites = [
    {
      siteId: timer(0).id,
      site: timer(9),
      ratePerMinute: 30,
      rateText: '+30.0 pending per minute',
      since: 0,
      reason: 'floor rose',
      growingNow: true,
    },
  ];
  const model = new TreeModel(data([target({ latestSites: snapshot([blocked(40), timer(9)]), growingSites })]), { sitesPerType: 50 });
  const types = model.children({ kind: 'target', targetId: 'target-1' }).map((n) => model.present(n));
  assert.deepEqual(
    types.map((t) => [t.label, t.collapsible]),
    [
      ['PROMISE', 'collapsed'],
      ['Timeout', 'expanded'],
    ],
  );
});

test('an example stack lists your frames first and folds node: and node_modules frames into one row', () => {
  const library = Array.from({ length: 11 }, (_, i) =>
    frame(i % 2 ? `node:internal/f${i}` : `/srv/app/node_modules/express/lib/r${i}.js`, i + 1, 1, `lib${i}`),
  );
  const s = site({
    kind: 'blocked',
    at: frame('src/pool.js', 15, 3, ''),
    count: 3,
    stack: [library[0], frame('src/pool.js', 15, 3, ''), ...library.slice(1)],
  });
  const model = new TreeModel(data([target({ latestSites: snapshot([s]) })]), { sitesPerType: 50 });
  const [siteNode] = model.children({ kind: 'type', source: { from: 'target', targetId: 'target-1' }, type: 'PROMISE' });
  const stack = model.children(siteNode).find((n) => n.kind === 'stack')!;
  const rows = model.children(stack);
  assert.deepEqual(
    rows.map((n) => model.present(n).label),
    ['<anonymous>', '11 library frames'],
  );
  assert.equal(model.present(rows[1]).collapsible, 'collapsed');
  const inside = model.children(rows[1]).map((n) => model.present(n));
  assert.deepEqual(
    inside.map((p) => p.label),
    library.map((f) => f.function),
  );
  assert.ok(inside.every((p) => p.icon === 'frame-internal'));
});

test('a node keeps its identity across readings (VS Code refreshes an element by identity), with its data updated', () => {
  const t = target({ latestSites: snapshot([blocked(40)]) });
  const model = new TreeModel(data([t]), { sitesPerType: 50 });
  const source = { from: 'target' as const, targetId: 'target-1' };
  const [typeNode] = model.children({ kind: 'target', targetId: 'target-1' });
  const [first] = model.children(typeNode);
  t.latestSites = snapshot([blocked(41)]);
  const [again] = model.children({ kind: 'type', source, type: 'PROMISE' });
  assert.equal(again, first);
  assert.equal(model.present(first).label, '41 · workers.ts:41 blocked');
});

test('site trend arrows follow the same rule as the types, over the site reads of the last 30 s', () => {
  const at = (s: number) => new Date(Date.UTC(2026, 10, 26, 14, 0, s)).toISOString();
  const reads = [
    snapshot([blocked(10)], { takenAt: at(0) }),
    snapshot([blocked(11)], { takenAt: at(5) }),
    snapshot([blocked(30)], { takenAt: at(10) }),
  ];
  const model = new TreeModel(data([target({ latestSites: reads[2], recentSites: reads })]), { sitesPerType: 50 });
  const [node] = model.children({ kind: 'type', source: { from: 'target', targetId: 'target-1' }, type: 'PROMISE' });
  assert.equal(model.present(node).label, '30 ↑ · workers.ts:41 blocked');
  const steady = new TreeModel(data([target({ latestSites: reads[1], recentSites: reads.slice(0, 2) })]), { sitesPerType: 50 });
  const [steadyNode] = steady.children({ kind: 'type', source: { from: 'target', targetId: 'target-1' }, type: 'PROMISE' });
  assert.equal(steady.present(steadyNode).label, '11 → · workers.ts:41 blocked', '+1 is jitter, as for types');
});

test('resource types named like Object.prototype members are listed with their own counts', () => {
  const hostile = ['toString', 'constructor', '__proto__', 'hasOwnProperty'];
  // As parsed from JSON (a file or the agent): own keys, "__proto__" included.
  const counts = JSON.parse(`{${hostile.map((type, i) => `"${type}": ${i + 1}`).join(', ')}}`) as Record<string, number>;
  // A site of a type the totals do not list (gone since): it reads 0, not Object.prototype.valueOf.
  const sites = [...hostile, 'valueOf'].map((type) => site({ type, at: frame('src/jobs.ts', 3, 5, 'job'), count: 1 }));
  const latest = { ...snapshot(sites), totals: counts };
  const model = new TreeModel(data([target({ samples: [sample(1, counts), sample(2, counts)], latestSites: latest })]), {
    sitesPerType: 50,
  });
  const types = model.children({ kind: 'target', targetId: 'target-1' });
  assert.deepEqual(labels(model, types), ['hasOwnProperty', '__proto__', 'constructor', 'toString']);
  assert.deepEqual(
    types.map((t) => model.present(t).description),
    ['4 →', '3 →', '2 →', '1 →'],
  );
  const stored: TreeSnapshot = { id: 'snapshot-1', name: 'hostile', origin: 'pid 4242', snapshot: latest };
  const fromFile = new TreeModel(data([], [stored]), { sitesPerType: 50 });
  const listed = fromFile.children({ kind: 'snapshot', snapshotId: 'snapshot-1' });
  assert.deepEqual(labels(fromFile, listed), ['hasOwnProperty', '__proto__', 'constructor', 'toString', 'valueOf']);
  assert.deepEqual(
    listed.map((t) => fromFile.present(t).description),
    ['4', '3', '2', '1', '0'],
  );
});

test('a snapshot without sites says so first, with the reason', () => {
  const blind: Snapshot = {
    ...snapshot([]),
    totals: { Timeout: 15 },
    sitesUnavailable: 'stacks cannot be captured in the target: the Error constructor is frozen',
  };
  const model = new TreeModel(data([], [{ id: 'snapshot-1', name: 'blind', origin: 'pid 4242', snapshot: blind }]), { sitesPerType: 50 });
  const children = model.children({ kind: 'snapshot', snapshotId: 'snapshot-1' });
  assert.match(
    model.present(children[0]).label,
    /^⚠ Sites unavailable: stacks cannot be captured in the target: the Error constructor is frozen/,
  );
  assert.deepEqual(labels(model, children.slice(1)), ['Timeout']);
});

test('abandoned tasks: a group under the target and the snapshot, its sites with their own ids, alarming', () => {
  const gone = { ...site({ kind: 'blocked', at: frame('src/fanout.ts', 41, 19, 'queryMirror'), count: 0 }), abandoned: 60 };
  const holder = { ...blocked(3), abandoned: 4 };
  const latest = snapshot([gone, holder, timer(1)]);
  const stored: TreeSnapshot = { id: 'snapshot-1', name: '14:00:00 after', origin: 'pid 4242', snapshot: latest };
  const model = new TreeModel(data([target({ samples: [sample(1, { PROMISE: 3, Timeout: 1 })], latestSites: latest })], [stored]), {
    sitesPerType: 50,
  });
  const children = model.children({ kind: 'target', targetId: 'target-1' });
  assert.deepEqual(labels(model, children), ['PROMISE', 'Timeout', 'Abandoned tasks']);
  const group = model.present(children[2]);
  assert.deepEqual([group.description, group.icon, group.alarming], ['64 at 2 awaits', 'abandoned', true]);
  const sites = model.children(children[2]).map((n) => model.present(n));
  assert.deepEqual(
    sites.map((p) => [p.label, p.description, p.icon]),
    [
      // Count (or, with nothing pending, the abandoned count) and line first.
      ['✖ 60 · fanout.ts:41 blocked', 'blocked at /srv/app/src/fanout.ts:41:19 · queryMirror · ✖ 60 abandoned', 'abandoned'],
      ['3 · workers.ts:41 blocked', 'blocked at /srv/app/src/workers.ts:41:20 · runWorker · ✖ 4 abandoned', 'blocked'],
    ],
  );
  const underType = model
    .children({ kind: 'type', source: { from: 'target', targetId: 'target-1' }, type: 'PROMISE' })
    .map((n) => model.present(n).id);
  for (const p of sites) assert.ok(!underType.includes(p.id), `${p.id} is not also the id of a node under its type`);
  assert.match(sites[0].tooltip!.join('\n'), /60 tasks abandoned here since attach/);
  assert.deepEqual(labels(model, model.children({ kind: 'snapshot', snapshotId: 'snapshot-1' })).slice(-1), ['Abandoned tasks']);
});
