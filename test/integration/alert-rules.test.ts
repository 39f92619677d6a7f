// The alerting rules shipped in prometheus/: valid for Prometheus (promtool check rules), they
// fire on what they should and only that (promtool test rules), and they only use metrics that
// async-leak-lens/metrics exports, with the labels it gives them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { METRICS } from '../../src/metrics/families';
import { repoRoot } from '../support/fixtures';
import { findTool, skipWithout } from '../support/prometheus-tools';

const dir = join(repoRoot(), 'prometheus');

test('promtool check rules accepts the rules file', { skip: skipWithout('promtool') }, () => {
  const out = execFileSync(findTool('promtool')!, ['check', 'rules', join(dir, 'async-leak-lens.rules.yml')], { encoding: 'utf8' });
  assert.match(out, /SUCCESS: 2 rules found/);
});

test(
  'promtool test rules: growth for 15 minutes and rising abandoned tasks fire, short bursts do not',
  { skip: skipWithout('promtool') },
  () => {
    const out = execFileSync(findTool('promtool')!, ['test', 'rules', 'async-leak-lens.rules.test.yml'], { cwd: dir, encoding: 'utf8' });
    assert.match(out, /SUCCESS/);
  },
);

test('the rules use exported metric names only', () => {
  const rules = readFileSync(join(dir, 'async-leak-lens.rules.yml'), 'utf8');
  const used = [...rules.matchAll(/\b(nodejs_async_[a-z_]+)/g)].map((m) => m[1]);
  assert.ok(used.length >= 2);
  const exported = new Set<string>(Object.values(METRICS).map((m) => m.name));
  for (const name of used) assert.ok(exported.has(name), `${name} is not exported`);
});
