// The live chart webview on a real target: the page draws the samples it is sent and the
// snapshot markers, and says so through the chart's message protocol ('rendered').
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { WebviewMessage } from '../../../src/shared/chart-protocol';
import type { LensApi } from '../../../src/extension/extension';
import { eventually } from '../support/attach-helpers';
import { driveLoad, startFixture, type RunningFixture } from '../../support/fixtures';

const EXTENSION_ID = 'async-leak-lens.async-leak-lens';
type Rendered = Extract<WebviewMessage, { type: 'rendered' }>;

suite('live chart', function () {
  this.timeout(120_000);
  let api: LensApi;
  let fixture: RunningFixture | undefined;
  let rendered: Rendered[] = [];
  let listener: vscode.Disposable | undefined;

  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<LensApi>(EXTENSION_ID)!.activate();
  });

  setup(() => {
    rendered = [];
    listener = api.chart.onDidReceiveMessage((m) => m.type === 'rendered' && rendered.push(m));
  });

  teardown(async () => {
    listener?.dispose();
    api.chart.close();
    await api.targets.detachAll();
    await fixture?.stop();
    fixture = undefined;
  });

  test("Show Live Chart draws the target's samples and a marker for its snapshot", async () => {
    fixture = await startFixture('queue-workers');
    const id = await vscode.commands.executeCommand<string | undefined>('asyncLeakLens.attachByAddress', String(fixture.inspectorPort));
    assert.ok(id, 'attach failed (see the "Async Leak Lens" output channel)');
    const target = api.targets.get(id)!;

    await vscode.commands.executeCommand('asyncLeakLens.showLiveChart', id);
    assert.equal(api.chart.isOpen(), true);
    assert.equal(api.chart.shownTargetId(), id);
    const latest = () => rendered.filter((r) => r.targetId === id).at(-1);

    const first = await eventually(
      () => {
        const r = latest();
        return r && r.samples >= 2 ? r : undefined;
      },
      60_000,
      () => `the page to draw 2 samples; last 'rendered': ${JSON.stringify(latest())}; samples in the extension: ${target.samples.length}`,
    );
    assert.equal(first.window, '5m');
    assert.equal(first.paused, false);

    // Load leaves pending promises: their type appears as a series, and new samples are drawn.
    const load = await driveLoad(fixture.port, { requests: 20, concurrency: 4 });
    assert.equal(load.ok, 20);
    const drawn = await eventually(
      () => {
        const r = latest();
        return r && r.series >= 1 && r.samples >= first.samples + 2 ? r : undefined;
      },
      60_000,
      () => `a series and more than ${first.samples + 1} samples drawn; last: ${JSON.stringify(latest())}`,
    );
    assert.equal(drawn.points, drawn.samples * drawn.series, 'every sample has a point in every series');
    assert.ok(drawn.samples <= target.samples.length, 'the page drew samples the extension never had');
    const types = new Set(target.samples.flatMap((s) => Object.keys(s.counts)));
    assert.ok(types.has('PROMISE'), `no PROMISE counts in the samples: ${[...types].join(', ')}`);
    assert.ok(drawn.series <= types.size, `${drawn.series} series drawn for ${types.size} types`);

    // A snapshot of this target in the store becomes a marker on the chart.
    assert.equal(latest()?.markers, 0);
    const snapshot = await target.session.snapshot({ label: 'after load' });
    api.snapshots.add(snapshot, target.label);
    await eventually(
      () => latest()?.markers === 1,
      30_000,
      () => `one snapshot marker drawn; last: ${JSON.stringify(latest())}`,
    );
  });

  test('the chart follows the registry: with nothing attached it shows the empty state, then picks up a new target', async () => {
    await vscode.commands.executeCommand('asyncLeakLens.showLiveChart');
    assert.equal(api.chart.shownTargetId(), undefined);
    await eventually(
      () => rendered.find((r) => r.targetId === undefined),
      60_000,
      () => 'the empty chart to render',
    );

    fixture = await startFixture('queue-workers');
    const id = await vscode.commands.executeCommand<string | undefined>('asyncLeakLens.attachByAddress', String(fixture.inspectorPort));
    assert.ok(id);
    await eventually(
      () => api.chart.shownTargetId() === id,
      10_000,
      () => `the chart to show ${id}`,
    );
    await eventually(
      () => rendered.find((r) => r.targetId === id && r.samples > 0),
      60_000,
      () => `samples of ${id} drawn; got ${JSON.stringify(rendered.at(-1))}`,
    );
  });
});
