// `npm test`: every layer in order, then one summary of what passed, failed or was skipped and why.
// Build and type errors stop the run (nothing after them would mean anything); a failing test
// layer does not, so one run shows every layer's result. Exit code 1 when any layer failed.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isCI } from './vscode-test/paths.mjs';
import { missingPrerequisites } from './vscode-test/prerequisites.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts;

// needsEditor: skipped (with the install command) where code-server or Chromium is missing, unless CI.
const layers = [
  { name: 'build', script: 'build', stopOnFailure: true },
  { name: 'typecheck', script: 'typecheck', stopOnFailure: true },
  { name: 'lint', script: 'lint', stopOnFailure: true },
  { name: 'unit', script: 'test:unit' },
  { name: 'Node 18/22/24 binaries', command: ['node', 'scripts/install-node-versions.mjs'], stopOnFailure: true },
  { name: 'integration', script: 'test:integration' },
  { name: 'reliability', script: 'test:reliability' },
  { name: 'VS Code extension host', script: 'test:vscode', needsEditor: true },
  { name: 'UI checks in a browser', script: 'test:ui', needsEditor: true },
  { name: 'packaged .vsix', script: 'test:package', needsEditor: true },
].filter((layer) => !layer.script || scripts[layer.script]);

const results = [];
const missing = missingPrerequisites();
for (const layer of layers) {
  if (layer.needsEditor && missing.length && !isCI) {
    results.push({ ...layer, outcome: 'skipped', note: `install with: ${missing.map((m) => m.fix).join(' && ')}` });
    continue;
  }
  const command = layer.command ?? ['npm', 'run', '-s', layer.script];
  console.log(`\n=== ${layer.name}: ${command.join(' ')}`);
  const started = Date.now();
  const run = spawnSync(command[0], command.slice(1), { cwd: root, stdio: 'inherit' });
  const seconds = (Date.now() - started) / 1000;
  const passed = run.status === 0;
  results.push({ ...layer, outcome: passed ? 'passed' : 'FAILED', note: `${seconds.toFixed(0)} s` });
  if (!passed && layer.stopOnFailure) break;
}

const width = Math.max(...layers.map((layer) => layer.name.length));
console.log('\n=== Summary');
for (const layer of layers) {
  const result = results.find((r) => r.name === layer.name);
  const outcome = result?.outcome ?? 'not run';
  console.log(`${layer.name.padEnd(width)}  ${outcome.padEnd(7)}  ${result?.note ?? '(an earlier step failed)'}`);
}
const failed = results.some((r) => r.outcome === 'FAILED');
const skipped = results.filter((r) => r.outcome === 'skipped').length;
console.log(
  failed ? '\nSome layers FAILED.' : skipped ? `\nAll run layers passed; ${skipped} skipped (see above).` : '\nAll layers passed.',
);
process.exit(failed ? 1 : 0);
