// Gutter marks, hover and CodeLens on a real leaky process: queue-workers leaves one worker per
// request blocked at its marked `for await` line, inside `async function runWorker`.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { LensApi } from '../../../src/extension/extension';
import type { AttachedTarget } from '../../../src/extension/targets/attached-target';
import { eventually } from '../support/attach-helpers';
import { driveLoad, findMarker, startFixture, type RunningFixture } from '../../support/fixtures';

const EXTENSION_ID = 'async-leak-lens.async-leak-lens';
const REQUESTS = 30;

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n---\n');
}

async function ourLenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
  return lenses.filter((l) => /tasks? blocked here$/.test(l.command?.title ?? ''));
}

suite('editor marks', function () {
  this.timeout(120_000);
  let api: LensApi;
  let fixture: RunningFixture | undefined;

  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<LensApi>(EXTENSION_ID)!.activate();
  });

  teardown(async () => {
    await vscode.workspace.getConfiguration('asyncLeakLens').update('decorations.enabled', undefined, vscode.ConfigurationTarget.Global);
    await api.targets.detachAll();
    await fixture?.stop();
    fixture = undefined;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  async function attachUnderLoad(): Promise<AttachedTarget> {
    fixture = await startFixture('queue-workers');
    const id = await vscode.commands.executeCommand<string | undefined>('asyncLeakLens.attachByAddress', String(fixture.inspectorPort));
    assert.ok(id, 'attach failed (see the "Async Leak Lens" output channel)');
    const target = api.targets.get(id)!;
    const load = await driveLoad(fixture.port, { requests: REQUESTS, concurrency: 4 });
    assert.equal(load.ok, REQUESTS, `load: ${JSON.stringify(load)}`);
    await target.refreshSites();
    return target;
  }

  test('the blocked line gets a mark with its count and kind, a hover with count and stack, and a CodeLens on its function; all cleared on detach', async () => {
    const marker = findMarker('queue-workers');
    assert.equal(marker.kind, 'blocked');
    const target = await attachUnderLoad();
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(marker.file));
    const uri = editor.document.uri;

    // Decoration: drawn in the visible editor, on the marked line, with the load's count.
    const mark = await eventually(
      () => api.editorMarks.appliedMarks(uri).find((m) => m.line === marker.line && m.count === REQUESTS),
      30_000,
      () =>
        `a mark with count ${REQUESTS} on line ${marker.line}; drawn: ${JSON.stringify(api.editorMarks.appliedMarks(uri))}; sites read: ${target.latestSites?.sites.length}`,
    );
    assert.equal(mark.kind, 'blocked');
    assert.equal(mark.severity, 'high', `${REQUESTS} blocked tasks weigh ${REQUESTS * 4}`);
    assert.match(mark.hint, new RegExp(`^${REQUESTS} tasks blocked here`));
    assert.equal(api.editorMarks.appliedMarks(uri).filter((m) => m.line === marker.line).length, 1);

    // Hover on that line: count, oldest age, and the example stack with links to its frames.
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      uri,
      new vscode.Position(marker.line - 1, 4),
    );
    const text = hoverText(hovers ?? []);
    assert.match(text, /Async Leak Lens/, `no hover of ours: ${text}`);
    assert.match(text, new RegExp(`\\*\\*Blocked at\\*\\* · PROMISE · \\*\\*${REQUESTS}\\*\\* pending tasks`));
    assert.match(text, /oldest \d/);
    assert.match(text, /Example stack/);
    const frameLink = /\[runWorker [^\]]*\]\((command:asyncLeakLens\.openFrame\?[^ )]+)/.exec(text);
    assert.ok(frameLink, `no link to the runWorker frame in: ${text}`);
    const [frameArgs] = JSON.parse(decodeURIComponent(frameLink[1].split('?')[1]));
    assert.deepEqual([frameArgs.file, frameArgs.line], [marker.file, marker.line]);
    const otherLine = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(0, 1));
    assert.doesNotMatch(hoverText(otherLine ?? []), /Async Leak Lens/, 'a line that is no site has no hover of ours');

    // The frame link's command opens that frame.
    await vscode.commands.executeCommand('asyncLeakLens.openFrame', frameArgs);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, marker.file);
    assert.equal(vscode.window.activeTextEditor?.selection.active.line, marker.line - 1);

    // CodeLens over the function whose invocations are blocked.
    const lines = readFileSync(marker.file, 'utf8').split('\n');
    const declaration = lines.findIndex((l) => /async function runWorker\(/.test(l));
    assert.ok(declaration >= 0 && declaration < marker.line - 1);
    const lenses = await eventually(
      async () => {
        const found = await ourLenses(uri);
        return found.length ? found : undefined;
      },
      15_000,
      () => 'a "tasks blocked here" CodeLens',
    );
    assert.deepEqual(
      lenses.map((l) => [l.range.start.line, l.command?.title]),
      [[declaration, `${REQUESTS} tasks blocked here`]],
    );

    // Detach: marks, hover and lens are gone.
    await api.targets.detach(target.id);
    await eventually(
      () => api.editorMarks.appliedMarks(uri).length === 0,
      10_000,
      () => `no marks after detach; drawn: ${JSON.stringify(api.editorMarks.appliedMarks(uri))}`,
    );
    assert.equal(api.editorMarks.indexedMarks(uri).length, 0);
    const after = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      uri,
      new vscode.Position(marker.line - 1, 4),
    );
    assert.doesNotMatch(hoverText(after ?? []), /Async Leak Lens/);
    assert.deepEqual(await ourLenses(uri), []);
  });

  test('Toggle Editor Decorations hides and shows the marks (and follows the setting)', async () => {
    const marker = findMarker('queue-workers');
    await attachUnderLoad();
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(marker.file));
    const uri = editor.document.uri;
    const marked = () => api.editorMarks.appliedMarks(uri).some((m) => m.line === marker.line);
    await eventually(marked, 30_000, () => `a mark on line ${marker.line}`);

    await vscode.commands.executeCommand('asyncLeakLens.toggleEditorDecorations');
    assert.equal(vscode.workspace.getConfiguration('asyncLeakLens').get('decorations.enabled'), false);
    await eventually(
      () => !marked(),
      10_000,
      () => 'the marks to go away',
    );
    assert.deepEqual(await ourLenses(uri), [], 'no CodeLens while off');
    assert.ok(api.editorMarks.indexedMarks(uri).length > 0, 'the data is kept while hidden');

    await vscode.commands.executeCommand('asyncLeakLens.toggleEditorDecorations');
    await eventually(marked, 10_000, () => 'the marks to come back');
  });
});
