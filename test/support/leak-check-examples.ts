// The leak-check example suites under test/fixtures/leak-check, run as users run them: a runner
// as a child process in that folder, requiring 'async-leak-lens/leak-check' (the built bundle).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './fixtures';

export const examples = join(repoRoot(), 'test', 'fixtures', 'leak-check');

export interface Run {
  code: number;
  output: string;
}

/** `node ...args` in the examples folder; resolves with the exit code and stdout + stderr. */
export function runExample(args: string[]): Promise<Run> {
  // A child of `node --test` would otherwise report to this runner in its binary protocol.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd: examples, timeout: 90_000, env: { ...env, NO_COLOR: '1', FORCE_COLOR: '0' } },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, output: stdout + stderr });
      },
    );
  });
}

/** The line of an example that carries `// @leak <kind>[ label]`. */
export function markedLine(file: string, label = ''): number {
  const lines = readFileSync(join(examples, file), 'utf8').split('\n');
  const at = lines.findIndex((l) => new RegExp(`// @leak (blocked|created|abandoned)${label ? ` ${label}` : ''}\\s*$`).test(l));
  assert.ok(at >= 0, `no marker in ${file}`);
  return at + 1;
}

/** The first line of an example that contains `text`. */
export function lineOf(file: string, text: string): number {
  const at = readFileSync(join(examples, file), 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(text));
  assert.ok(at >= 0, `no "${text}" in ${file}`);
  return at + 1;
}
