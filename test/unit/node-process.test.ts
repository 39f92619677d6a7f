import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { checkNodeExecutable, inspectPortFromArgv, isNodeBinaryName, reportedInspectorPort } from '../../src/core/inspector/node-process';
import { ancestorPids, assertTargetablePid } from '../../src/core/inspector/pid-guard';

const linux = existsSync('/proc/self/exe');

test('Node executable names', () => {
  for (const name of ['/usr/bin/node', '/opt/nodejs', 'node22', 'node-22.1.0', 'C:\\nodejs\\node.exe'])
    assert.equal(isNodeBinaryName(name), true, name);
  for (const name of ['/usr/bin/nodemon', 'python3', 'node1.sh', 'sleep', 'nodes']) assert.equal(isNodeBinaryName(name), false, name);
});

test('this process is proven Node from its executable; a shell is not', { skip: !linux }, async () => {
  assert.equal(checkNodeExecutable(process.pid).node, true);
  const child = spawn('sh', ['-c', 'sleep 5', 'node'], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 100));
    const check = checkNodeExecutable(child.pid!);
    assert.equal(check.node, false);
    assert.match((check as { reason: string }).reason, /its executable is .*(sh|dash|bash|sleep)/);
  } finally {
    child.kill();
  }
});

test('the inspector port a process reports: command line over NODE_OPTIONS, 0 is random, default 9229', { skip: !linux }, async () => {
  const cases: [string[], Record<string, string>, number | 'random'][] = [
    [[], {}, 9229],
    [['--inspect-port=9333'], {}, 9333],
    [[], { NODE_OPTIONS: '--inspect-port=9444' }, 9444],
    [['--inspect-port=0'], { NODE_OPTIONS: '--inspect-port=9444' }, 'random'],
    [['--inspect=127.0.0.1:0'], {}, 'random'],
  ];
  for (const [flags, env, expected] of cases) {
    const child = spawn(process.execPath, [...flags, '-e', 'setTimeout(() => {}, 5000)'], {
      stdio: 'ignore',
      env: { ...process.env, NODE_OPTIONS: '', ...env },
    });
    try {
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(reportedInspectorPort(child.pid!), expected, JSON.stringify({ flags, env }));
    } finally {
      child.kill();
    }
  }
  assert.equal(inspectPortFromArgv(['node', '--inspect=[::1]:9445']), 9445);
});

test('pids never targeted: 0, 1, negative, this process, its parents', () => {
  for (const pid of [0, 1, -1, process.pid, process.ppid])
    assert.throws(() => assertTargetablePid(pid), /cannot be a target|this command itself|a parent of this command/, String(pid));
  assert.equal(ancestorPids()[0], process.ppid);
});
