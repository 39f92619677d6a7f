// Files and processes the CLI touches: an output path is never replaced by something of another
// kind, and a signal goes only to a process proven to be Node (never pid 0/1, never itself or
// the processes that started it). Attach by pid talks only to the inspector, not to the app.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import * as inspector from 'node:inspector';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, startScript, type RunningFixture } from '../support/fixtures';
import { runCli } from './support/run-cli';

const requestLogger = join(repoRoot(), 'test', 'reliability', 'targets', 'request-logger.js');
const node24 = join(repoRoot(), '.cache', 'node-versions', '24', 'node_modules', 'node', 'bin', 'node');
const SNAPSHOT_SCHEMA = /"schema": "async-leak-lens\/snapshot@/;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('files: --out never replaces what the path is', () => {
  let target: RunningFixture;
  let dir: string;
  before(async () => {
    target = await startScript(requestLogger);
    dir = mkdtempSync(join(tmpdir(), 'alens-out-'));
  });
  after(async () => {
    await target.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a symlink to a file stays a link; the file it points at gets the snapshot', async () => {
    const real = join(dir, 'real.json');
    writeFileSync(real, 'old', { mode: 0o640 });
    const link = join(dir, 'link.json');
    symlinkSync(real, link);
    const result = await runCli(['snapshot', '--target', target.inspectorUrl, '--out', link]);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(lstatSync(link).isSymbolicLink(), 'the link is still a link');
    assert.equal(readlinkSync(link), real);
    assert.match(readFileSync(real, 'utf8'), SNAPSHOT_SCHEMA);
    assert.equal(statSync(real).mode & 0o777, 0o640, 'the file keeps its permissions');
  });

  test('a FIFO stays a FIFO and its reader gets the snapshot', async () => {
    const fifo = join(dir, 'snapshot.fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'ignore'] });
    let read = '';
    reader.stdout.on('data', (chunk) => (read += chunk));
    const readerDone = new Promise((r) => reader.once('close', r));
    try {
      const result = await runCli(['snapshot', '--target', target.inspectorUrl, '--out', fifo]);
      assert.equal(result.code, 0, result.stderr);
      // A writer that replaced the FIFO never reaches the reader: bounded wait.
      await Promise.race([readerDone, new Promise((r) => setTimeout(r, 5000))]);
    } finally {
      reader.kill();
    }
    assert.ok(lstatSync(fifo).isFIFO(), 'still a FIFO');
    assert.match(read, SNAPSHOT_SCHEMA);
  });

  test(
    "a symlink to /proc/self/fd/1 writes to the command's own stdout and stays a link",
    { skip: !existsSync('/proc/self/fd/1') },
    async () => {
      const link = join(dir, 'stdout.json');
      symlinkSync('/proc/self/fd/1', link);
      const result = await runCli(['snapshot', '--target', target.inspectorUrl, '--out', link]);
      assert.equal(result.code, 0, result.stderr);
      assert.ok(lstatSync(link).isSymbolicLink(), 'the link is still a link');
      assert.match(result.stdout, SNAPSHOT_SCHEMA);
    },
  );

  // A private twin of /dev/null (same device numbers) rather than /dev/null itself: should this
  // ever regress, the machine's /dev/null must not be the thing that gets replaced.
  test('a character device (a twin of /dev/null) stays a device', async (t) => {
    const device = join(dir, 'null');
    try {
      execFileSync('mknod', [device, 'c', '1', '3'], { stdio: 'ignore' });
    } catch {
      t.skip('mknod is not allowed here (needs root)');
      return;
    }
    const result = await runCli(['snapshot', '--target', target.inspectorUrl, '--out', device]);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(lstatSync(device).isCharacterDevice(), 'still a character device');
    assert.ok(statSync('/dev/null').isCharacterDevice());
  });

  test('a directory or a socket is refused with a clear message, and left alone', async () => {
    const sub = join(dir, 'sub');
    execFileSync('mkdir', [sub]);
    const asDir = await runCli(['snapshot', '--target', target.inspectorUrl, '--out', sub]);
    assert.equal(asDir.code, 2);
    assert.match(asDir.stderr, /the path is a directory/);
    assert.ok(statSync(sub).isDirectory());

    const socketPath = join(dir, 'app.sock');
    const server = net.createServer().listen(socketPath);
    await new Promise((r) => server.once('listening', r));
    try {
      const asSocket = await runCli(['snapshot', '--target', target.inspectorUrl, '--out', socketPath]);
      assert.equal(asSocket.code, 2);
      assert.match(asSocket.stderr, /the path is a socket, so nothing was written there/);
      assert.ok(lstatSync(socketPath).isSocket(), 'still a socket');
    } finally {
      server.close();
    }
  });
});

