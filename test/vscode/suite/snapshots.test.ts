// Snapshot commands, the comparison report and the Async Resources tree against a real leaky
// fixture: attach, snapshot, load, snapshot, compare; export/import; a corrupt import.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Site } from '../../../src/core/sites/model';
import type { LensApi } from '../../../src/extension/extension';
import type { DiffReportPanel } from '../../../src/extension/report/diff-report-panel';
import type { LensNode } from '../../../src/extension/tree/tree-model';
import { driveLoad, findMarker, startFixture, type Marker, type RunningFixture } from '../../support/fixtures';

const EXTENSION_ID = 'async-leak-lens.async-leak-lens';
const LOAD = 50;

const atMarker = (marker: Marker) => (site: Site) =>
  site.frame.file === marker.file && site.frame.line === marker.line && site.kind === marker.kind;

suite('snapshots, comparison and tree', function () {
  this.timeout(120_000);
  let api: LensApi;
  let app: RunningFixture;
  let targetId: string;
  let marker: Marker;
  let beforeId: string;
  let afterId: string;
  const reports: DiffReportPanel[] = [];
  const tmp = mkdtempSync(join(tmpdir(), 'alens-snapshots-'));

  suiteSetup(async () => {
    api = (await vscode.extensions.getExtension(EXTENSION_ID)!.activate()) as LensApi;
    marker = findMarker('queue-workers');
    app = await startFixture('queue-workers');
    const id = await vscode.commands.executeCommand<string | undefined>('asyncLeakLens.attachByAddress', String(app.inspectorPort));
    assert.ok(id, 'Attach by Inspector Address answered no target (its error is in the "Async Leak Lens" output channel)');
    targetId = id;
    // Warm-up: one-time resources of a first request do not belong to the comparison.
    await driveLoad(app.port, { requests: 3, concurrency: 1 });
  });

  suiteTeardown(async () => {
    for (const report of reports) report.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (targetId) await api.targets.detach(targetId);
    await app?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('take a snapshot, load, take another, compare: the marked line grew most and comes first', async () => {
    const countBefore = api.snapshots.list().length;
    beforeId = (await vscode.commands.executeCommand<string | undefined>('asyncLeakLens.takeSnapshot', targetId, 'before load'))!;
    assert.ok(beforeId, 'Take Snapshot stored nothing');
    const load = await driveLoad(app.port, { requests: LOAD, concurrency: 5 });
    assert.equal(load.ok, LOAD, `load: ${JSON.stringify(load)}`);
    afterId = (await vscode.commands.executeCommand<string | undefined>('asyncLeakLens.takeSnapshot', targetId, 'after load'))!;
    assert.ok(afterId, 'Take Snapshot stored nothing');
    assert.equal(api.snapshots.list().length, countBefore + 2);
    assert.match(api.snapshots.get(beforeId)!.name, /before load$/);
    assert.equal(api.snapshots.get(afterId)!.snapshot.label, 'after load');

    const report = await vscode.commands.executeCommand<DiffReportPanel | undefined>('asyncLeakLens.compareSnapshots', beforeId, afterId);
    assert.ok(report, 'Compare Snapshots opened no report');
    reports.push(report);
    const [first] = report.model.rows;
    assert.ok(first, 'the report lists no changed site');
    const firstSite = report.model.diff.sites.find((s) => s.id === first.siteId)!;
    assert.ok(
      atMarker(marker)(firstSite),
      `first row is ${first.kindLabel} ${first.location}, expected ${marker.kind} at ${marker.file}:${marker.line}`,
    );
    assert.equal(first.delta, LOAD, `one blocked worker per request: ${JSON.stringify(first)}`);
    assert.equal(report.model.top?.row.siteId, first.siteId);

    // What the page shows: the first changed-site row is the marked line, with a link to it.
    const html = report.html;
    const firstRow = html.slice(html.indexOf('<tbody>'), html.indexOf('</tr>', html.indexOf('<tbody>')));
    assert.ok(firstRow.includes(`${marker.file}:${marker.line}:`), `first row of the page: ${firstRow}`);
    assert.ok(firstRow.includes(`data-site="${first.siteId}"`), 'the marked line is not a link');
    assert.match(html, /Content-Security-Policy" content="default-src &#39;none&#39;;/);
  });

  test('a link in the report opens the original line; an id not in the diff opens nothing', async () => {
    const report = reports[0];
    assert.ok(report, 'needs the comparison of the previous test');
    assert.equal(await report.open(report.model.rows[0].siteId), true);
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.fsPath, marker.file);
    assert.equal(editor?.selection.active.line, marker.line - 1);
    assert.equal(await report.open('0123456789abcdef'), false);
  });

  test('the tree shows target -> type -> site with the marked line, and a click opens it', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const tree = api.tree;
    const targetNode = tree.getChildren().find((n) => n.kind === 'target' && n.targetId === targetId);
    assert.ok(targetNode, 'the target is not a root of the tree');
    assert.equal(tree.getTreeItem(targetNode).label, api.targets.get(targetId)!.label);
    const typeNodes = tree.getChildren(targetNode);
    const promises = typeNodes.find((n) => n.kind === 'type' && n.type === 'PROMISE');
    assert.ok(promises, `no PROMISE type under the target: ${typeNodes.map((n) => tree.getTreeItem(n).label).join(', ')}`);
    const description = String(tree.getTreeItem(promises).description);
    assert.match(description, /^\d[\d,]* [↑↓→]$|^\d[\d,]*$/, `type description: ${description}`);

    const sites = tree.getChildren(promises);
    const marked = sites.find((n): n is Extract<LensNode, { kind: 'site' }> => n.kind === 'site' && atMarker(marker)(n.site));
    assert.ok(marked, `the marked line is not among the PROMISE sites: ${sites.map((n) => tree.getTreeItem(n).label).join(', ')}`);
    assert.ok(marked.site.count >= LOAD, `count ${marked.site.count}`);
    const item = tree.getTreeItem(marked);
    // Count and line first (what a narrow sidebar still shows), then the kind.
    assert.match(String(item.label), new RegExp(`^[\\d,]+( [↑↓→])? · server\\.js:${marker.line} blocked$`));
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'debug-pause');
    assert.ok(item.command, 'a site of a file on disk has a click command');

    await vscode.commands.executeCommand(item.command.command, ...(item.command.arguments ?? []));
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.fsPath, marker.file);
    assert.equal(editor?.selection.active.line, marker.line - 1);

    const stack = tree.getChildren(marked).find((n) => n.kind === 'stack');
    assert.ok(stack, 'the site has no example stack');
    // Your frames, then node: and node_modules frames folded into one "N library frames" row.
    const rows = tree.getChildren(stack);
    const library = rows.find((n) => n.kind === 'library');
    const frames = [...rows, ...(library ? tree.getChildren(library) : [])]
      .filter((n) => n.kind === 'frame')
      .map((n) => tree.getTreeItem(n));
    assert.ok(
      frames.some((f) => f.command && String(f.description).startsWith(marker.file)),
      'no clickable frame in the marked file',
    );
    assert.ok(
      frames.filter((f) => String(f.description).startsWith('node:')).every((f) => !f.command),
      'a node: frame is clickable',
    );
  });

  test('the Snapshots section lists both snapshots by time and label', () => {
    const tree = api.tree;
    const section = tree.getChildren().find((n) => n.kind === 'snapshots');
    assert.ok(section, 'no Snapshots section');
    const names = tree.getChildren(section).map((n) => String(tree.getTreeItem(n).label));
    assert.ok(names.includes(api.snapshots.get(beforeId)!.name), names.join(', '));
    assert.ok(names.includes(api.snapshots.get(afterId)!.name), names.join(', '));
  });

  test('export then import gives back the same snapshot', async () => {
    const path = join(tmp, 'after.json');
    assert.equal(await vscode.commands.executeCommand('asyncLeakLens.exportSnapshot', afterId, path), path);
    const importedId = await vscode.commands.executeCommand<string | undefined>('asyncLeakLens.importSnapshot', path);
    assert.ok(importedId, 'Import Snapshot stored nothing');
    assert.notEqual(importedId, afterId);
    const original = api.snapshots.get(afterId)!.snapshot;
    assert.deepEqual(api.snapshots.get(importedId)!.snapshot, JSON.parse(JSON.stringify(original)));
    assert.equal(api.snapshots.get(importedId)!.origin, 'after.json');
  });

  test('importing a corrupt or foreign file fails and leaves the store as it was', async () => {
    const exported = readFileSync(join(tmp, 'after.json'), 'utf8');
    const truncated = join(tmp, 'truncated.json');
    writeFileSync(truncated, exported.slice(0, Math.floor(exported.length / 2)));
    const foreign = join(tmp, 'package.json');
    writeFileSync(foreign, JSON.stringify({ name: 'some-app', version: '1.0.0', scripts: {} }));
    const idsBefore = api.snapshots.list().map((s) => s.id);
    for (const path of [truncated, foreign, join(tmp, 'missing.json')]) {
      assert.equal(await vscode.commands.executeCommand('asyncLeakLens.importSnapshot', path), undefined, path);
    }
    assert.deepEqual(
      api.snapshots.list().map((s) => s.id),
      idsBefore,
    );
  });
});
