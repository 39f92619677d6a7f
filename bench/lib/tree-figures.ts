// The Async Resources tree for a snapshot of 10,000 sites: the time from a fresh model to every
// node VS Code asks for when the view opens with each type expanded (target, types, the first
// page of sites of each type, all presented). The model is the pure part of the view
// (src/extension/tree/tree-model.ts); VS Code's own rendering is not included.
import type { CountSample } from '../../src/core/sites/model';
import { TreeModel, type LensNode, type TreeData } from '../../src/extension/tree/tree-model';
import { spread, type Spread } from './stats';
import { syntheticSnapshot } from './synthetic-snapshot';

export function runTreeBench(sites: number, repeats: number): { sites: number; openMs: Spread; nodes: number } {
  const previous = syntheticSnapshot({ sites, files: 400, takenAt: '2026-11-26T12:00:00.000Z' });
  const latest = syntheticSnapshot({ sites, files: 400, growth: 1.2, takenAt: '2026-11-26T12:00:05.000Z' });
  const samples: CountSample[] = Array.from({ length: 60 }, (_, i) => ({ t: i * 1000, counts: latest.totals, total: i }));
  const data: TreeData = {
    targets: () => [{ id: 'target-1', label: 'pid 4242', samples, latestSites: latest, previousSites: previous }],
    snapshots: () => [],
  };
  const times: number[] = [];
  let nodes = 0;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    const model = new TreeModel(data, { sitesPerType: 50 });
    const seen: LensNode[] = [];
    for (const root of model.roots()) {
      seen.push(root);
      for (const type of model.children(root)) {
        seen.push(type, ...model.children(type));
      }
    }
    for (const node of seen) model.present(node);
    times.push(performance.now() - t0);
    nodes = seen.length;
  }
  return { sites, openMs: spread(times), nodes };
}
