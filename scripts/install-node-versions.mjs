// Installs the other Node majors the agent must work on (npm packages node@<major>, which ship the
// binary) into .cache/node-versions/<major>, for the cross-version integration test.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const NODE_MAJORS = ['18', '22', '24'];

export function nodeBinary(major) {
  return join(root, '.cache', 'node-versions', major, 'node_modules', 'node', 'bin', 'node');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const major of NODE_MAJORS) {
    const binary = nodeBinary(major);
    if (existsSync(binary)) {
      console.log(`node ${major}: ${execFileSync(binary, ['--version']).toString().trim()} (cached)`);
      continue;
    }
    const dir = join(root, '.cache', 'node-versions', major);
    mkdirSync(dir, { recursive: true });
    console.log(`node ${major}: installing node@${major} ...`);
    execFileSync('npm', ['install', '--prefix', dir, '--no-save', '--no-audit', '--no-fund', '--loglevel=error', `node@${major}`], {
      stdio: 'inherit',
    });
    console.log(`node ${major}: ${execFileSync(binary, ['--version']).toString().trim()}`);
  }
}
