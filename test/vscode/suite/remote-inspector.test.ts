// The opt-in for inspectors on other hosts: refused without it, warned about when turned on and
// before each remote attach, and declared machine-scoped (a workspace cannot turn it on).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { eventually, EXTENSION_ID, lensApi } from '../support/attach-helpers';

/** TEST-NET-1 (RFC 5737): never a real host, so nothing is reached whatever the network. */
const REMOTE = '192.0.2.1:9229';

suite('inspectors on other hosts', function () {
  this.timeout(30_000);
  const setting = () => vscode.workspace.getConfiguration('asyncLeakLens');

  teardown(async () => {
    await setting().update('allowRemoteInspector', undefined, vscode.ConfigurationTarget.Global);
  });

  test('the setting is machine-scoped and off by default', () => {
    const declared =
      vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes.configuration.properties['asyncLeakLens.allowRemoteInspector'];
    assert.equal(declared.scope, 'machine');
    assert.equal(declared.default, false);
    assert.equal(setting().get('allowRemoteInspector'), false);
  });

  test('without the opt-in a remote address is refused before any connection, with the way out named', async () => {
    const api = await lensApi();
    const warningsBefore = api.remoteWarnings.given.length;
    await assert.rejects(
      api.targets.attach({ address: REMOTE, source: 'address' }),
      /Refusing to connect to 192\.0\.2\.1: only loopback .*asyncLeakLens\.allowRemoteInspector/,
    );
    assert.equal(api.remoteWarnings.given.length, warningsBefore, 'nothing to warn about: nothing was attempted');
    assert.equal(api.targets.list().length, 0);
  });

  test('turning the opt-in on warns; a remote attach then warns first and fails with a clear error', async () => {
    const api = await lensApi();
    const given = api.remoteWarnings.given;
    const before = given.length;
    await setting().update('allowRemoteInspector', true, vscode.ConfigurationTarget.Global);
    await eventually(() => given.length === before + 1, 5000, 'one warning when the setting is turned on');
    assert.match(given[before], /allowRemoteInspector is on: .*controls that process.*not encrypted/);

    const started = Date.now();
    await assert.rejects(api.targets.attach({ address: REMOTE, source: 'address' }), (error: Error) => {
      assert.doesNotMatch(error.message, /Refusing/);
      assert.match(error.message, /192\.0\.2\.1/);
      return true;
    });
    assert.ok(Date.now() - started < 15_000, 'a remote address that answers nothing fails within seconds');
    assert.equal(given.length, before + 2, 'one warning before the remote attach');
    assert.match(given[before + 1], /^Attaching to the inspector on 192\.0\.2\.1, another host .*not encrypted/);

    // Loopback addresses never warn, with or without the opt-in.
    await assert.rejects(api.targets.attach({ address: '127.0.0.1:1', source: 'address' }), /Nothing is listening/);
    assert.equal(given.length, before + 2);
  });
});
