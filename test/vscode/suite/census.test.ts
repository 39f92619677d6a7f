// The census in the editor: a target that leaked before the attach shows the leaking line in the
// tree, with its count and marked "census", after Take Census.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LensApi } from '../../../src/extension/extension';
import type { LensNode } from '../../../src/extension/tree/tree-model';
import { driveLoad, findMarker, startFixture, type RunningFixture } from '../../support/fixtures';

const EXTENSION_ID = 'async-leak-lens.async-leak-lens';
const LOAD = 50;

suite('census', function () {
  this.timeout(120_000);
  let api: LensApi;
  let app: RunningFixture;
  let targetId: string | undefined;

  suiteSetup(async () => {
    api = (await vscode.extensions.getExtension(EXTENSION_ID)!.activate()) as LensApi;
    await vscode.workspace.getConfiguration('asyncLeakLens').update('census', 'never', vscode.ConfigurationTarget.Global);
    app = await startFixture('unreceived-send');
  });

  suiteTeardown(async () => {
    await vscode.workspace.getConfiguration('asyncLeakLens').update('census', undefined, vscode.ConfigurationTarget.Global);
    if (targetId) await api.targets.detach(targetId);
    await app?.stop();
  });

  test('load first, attach after: Take Census puts the leaking line in the tree with its count, marked census', async () => {
    const load = await driveLoad(app.port, { requests: LOAD, concurrency: 5 });
    assert.equal(load.ok, LOAD);
    targetId = await vscode.commands.executeCommand<string | undefined>('asyncLeakLens.attachByAddress', String(app.inspectorPort));
    assert.ok(targetId, 'no target');
    const info = await vscode.commands.executeCommand<{ tasks: number } | undefined>('asyncLeakLens.takeCensus', targetId);
    assert.equal(info?.tasks, LOAD);

    const marker = findMarker('unreceived-send');
    const tree = api.tree;
    const targetNode = tree.getChildren().find((n) => n.kind === 'target' && n.targetId === targetId)!;
    const promises = tree.getChildren(targetNode).find((n) => n.kind === 'type' && n.type === 'PROMISE');
    assert.ok(promises, 'no PROMISE type under the target');
    const site = tree
      .getChildren(promises)
      .find(
        (n): n is Extract<LensNode, { kind: 'site' }> =>
          n.kind === 'site' && n.site.frame.file === marker.file && n.site.frame.line === marker.line,
      );
    assert.ok(site, 'the leaking line is not in the tree');
    assert.equal(site.site.count, LOAD);
    const item = tree.getTreeItem(site);
    assert.match(String(item.description), /census/);
    assert.match(
      String(
        (item.tooltip as vscode.MarkdownString | string | undefined) instanceof vscode.MarkdownString
          ? (item.tooltip as vscode.MarkdownString).value
          : item.tooltip,
      ),
      /Found by the census/,
    );
  });
});
