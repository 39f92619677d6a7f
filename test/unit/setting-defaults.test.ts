// The settings' defaults are written once (src/extension/setting-defaults.ts); package.json
// declares them for the Settings editor. This keeps the two the same, setting by setting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SETTING_DEFAULTS } from '../../src/extension/setting-defaults';
import { AGENT_VERSION } from '../../src/core/inspector/agent-client';
import { repoRoot } from '../support/fixtures';

const manifest = JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8'));

test('every setting package.json declares has the same default in the table, and no other', () => {
  const declared: Record<string, { default: unknown }> = manifest.contributes.configuration.properties;
  const fromManifest = Object.fromEntries(
    Object.entries(declared).map(([key, property]) => [key.replace(/^asyncLeakLens\./, ''), property.default]),
  );
  assert.deepEqual({ ...SETTING_DEFAULTS }, fromManifest);
});

test('the agent carries the package version', () => {
  assert.equal(AGENT_VERSION, manifest.version);
});
