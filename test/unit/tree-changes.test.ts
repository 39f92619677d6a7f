// Only rows whose text or children changed are refreshed: a whole refresh every second closed
// every tooltip before it could be read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CountSample } from '../../src/core/sites/model';
import { TreeChangeTracker } from '../../src/extension/tree/tree-changes';
import { TreeModel, type LensNode, type TreeData, type TreeTarget } from '../../src/extension/tree/tree-model';
import { frame, site, snapshot } from './core-test-data';

const blocked = (count: number) => site({ kind: 'blocked', at: frame('src/workers.ts', 41, 20, 'runWorker'), count });
const timer = (count: number) => site({ type: 'Timeout', at: frame('src/poll.ts', 3, 5, 'startPolling'), count });
const sample = (t: number, total: number): CountSample => ({ t, counts: { PROMISE: total }, total });

/** Renders like VS Code: roots, every child of every expandable node, each item presented. */
function render(model: TreeModel, tracker: TreeChangeTracker): LensNode[] {
  const seen: LensNode[] = [];
  const walk = (nodes: LensNode[]) => {
    for (const node of nodes) {
      const p = model.present(node);
      tracker.itemShown(node, p);
      seen.push(node);
      if (p.collapsible !== 'none' && node.kind !== 'stack') {
        const children = model.children(node);
        tracker.childrenListed(node, children);
        walk(children);
      }
    }
  };
  const roots = model.roots();
  tracker.rootsListed(roots);
  walk(roots);
  return seen;
}

test('polls that change no number refresh nothing; a changed count refreshes that row only; a new site its type', () => {
  const t: TreeTarget = {
    id: 'target-1',
    label: 'pid 1',
    samples: [sample(1000, 41)],
    latestSites: snapshot([blocked(40), timer(1)]),
    previousSites: undefined,
  };
  const data: TreeData = { targets: () => [t], snapshots: () => [] };
  const model = new TreeModel(data, { sitesPerType: 50 });
  const tracker = new TreeChangeTracker(model);
  render(model, tracker);

  // New polls with the same numbers, and a new site read with the same counts (a new object).
  t.samples = [...t.samples, sample(2000, 41), sample(3000, 41)];
  t.latestSites = snapshot([blocked(40), timer(1)]);
  assert.deepEqual(tracker.changes(), { all: false, nodes: [] });

  // One site's count moves: its row (and the numbers above it) change, not the Timeout rows.
  t.latestSites = snapshot([blocked(45), timer(1)]);
  const ids = tracker.changes().nodes.map((n) => model.idOf(n));
  assert.ok(
    ids.some((id) => id.endsWith(`/site:${blocked(0).id}`)),
    ids.join('\n'),
  );
  assert.ok(!ids.some((id) => id.includes('type:Timeout')), ids.join('\n'));
  render(model, tracker);

  // A new site under PROMISE: the type is refreshed (VS Code lists its children again).
  t.latestSites = snapshot([blocked(45), timer(1), site({ at: frame('src/q.ts', 3, 1, 'q'), count: 2 })]);
  assert.ok(tracker.changes().nodes.some((n) => model.idOf(n) === 'target:target-1/type:PROMISE'));

  // Another target: the roots change, everything is refreshed.
  const second = { ...t, id: 'target-2' };
  data.targets = () => [t, second];
  assert.equal(tracker.changes().all, true);
});