describe('signals: only a process proven to be Node gets SIGUSR1', () => {
  const cleanups: (() => unknown)[] = [];
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'alens-signals-'));
  });
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const [spec, reason] of [
    ['pid:0', /pid 0 cannot be a target/],
    ['pid:1', /pid 1 cannot be a target: pid 1 is the init process/],
    ['pid:-5', /Cannot read target "pid:-5"/],
  ] as const) {
    test(`--target ${spec} is refused before anything is signalled`, async () => {
      const result = await runCli(['snapshot', '--target', spec]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, reason);
      assert.doesNotMatch(result.stderr, /SIGUSR1|Debugger listening/);
    });
  }

  test("the command's own parent (here: the test process) is refused", async () => {
    const result = await runCli(['snapshot', '--target', `pid:${process.pid}`]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, new RegExp(`pid ${process.pid} is a parent of this command`));
    assert.equal(inspector.url(), undefined, 'the test process did not open an inspector');
  });

  function startImpostor(command: string, args: string[]): ChildProcess {
    const child = spawn(command, args, { stdio: 'ignore' });
    cleanups.push(() => child.kill('SIGKILL'));
    return child;
  }

  async function assertNotSignalled(child: ChildProcess, why: RegExp): Promise<void> {
    await new Promise((r) => setTimeout(r, 300)); // exec'd and running
    assert.ok(isAlive(child.pid!), 'started');
    const result = await runCli(['snapshot', '--target', `pid:${child.pid}`]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /was not sent SIGUSR1/);
    assert.match(result.stderr, why);
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(isAlive(child.pid!), 'the process is still running');
    assert.equal(child.signalCode, null);
  }

  test('python3 with "node1" in its arguments is not signalled', { skip: !hasCommand('python3') }, async () => {
    // The interpreter itself, not a version manager's shim script that starts it later.
    const python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)']).toString().trim();
    const child = startImpostor(python, ['-c', 'import time; time.sleep(60)', 'node1']);
    await assertNotSignalled(child, /its executable is .*python/);
  });

  test('a symlink to sleep named node is not signalled', async () => {
    const link = join(dir, 'node');
    symlinkSync(sleepBinary(), link);
    const child = startImpostor(link, ['60']);
    await assertNotSignalled(child, /its executable is .*sleep/);
  });

  test('a copy of sleep named node is not signalled', async () => {
    const copyDir = join(dir, 'copy');
    execFileSync('mkdir', [copyDir]);
    const copy = join(copyDir, 'node');
    copyFileSync(sleepBinary(), copy);
    execFileSync('chmod', ['+x', copy]);
    const child = startImpostor(copy, ['60']);
    await assertNotSignalled(child, /named like Node\.js but is not a Node\.js binary/);
  });
});

describe('attach by pid talks to the inspector only', () => {
  for (const [version, binary] of [
    ['this Node', process.execPath],
    ['Node 24', node24],
  ] as const) {
    test(
      `${version}: SIGUSR1, snapshot, detach; the app's own server saw no request; --close-inspector closes it`,
      { skip: !existsSync(binary) && `${binary} is not installed` },
      async () => {
        // --inspect-port=0: the inspector SIGUSR1 opens takes a free port (9229 may be busy here).
        const target = await startScript(requestLogger, { node: binary, inspect: false, execArgv: ['--inspect-port=0'] });
        try {
          const result = await runCli(['snapshot', '--target', `pid:${target.pid}`, '--detach']);
          assert.equal(result.code, 0, result.stderr);
          assert.match(result.stdout, SNAPSHOT_SCHEMA);
          // Other programs on this machine may probe ports too: only requests from the CLI count.
          assert.doesNotMatch(target.stdout(), new RegExp(`REQUEST .* FROM ${result.pid}\\b`), 'the app got a request from the tool');
          assert.match(
            result.stderr,
            new RegExp(
              `The inspector that SIGUSR1 opened in pid ${target.pid} stays listening on 127\\.0\\.0\\.1:\\d+ .*detach --target 127\\.0\\.0\\.1:\\d+ --close-inspector`,
            ),
          );
          const port = Number(/Debugger listening on ws:\/\/127\.0\.0\.1:(\d+)\//.exec(target.stderr())?.[1]);
          assert.ok(port > 0, target.stderr());
          assert.equal(await portAccepts(port), true, 'the inspector stays open after detach');

          const closing = await runCli(['detach', '--target', `127.0.0.1:${port}`, '--close-inspector']);
          assert.equal(closing.code, 0, closing.stderr);
          const deadline = Date.now() + 5000;
          while ((await portAccepts(port)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
          assert.equal(await portAccepts(port), false, 'the inspector closed');
          assert.ok(isAlive(target.pid), 'the target runs on');
          assert.doesNotMatch(target.stdout(), new RegExp(`REQUEST .* FROM ${closing.pid}\\b`));
        } finally {
          await target.stop();
        }
      },
    );
  }
});

function hasCommand(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function sleepBinary(): string {
  return execFileSync('sh', ['-c', 'command -v sleep']).toString().trim();
}
