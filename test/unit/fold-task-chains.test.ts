import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AgentSite } from '../../src/agent/protocol';
import { foldTaskChains } from '../../src/core/sites/snapshot-builder';

function site(kind: AgentSite['kind'], type: string, line: number, column = 5): AgentSite {
  const frame = { file: '/app/server.js', line, column, function: 'f' };
  return { kind, type, frame, userCode: true, stack: [frame], count: 3, sampled: 3, oldestAgeMs: 10, examples: [] };
}

test('promises created where a task is blocked fold into the blocked-at site', () => {
  const sites = [
    site('blocked', 'PROMISE', 18, 20),
    site('created', 'PROMISE', 18, 9),
    site('created', 'PROMISE', 30),
    site('created', 'Timeout', 18),
  ];
  const kept = foldTaskChains(sites).map((s) => `${s.kind} ${s.type} ${s.frame.line}`);
  assert.deepEqual(kept, ['blocked PROMISE 18', 'created PROMISE 30', 'created Timeout 18']);
});

test('without a blocked site nothing folds', () => {
  const sites = [site('created', 'PROMISE', 18), site('created', 'PROMISE', 30)];
  assert.equal(foldTaskChains(sites).length, 2);
});
