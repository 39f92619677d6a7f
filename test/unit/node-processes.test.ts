import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, startScript } from '../support/fixtures';
import {
  byRelevance,
  inspectPortFromArgv,
  isEditorProcess,
  isNodeCommand,
  listNodeProcesses,
  parsePsOutput,
  parseStatStartTicks,
  type NodeProcess,
} from '../../src/extension/attach/node-processes';

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

test('ps output is read line by line, with start times from the elapsed time', () => {
  const now = Date.UTC(2026, 11, 3, 12, 0, 0);
  const table = parsePsOutput(
    '  101 01:05 node             node server.js --port 3\n  7 2-03:04:05 /usr/sbin/sshd   sshd: root\n\nbad line\n',
    now,
  );
  assert.deepEqual(table, [
    { pid: 101, executable: 'node', argv: ['node', 'server.js', '--port', '3'], startedAtMs: now - 65_000 },
    { pid: 7, executable: '/usr/sbin/sshd', argv: ['sshd:', 'root'], startedAtMs: now - ((2 * 24 + 3) * 3600 + 4 * 60 + 5) * 1000 },
  ]);
});

test('the start time is field 22 of /proc/<pid>/stat, whatever the command name holds', () => {
  const rest = 'S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 987654 20 21';
  assert.equal(parseStatStartTicks(`4837 (node) ${rest}`), 987654);
  assert.equal(parseStatStartTicks(`4837 (a) b (c) ${rest}`), 987654);
});

const proc = (pid: number, startedAtMs: number | undefined, editorOwn = false): NodeProcess => ({
  pid,
  commandLine: `node app${pid}.js`,
  startedAtMs,
  editorOwn,
});

test("the picker's order: the user's programs first, newest start first (not highest pid), unknown starts last", () => {
  // pid 300 wrapped around: it started last although its pid is the smallest.
  const list = [proc(32000, 1000), proc(300, 3000), proc(31000, 2000), proc(5, undefined), proc(40000, 9000, true), proc(20000, 500, true)];
  assert.deepEqual(
    list.sort(byRelevance).map((p) => p.pid),
    [300, 31000, 32000, 5, 40000, 20000],
  );
});

test("the editor's own processes are told apart from the user's programs by their command lines", () => {
  const editor = [
    '/srv/code-server/lib/node /srv/code-server/lib/vscode/out/bootstrap-fork --type=extensionHost --transformURIs',
    '/usr/bin/node /home/u/.vscode-server/bin/abc/out/bootstrap-fork --type=fileWatcher',
    '/usr/bin/node /home/u/project/node_modules/typescript/lib/tsserver.js --serverMode partialSemantic --useInferredProjectPerProjectRoot',
    '/usr/bin/node /home/u/project/node_modules/typescript/lib/typingsInstaller.js --globalTypingsCacheLocation /tmp',
    '/usr/lib/code-server/lib/node /usr/lib/code-server/out/node/entry',
    '/usr/bin/node /home/u/.vscode/extensions/dbaeumer.vscode-eslint-3.0.10/server/out/eslintServer.js --node-ipc --clientProcessId=1234',
    '/opt/vscode/resources/app/extensions/json-language-features/server/dist/node/jsonServerMain --node-ipc --clientProcessId=4321',
    '/usr/bin/node /home/u/.npm/_npx/1/node_modules/.bin/typescript-language-server --stdio',
  ];
  const user = [
    'node server.js',
    '/usr/bin/node --inspect=127.0.0.1:9229 /srv/app/dist/main.js',
    'node /home/u/code/server-tools/index.js',
    'node test/fixtures/queue-workers/server.js',
  ];
  for (const line of editor) assert.equal(isEditorProcess(line.split(' ')), true, line);
  for (const line of user) assert.equal(isEditorProcess(line.split(' ')), false, line);
});

test('real processes: a newer program is listed before an older one, an editor helper started last after both', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'async-leak-lens-processes-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const script = (name: string) => {
    mkdirSync(join(dir, ...name.split('/').slice(0, -1)), { recursive: true });
    writeFileSync(join(dir, name), 'setTimeout(() => {}, 60000);\n');
    return join(dir, name);
  };
  const run = (file: string) => {
    const child = spawn(process.execPath, [file], { stdio: 'ignore' });
    t.after(() => child.kill());
    return child.pid!;
  };
  const older = run(script('older.js'));
  await new Promise((resolve) => setTimeout(resolve, 1100)); // /proc start times count 1/100 s; ps's etime whole seconds
  const newer = run(script('newer.js'));
  // The newest of all, with the highest pid: still below the user's programs.
  const helper = run(script('lib/tsserver.js'));
  await new Promise((resolve) => setTimeout(resolve, 300));
  const order = (await listNodeProcesses()).map((p) => p.pid);
  const at = (pid: number) => order.indexOf(pid);
  assert.ok(at(newer) >= 0 && at(older) >= 0 && at(helper) >= 0, `not all listed: ${order.join(' ')}`);
  assert.ok(at(newer) < at(older), `the newer program (pid ${newer}) comes after the older one (pid ${older})`);
  assert.ok(at(older) < at(helper), `the editor helper (pid ${helper}) comes before a program`);
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
    assert.equal(
      list.find((p) => p.pid === process.pid),
      undefined,
    );
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
