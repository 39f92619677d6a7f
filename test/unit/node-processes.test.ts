import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { repoRoot, startScript } from '../support/fixtures';
import { inspectPortFromArgv, isNodeCommand, listNodeProcesses, parsePsOutput } from '../../src/extension/attach/node-processes';

test('Node binaries are recognised by name, not by substring', () => {
  assert.equal(isNodeCommand('/usr/bin/node', []), true);
  assert.equal(isNodeCommand('/home/u/.nvm/versions/node/v20.1.0/bin/node', []), true);
  assert.equal(isNodeCommand('/usr/bin/nodejs', []), true);
  assert.equal(isNodeCommand('C:\\Program Files\\nodejs\\node.exe', []), true);
  assert.equal(isNodeCommand('/usr/bin/nodemon', ['nodemon']), false);
  assert.equal(isNodeCommand('/usr/bin/python3', ['node']), false);
  assert.equal(isNodeCommand('', ['node', 'server.js']), true);
  assert.equal(isNodeCommand('', ['/opt/node22', 'server.js']), true);
  assert.equal(isNodeCommand('', []), false);
});

test('the inspector port a command line asks for', () => {
  assert.equal(inspectPortFromArgv(['node', 'app.js']), undefined);
  assert.equal(inspectPortFromArgv(['node', '--inspect', 'app.js']), 9229);
  assert.equal(inspectPortFromArgv(['node', '--inspect-brk=9333', 'app.js']), 9333);
  assert.equal(inspectPortFromArgv(['node', '--inspect=127.0.0.1:9444', 'app.js']), 9444);
  assert.equal(inspectPortFromArgv(['node', '--inspect=[::1]:9445', 'app.js']), 9445);
  assert.equal(inspectPortFromArgv(['node', '--inspect=127.0.0.1:0', 'app.js']), undefined);
  assert.equal(inspectPortFromArgv(['node', '--inspect-wait', '--inspect-port=9555', 'app.js']), 9555);
  assert.equal(inspectPortFromArgv(['node', '--inspector-thing', 'app.js']), undefined);
});

test('ps output is read line by line', () => {
  const table = parsePsOutput('  101 node             node server.js --port 3\n  7 /usr/sbin/sshd   sshd: root\n\nbad line\n');
  assert.deepEqual(table, [
    { pid: 101, executable: 'node', argv: ['node', 'server.js', '--port', '3'] },
    { pid: 7, executable: '/usr/sbin/sshd', argv: ['sshd:', 'root'] },
  ]);
});

test('a running Node process is listed with its command line, the caller is not', async () => {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)', 'marker-for-node-processes-test'], { stdio: 'ignore' });
  try {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const list = await listNodeProcesses();
    const found = list.find((p) => p.pid === child.pid);
    assert.ok(found, `pid ${child.pid} not listed among ${list.length} Node processes`);
    assert.match(found.commandLine, /marker-for-node-processes-test/);
    assert.equal(found.inspector, undefined);
    assert.equal(list.find((p) => p.pid === process.pid), undefined);
  } finally {
    child.kill();
  }
});

test('listing asks only the inspector port a process reports, never its own server', { skip: process.platform !== 'linux' }, async () => {
  const logger = join(repoRoot(), 'test', 'reliability', 'targets', 'request-logger.js');
  const closed = await startScript(logger, { inspect: false });
  const inspectorPort = await freePort();
  const open = await startScript(logger, { inspect: false, execArgv: [`--inspect=127.0.0.1:${inspectorPort}`] }).catch(async (error) => {
    await closed.stop();
    throw error;
  });
  try {
    const list = await listNodeProcesses();
    assert.equal(list.find((p) => p.pid === closed.pid)?.inspector, undefined);
    assert.equal(list.find((p) => p.pid === open.pid)?.inspector, `127.0.0.1:${inspectorPort}`);
    // Other programs on the machine may probe ports too: only requests from this process count.
    for (const target of [closed, open]) assert.doesNotMatch(target.stdout(), new RegExp(`REQUEST .* FROM ${process.pid}\\b`));
  } finally {
    await Promise.all([closed.stop(), open.stop()]);
  }
});

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}
