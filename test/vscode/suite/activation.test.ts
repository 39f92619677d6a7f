// The extension loads in a real VS Code, activates, and registers its commands.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'async-leak-lens.async-leak-lens';
const COMMANDS = ['asyncLeakLens.attachByAddress'];

suite('activation', () => {
  test('the extension under test is loaded: the installed package (npm run test:package), else this checkout', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} not found among ${vscode.extensions.all.length} extensions`);
    assert.equal(ext.packageJSON.name, 'async-leak-lens');
    const checkout = process.env.ASYNC_LEAK_LENS_REPO_ROOT;
    if (process.env.ASYNC_LEAK_LENS_TEST_VSIX) assert.notEqual(ext.extensionPath, checkout, 'the package is not the one loaded');
    else assert.equal(ext.extensionPath, checkout);
  });

  test('it activates without error', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  test('it registers its commands', async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    const all = new Set(await vscode.commands.getCommands(true));
    for (const id of COMMANDS) assert.ok(all.has(id), `command ${id} is not registered`);
  });

  test('every command it contributes is registered', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    await ext.activate();
    const contributed: string[] = (ext.packageJSON.contributes?.commands ?? []).map((c: { command: string }) => c.command);
    assert.ok(contributed.length > 0, 'package.json contributes no commands');
    const all = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(
      contributed.filter((id) => !all.has(id)),
      [],
    );
  });

  test('the extension host runs on Node with the full API', () => {
    assert.ok(process.versions.node, 'no Node in the extension host');
    assert.equal(typeof vscode.debug.startDebugging, 'function');
  });
});
