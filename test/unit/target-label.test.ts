import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressFromInput, readTypedTarget } from '../../src/extension/attach/picker-text';
import { scriptName, targetLabel } from '../../src/extension/targets/target-label';

test('the script of a command line: options and their values skipped, the path cut to its name', () => {
  assert.equal(scriptName(['/usr/bin/node', '/srv/app/t3-interval.js']), 't3-interval.js');
  assert.equal(scriptName(['node', '--inspect=127.0.0.1:0', '-r', 'ts-node/register', 'src/main.ts', '--port', '1']), 'main.ts');
  assert.equal(scriptName(['node', '--import', 'tsx', 'C:\\app\\server.ts']), 'server.ts');
  assert.equal(scriptName(['node', '-e', 'setInterval(() => {}, 1000)']), 'node -e');
  assert.equal(scriptName(['/usr/bin/node']), 'node');
  assert.equal(scriptName([]), 'node');
  // A title the program set for itself (process.title) is its name.
  assert.equal(scriptName(['npm', 'run', 'build']), 'npm run build');
  assert.equal(scriptName(['node22', 'app.js']), 'app.js');
});

test('one label for one process, however it was attached: script and pid, then the debug session', () => {
  // By inspector address (the agent's process.argv), by the picker (the command line), by a debug session.
  assert.equal(targetLabel({ pid: 2958, argv: ['/usr/bin/node', '/w/t3-interval.js'] }), 't3-interval.js · pid 2958');
  assert.equal(
    targetLabel({ pid: 2958, argv: '/usr/bin/node --inspect=127.0.0.1:9229 /w/t3-interval.js'.split(' ') }),
    't3-interval.js · pid 2958',
  );
  assert.equal(
    targetLabel({ pid: 4837, argv: ['node', '/w/t9-express-pool.js'], debugSessionName: 'Launch Program' }),
    't9-express-pool.js · pid 4837 · Launch Program',
  );
  assert.equal(targetLabel({ pid: 1, argv: undefined }), 'node · pid 1');
  // What the target says is data: not an array, not strings, control characters.
  assert.equal(targetLabel({ pid: 7, argv: 'x' as unknown as string[] }), 'node · pid 7');
  assert.equal(targetLabel({ pid: 7, argv: ['node', 'evil\u001b[31m\u202e.js'] }), 'evil\\x1b[31m\\u202e.js · pid 7');
  assert.ok(targetLabel({ pid: 7, argv: ['node', `${'a'.repeat(200)}.js`] }).length < 80);
});

test("the picker's typed text: a number is a port, a pid is written pid:N", () => {
  assert.deepEqual(readTypedTarget('1'), { kind: 'address', address: '127.0.0.1:1', port: 1 });
  assert.deepEqual(readTypedTarget(' :9229 '), { kind: 'address', address: '127.0.0.1:9229', port: 9229 });
  assert.deepEqual(readTypedTarget('port 9229'), { kind: 'address', address: '127.0.0.1:9229', port: 9229 });
  assert.deepEqual(readTypedTarget('localhost:9230'), { kind: 'address', address: 'localhost:9230', port: 9230 });
  assert.deepEqual(readTypedTarget('[::1]:9230'), { kind: 'address', address: '[::1]:9230', port: 9230 });
  assert.deepEqual(readTypedTarget('ws://127.0.0.1:9229/abc'), { kind: 'address', address: 'ws://127.0.0.1:9229/abc' });
  assert.deepEqual(readTypedTarget('pid:4837'), { kind: 'pid', pid: 4837 });
  assert.deepEqual(readTypedTarget('PID 4837'), { kind: 'pid', pid: 4837 });
  // Only a filter: names, numbers that cannot be ports, pid 0.
  for (const text of ['', 'server', 'node server.js', '70000', '0', 'pid:0', 'host:99999'])
    assert.equal(readTypedTarget(text), undefined, text);
});

test('"Attach by Inspector Address": a bare number is a port on this machine, never a pid', () => {
  assert.equal(addressFromInput('1'), '127.0.0.1:1');
  assert.equal(addressFromInput(' 9229 '), '127.0.0.1:9229');
  assert.equal(addressFromInput('pid:1'), 'pid:1');
  assert.equal(addressFromInput('localhost:9229'), 'localhost:9229');
});
