// The shared writer on real files under a temp folder: what a path is before, it is after.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileOutputError, writeOutputFile } from '../../src/core/files/file-output';

const dir = mkdtempSync(join(tmpdir(), 'alens-file-output-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a new file and a replaced regular file: whole contents, mode kept, no temporary left', async () => {
  const path = join(dir, 'plain.json');
  await writeOutputFile(path, 'first');
  assert.equal(readFileSync(path, 'utf8'), 'first');
  execFileSync('chmod', ['600', path]);
  await writeOutputFile(path, 'second');
  assert.equal(readFileSync(path, 'utf8'), 'second');
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.deepEqual(
    readdirSync(dir).filter((name) => name.endsWith('.tmp')),
    [],
  );
});

test('a symlink (and a chain of them) stays a link; the file at the end is replaced in its own directory', async () => {
  const other = join(dir, 'elsewhere');
  mkdirSync(other);
  const real = join(other, 'real.json');
  writeFileSync(real, 'old');
  const first = join(dir, 'first-link');
  const second = join(dir, 'second-link');
  symlinkSync(real, first);
  symlinkSync('first-link', second); // relative, to a link
  await writeOutputFile(second, 'new');
  assert.ok(lstatSync(first).isSymbolicLink() && lstatSync(second).isSymbolicLink());
  assert.equal(readlinkSync(second), 'first-link');
  assert.equal(readFileSync(real, 'utf8'), 'new');
});

test('a dangling symlink is refused, not replaced', async () => {
  const link = join(dir, 'dangling');
  symlinkSync(join(dir, 'missing', 'x.json'), link);
  await assert.rejects(
    writeOutputFile(link, 'x'),
    (e: unknown) => e instanceof FileOutputError && /symbolic link to a file that does not exist/.test(e.message),
  );
  assert.ok(lstatSync(link).isSymbolicLink());
});

test('a FIFO is written in place (its reader gets the text)', async () => {
  const fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  const reading = new Promise<string>((resolve) => {
    // A reader in another process, as a user's `cat fifo` would be.
    const child = spawn('cat', [fifo]);
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk));
    child.on('close', () => resolve(text));
  });
  await writeOutputFile(fifo, 'through the fifo');
  assert.equal(await reading, 'through the fifo');
  assert.ok(lstatSync(fifo).isFIFO());
});

test('a directory and a socket are refused and left alone', async () => {
  const sub = join(dir, 'sub');
  mkdirSync(sub);
  await assert.rejects(writeOutputFile(sub, 'x'), /the path is a directory/);
  assert.ok(statSync(sub).isDirectory());
  const socketPath = join(dir, 's.sock');
  const server = net.createServer().listen(socketPath);
  await new Promise((r) => server.once('listening', r));
  try {
    await assert.rejects(writeOutputFile(socketPath, 'x'), /the path is a socket/);
    assert.ok(lstatSync(socketPath).isSocket());
  } finally {
    server.close();
  }
});

test('a missing directory is named', async () => {
  await assert.rejects(writeOutputFile(join(dir, 'no-dir', 'x.json'), 'x'), /the directory .*no-dir does not exist/);
});
