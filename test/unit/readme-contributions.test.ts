// The README's "In VS Code" tables must name every command the palette shows and every setting,
// with the default package.json declares: docs that match the code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../support/fixtures';

const manifest = JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8'));
const readme = readFileSync(join(repoRoot(), 'README.md'), 'utf8');

test('every command shown in the palette is in the README', () => {
  const hidden = new Set(
    (manifest.contributes.menus.commandPalette as { command: string; when: string }[])
      .filter((m) => m.when === 'false')
      .map((m) => m.command),
  );
  const missing = (manifest.contributes.commands as { command: string; title: string }[])
    .filter((c) => !hidden.has(c.command) && !readme.includes(c.title))
    .map((c) => c.title);
  assert.deepEqual(missing, []);
});

test('every setting is in the README with its default', () => {
  const wrong = Object.entries(manifest.contributes.configuration.properties as Record<string, { default: unknown }>)
    .filter(([key, spec]) => !new RegExp(`\\| \`${key.replace(/\./g, '\\.')}\` \\| ${String(spec.default)} \\|`).test(readme))
    .map(([key, spec]) => `${key} (default ${JSON.stringify(spec.default)})`);
  assert.deepEqual(wrong, []);
});
