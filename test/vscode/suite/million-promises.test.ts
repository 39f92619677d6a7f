// A target with 1,000,000 pending promises, through the whole extension: the live count, a
// snapshot, the tree (lazy: top sites per type, the rest behind "show more") and a comparison,
// with the extension host's event loop watched throughout and memory measured on both sides
// against the caps the README documents.
import * as assert from 'node:assert/strict';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import * as vscode from 'vscode';
import type { DiffReportPanel } from '../../../src/extension/report/diff-report-panel';
import { cleanUpAfterTest, eventually, lensApi, startReliabilityTarget } from '../support/attach-helpers';
import { getJson, type RunningFixture } from '../../support/fixtures';

const MILLION = 1_000_000;
const MB = 1024 * 1024;
/** docs/guarantees.md: what the agent may hold in the target, and the extension per snapshot. */
const TARGET_AGENT_CAP_MB = 64;
const EXTENSION_CAP_MB = 64;
/** The extension host's event loop must never stall this long (a frozen window, not a slow one). */
const MAX_STALL_MS = 2000;

/** The longest gap between 20 ms ticks of the extension host's event loop while `work` runs. */
async function longestStall<T>(work: () => PromiseLike<T>): Promise<{ result: T; stallMs: number }> {
  let last = performance.now();
  let stallMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    stallMs = Math.max(stallMs, now - last - 20);
    last = now;
  }, 20);
  try {
    return { result: await work(), stallMs };
  } finally {
    clearInterval(timer);
  }
}

/** Heap used after a full GC (the flag is set for this measurement only). */
function heapAfterGc(): number {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
}

suite('a million pending promises', function () {
  this.timeout(240_000);
  let target: RunningFixture | undefined;
  let report: DiffReportPanel | undefined;

  teardown(() => cleanUpAfterTest(target, report));

  test('counted live, snapshotted, listed lazily and compared; memory within the caps, the window never stalls', async () => {
    const api = await lensApi();
    target = await startReliabilityTarget('million-promises', { execArgv: ['--expose-gc'] });
    const ask = (path: string) => getJson<Record<string, number>>(target!.port, path);
    const heapBeforeAttach = (await ask('/heap')).heapUsed;
    const targetId = await vscode.commands.executeCommand<string | undefined>(
      'asyncLeakLens.attachByAddress',
      String(target.inspectorPort),
    );
    assert.ok(targetId, 'attach failed (see the "Async Leak Lens" output channel)');
    const attached = api.targets.get(targetId)!;
    const before = await vscode.commands.executeCommand<string | undefined>('asyncLeakLens.takeSnapshot', targetId, 'empty');
    assert.ok(before);
    const extensionHeapBefore = heapAfterGc();

    const grown = await longestStall(async () => {
      await ask('/spread');
      return ask(`/grow?count=${MILLION}`);
    });
    assert.equal(grown.result.pending, MILLION + 2000);
    const live = await eventually(
      () => ((attached.samples.at(-1)?.counts.PROMISE ?? 0) >= MILLION ? attached.samples.at(-1) : undefined),
      60_000,
      () => `a live count of ${MILLION} promises; last: ${JSON.stringify(attached.samples.at(-1)?.counts)}`,
    );
    console.log(`live PROMISE count ${live.counts.PROMISE}; longest stall while the target grew: ${grown.stallMs.toFixed(0)} ms`);

    const snap = await longestStall(() =>
      vscode.commands.executeCommand<string | undefined>('asyncLeakLens.takeSnapshot', targetId, 'million'),
    );
    const after = snap.result;
    assert.ok(after, 'Take Snapshot stored nothing');
    const snapshot = api.snapshots.get(after)!.snapshot;
    assert.equal(snapshot.totals.PROMISE, MILLION + 2000, 'the total is exact');
    // Per site, a burst this large is sampled within the CPU share (~150 stacks for the million):
    // weighted estimates, so the sites add up only roughly (docs/how-it-works.md).
    const siteSum = snapshot.sites.filter((s) => s.type === 'PROMISE').reduce((sum, s) => sum + s.count, 0);
    assert.ok(siteSum > MILLION / 2 && siteSum < 2 * MILLION, `sites add up to ${siteSum} promises`);
    console.log(`snapshot: ${siteSum} promises estimated over ${snapshot.sites.length} sites`);
    assert.ok(snapshot.sites.length >= 200, `${snapshot.sites.length} sites (200 generated lines, each with 10 promises)`);

    // The tree: the target's types, then at most sitesPerType sites and one "show more".
    const sitesPerType = vscode.workspace.getConfiguration('asyncLeakLens').get<number>('tree.sitesPerType', 50);
    const tree = await longestStall(async () => {
      await attached.refreshSites();
      const targetNode = api.tree.getChildren().find((n) => n.kind === 'target' && n.targetId === targetId)!;
      const promises = api.tree.getChildren(targetNode).find((n) => n.kind === 'type' && n.type === 'PROMISE');
      assert.ok(promises, 'no PROMISE type under the target');
      const children = api.tree.getChildren(promises);
      children.forEach((n) => api.tree.getTreeItem(n));
      return children;
    });
    const sites = tree.result.filter((n) => n.kind === 'site');
    const more = tree.result.find((n) => n.kind === 'more');
    assert.equal(sites.length, sitesPerType, 'the type lists its top sites only');
    assert.ok(more && more.kind === 'more' && more.hidden >= 200 - sitesPerType, 'the rest is behind "show more"');
    const topCount = sites[0].kind === 'site' ? sites[0].site.count : 0;
    assert.ok(topCount > MILLION / 10, `the top site is one of the three that hold the million (${topCount})`);

    const compared = await longestStall(() =>
      vscode.commands.executeCommand<DiffReportPanel | undefined>('asyncLeakLens.compareSnapshots', before, after),
    );
    report = compared.result;
    assert.ok(report, 'Compare Snapshots opened no report');
    assert.ok(report.model.rows.length >= 200);

    const extensionGrowthMb = (heapAfterGc() - extensionHeapBefore) / MB;
    const stalls = { grow: grown.stallMs, snapshot: snap.stallMs, tree: tree.stallMs, compare: compared.stallMs };
    const targetWithAgent = (await ask('/heap')).heapUsed;
    await api.targets.detach(targetId);
    const targetWithoutAgent = (await ask('/heap')).heapUsed;
    const agentMb = (targetWithAgent - targetWithoutAgent) / MB;
    console.log(
      `1M promises: ${snapshot.sites.length} sites; agent in the target ${agentMb.toFixed(1)} MB (target heap ${(heapBeforeAttach / MB).toFixed(0)} -> ${(targetWithAgent / MB).toFixed(0)} MB); ` +
        `extension heap +${extensionGrowthMb.toFixed(1)} MB; longest stalls (ms) ${JSON.stringify(stalls, (_k, v) => (typeof v === 'number' ? Math.round(v) : v))}`,
    );
    assert.ok(agentMb < TARGET_AGENT_CAP_MB, `the agent holds ${agentMb.toFixed(1)} MB in the target`);
    assert.ok(extensionGrowthMb < EXTENSION_CAP_MB, `the extension grew by ${extensionGrowthMb.toFixed(1)} MB`);
    for (const [step, stall] of Object.entries(stalls))
      assert.ok(stall < MAX_STALL_MS, `the extension host stalled ${stall.toFixed(0)} ms during ${step}`);
    assert.equal(attached.session.isEnded, true);
    assert.equal((await ask('/heap')).pending, MILLION + 2000, 'the target still holds its promises');
  });
});
