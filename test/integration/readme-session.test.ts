// The README's real session must stay what the demo prints: a stale transcript (another request
// count, another output format) fails here with the line that differs and how to regenerate it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../support/fixtures';

test("the README's real session matches a real run of the demo", () => {
  const check = spawnSync(process.execPath, [join(repoRoot(), 'scripts', 'readme-session.mjs'), '--check'], {
    cwd: repoRoot(),
    encoding: 'utf8',
    timeout: 200_000,
  });
  assert.equal(check.status, 0, `${check.stdout}\n${check.stderr}`);
});
