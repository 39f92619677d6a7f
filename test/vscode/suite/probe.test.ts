// Leak verdicts inside a real VS Code: "Run Leak Probe..." with arguments (no dialogs) on real
// fixture processes, and live growth detection with its one-notification-per-site rule.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ProbeResult } from '../../../src/core/probe/probe';
import type { LensApi } from '../../../src/extension/extension';
import { driveLoad, findMarker, startFixture, type RunningFixture } from '../../support/fixtures';
import { eventually, lensApi, sleep } from '../support/attach-helpers';

suite('leak verdicts', function () {
  this.timeout(180_000);
  let api: LensApi;
  const fixtures: RunningFixture[] = [];

  const attach = async (name: string) => {
    const fixture = await startFixture(name);
    fixtures.push(fixture);
    const id = await vscode.commands.executeCommand<string | undefined>('asyncLeakLens.attachByAddress', String(fixture.inspectorPort));
    assert.ok(id, `could not attach to ${name} (see the "Async Leak Lens" output channel)`);
    return { fixture, target: api.targets.get(id)! };
  };

  suiteSetup(async () => {
    api = await lensApi();
  });

  teardown(async () => {
    await api.targets.detachAll();
    await Promise.all(fixtures.splice(0).map((f) => f.stop()));
  });

  test('Run Leak Probe with arguments: leak verdict at the marked line, about one per request, a readable report', async () => {
    const { fixture, target } = await attach('queue-workers');
    const marker = findMarker('queue-workers');
    const result = await vscode.commands.executeCommand<ProbeResult | undefined>('asyncLeakLens.runProbe', target.id, {
      url: `http://127.0.0.1:${fixture.port}/`,
      requests: 30,
      concurrency: 5,
    });
    assert.ok(result, 'the probe returned no result');
    assert.equal(result.verdict, 'leak');
    const [top] = result.leaks;
    assert.equal(`${top.site.frame.file}:${top.site.frame.line}`, `${marker.file}:${marker.line}`);
    assert.ok(Math.abs(top.perRequest - 1) <= 0.1, `per-request rate ${top.perRequest}`);

    // The report panel: a short title, the verdict, the marked line as a link that opens it.
    const panel = api.probeReports.panelFor(target.id);
    assert.ok(panel, 'no probe report panel for the target');
    assert.equal(panel.state, 'done');
    assert.match(panel.html, new RegExp(`<title>Leak Probe: server\\.js · pid ${fixture.pid}</title>`));
    assert.match(panel.html, /Leak: 1 site grows with every round of requests|Leak: \d+ sites grow/);
    assert.match(
      panel.html,
      new RegExp(`class="location" data-leak="0"[^>]*>.*<span class="file">server\\.js:${marker.line}:\\d+</span></a>`),
    );
    assert.doesNotMatch(panel.html, /file:\/\//);
    assert.equal(await panel.open(0), true);
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.fsPath, marker.file);
    assert.equal(editor?.selection.active.line, marker.line - 1);
    assert.equal(await panel.open(99), false, 'a leak index the result does not have opens nothing');

    // A rerun shows its running state in the same panel at once; the old result is gone from it.
    const rerun = vscode.commands.executeCommand<ProbeResult | undefined>('asyncLeakLens.runProbe', target.id, {
      url: `http://127.0.0.1:${fixture.port}/`,
      requests: 5,
      concurrency: 5,
    });
    await eventually(() => panel.state === 'running', 5_000, 'the panel to show the rerun running');
    assert.equal(api.probeReports.panelFor(target.id), panel, 'the rerun opened another panel');
    assert.match(panel.html, /Running…/);
    assert.doesNotMatch(panel.html, /table class="sites"/);
    assert.ok(await rerun);
    assert.equal(panel.state, 'done');
  });

  test('abandoned tasks: the probe says ABANDONED, a notification names the await, the sites of the target count them', async () => {
    const config = vscode.workspace.getConfiguration('asyncLeakLens');
    await config.update('growth.notify', false, vscode.ConfigurationTarget.Global);
    try {
      const { fixture, target } = await attach('abandoned-fanout');
      const marker = findMarker('abandoned-fanout');
      const result = await vscode.commands.executeCommand<ProbeResult | undefined>('asyncLeakLens.runProbe', target.id, {
        url: `http://127.0.0.1:${fixture.port}/`,
        requests: 20,
        concurrency: 4,
        report: 'none',
      });
      assert.ok(result);
      assert.equal(result.verdict, 'abandoned');
      assert.equal(`${result.abandoned[0].site.frame.file}:${result.abandoned[0].site.frame.line}`, `${marker.file}:${marker.line}`);
      const announced = await eventually(
        () => api.growthNotices.announced.find((a) => a.targetId === target.id && a.message.includes(`server.js:${marker.line} `)),
        30_000,
        () => `a notice for the marked await (now: ${JSON.stringify(api.growthNotices.announced)})`,
      );
      assert.match(
        announced.message,
        /^\d+ tasks abandoned at .*server\.js:41 in server\.js · pid \d+ \(tasks collected while suspended — the code after this await and its finally blocks never ran\)\.$/,
      );
      // The site reads after the probe's last round see all 3 rounds × 20 requests × 2 losers.
      await eventually(
        () => (target.latestSites?.sites.find((s) => s.frame.line === marker.line)?.abandoned ?? 0) >= 120,
        30_000,
        () => `120 abandoned at the marker (now: ${target.latestSites?.sites.find((s) => s.frame.line === marker.line)?.abandoned})`,
      );
    } finally {
      await config.update('growth.notify', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  test('Run Leak Probe on the busy healthy server: no leak', async () => {
    const { fixture, target } = await attach('healthy-server');
    const result = await vscode.commands.executeCommand<ProbeResult | undefined>('asyncLeakLens.runProbe', target.id, {
      url: `http://localhost:${fixture.port}/`,
      requests: 40,
      concurrency: 8,
      report: 'none',
    });
    assert.ok(result);
    assert.equal(
      result.verdict,
      'no-leak',
      result.leaks.map((l) => `${l.site.frame.file}:${l.site.frame.line} ${l.counts.join('→')}`).join('\n'),
    );
  });

  test('Run Leak Probe refuses a URL that is not on this machine, and an unknown target', async () => {
    const { target } = await attach('forgotten-interval');
    await assert.rejects(
      Promise.resolve(
        vscode.commands.executeCommand('asyncLeakLens.runProbe', target.id, {
          url: 'http://192.0.2.10/',
          requests: 5,
          concurrency: 1,
          report: 'none',
        }),
      ),
      /only sends load to this machine/,
    );
    await assert.rejects(
      Promise.resolve(
        vscode.commands.executeCommand('asyncLeakLens.runProbe', 'target-does-not-exist', { url: 'http://127.0.0.1:1/', report: 'none' }),
      ),
      /No attached target "target-does-not-exist"/,
    );
  });

  test('live growth: a steady leak becomes a growing site with a rate, announced once', async () => {
    const config = vscode.workspace.getConfiguration('asyncLeakLens');
    const saved = ['sitesIntervalMs', 'growth.windowSeconds', 'growth.warmupSeconds', 'growth.notify'].map(
      (key) => [key, config.inspect(key)?.globalValue] as const,
    );
    try {
      await config.update('sitesIntervalMs', 500, vscode.ConfigurationTarget.Global);
      await config.update('growth.windowSeconds', 8, vscode.ConfigurationTarget.Global);
      await config.update('growth.warmupSeconds', 1, vscode.ConfigurationTarget.Global);
      // On: the notice must close when its target is detached.
      await config.update('growth.notify', true, vscode.ConfigurationTarget.Global);
      const { fixture, target } = await attach('forgotten-interval');
      const marker = findMarker('forgotten-interval');
      let growthEvents = 0;
      const subscription = target.onDidChangeGrowth(() => growthEvents++);
      let loading = true;
      const load = (async () => {
        while (loading) {
          await driveLoad(fixture.port, { requests: 3, concurrency: 1 });
          await sleep(300);
        }
      })();
      try {
        const growing = await eventually(
          () => target.growingSites.find((g) => g.site.frame.file === marker.file && g.site.frame.line === marker.line),
          60_000,
          () =>
            `the marked line among growing sites (now: ${target.growingSites.map((g) => `${g.site.frame.file}:${g.site.frame.line}`).join(', ') || 'none'})`,
        );
        assert.match(growing.rateText, /^\+\d+(\.\d)? pending per minute$/);
        assert.ok(growing.ratePerMinute > 0);
        // Keep it growing for a few more site readings: still one announcement for the site.
        await sleep(3000);
      } finally {
        loading = false;
        await load;
        subscription.dispose();
      }
      const announced = api.growthNotices.announced.filter(
        (a) => a.targetId === target.id && a.message.includes(`server.js:${marker.line} `),
      );
      assert.equal(announced.length, 1, JSON.stringify(api.growthNotices.announced));
      assert.match(
        announced[0].message,
        /Timeout created at .*server\.js:20 keep growing in server\.js · pid \d+: \+[\d.]+ pending per minute/,
      );
      assert.ok(growthEvents >= 1);
      // Detached: no notice about it stays in the notification centre.
      assert.ok(
        api.growthNotices.open.some((n) => n.targetId === target.id),
        `no open notice for the target: ${JSON.stringify(api.growthNotices.open)}`,
      );
      await vscode.commands.executeCommand('asyncLeakLens.detach', target.id);
      assert.deepEqual(
        api.growthNotices.open.filter((n) => n.targetId === target.id),
        [],
      );
    } finally {
      for (const [key, value] of saved) await config.update(key, value, vscode.ConfigurationTarget.Global);
    }
  });
});
