// The one way files are written: a path is never replaced by something of another kind. A regular
// file (or a symlink to one) gets a temporary file in its directory renamed over it, so readers
// never see half a file and the link stays a link; a FIFO or a character device (/dev/null,
// /dev/stdout, a terminal) is written to in place; anything else is refused.
import { randomBytes } from 'node:crypto';
import { constants, write } from 'node:fs';
import { chmod, lstat, open, readlink, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/** A file could not be written; `message` says why in words (without the path). */
export class FileOutputError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
    readonly code?: string,
  ) {
    super(reason);
    this.name = 'FileOutputError';
  }
}

export async function writeOutputFile(path: string, text: string): Promise<void> {
  // /dev/stdout, /proc/self/fd/1 or a link to them: this process's own descriptor, whatever it is
  // (a pipe, a socket, the file a shell redirected to), written where it stands.
  const fd = await ownDescriptorOf(path);
  if (fd !== undefined) return writeToDescriptor(path, fd, text);
  let info;
  try {
    info = await stat(path); // follows symlinks, /proc/self/fd/N included
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw ioError(path, error);
    if (await isSymlink(path))
      throw new FileOutputError(
        path,
        'it is a symbolic link to a file that does not exist; write to the file it should point at, or remove the link.',
        code,
      );
    return replaceRegularFile(path, text, undefined);
  }
  if (info.isFile()) return replaceRegularFile(await realpath(path), text, info.mode);
  if (info.isFIFO() || info.isCharacterDevice()) return writeInPlace(path, text);
  const kind = info.isDirectory()
    ? 'a directory; give a file name'
    : info.isSocket()
      ? 'a socket'
      : info.isBlockDevice()
        ? 'a block device'
        : 'not a regular file';
  throw new FileOutputError(path, `the path is ${kind}, so nothing was written there.`, info.isDirectory() ? 'EISDIR' : 'ENOTREG');
}

async function replaceRegularFile(target: string, text: string, mode: number | undefined): Promise<void> {
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temporary, 'wx');
    try {
      await handle.writeFile(text, 'utf8');
      // On disk before the rename, so a crash cannot leave an empty file under the final name.
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (mode !== undefined) await chmod(temporary, mode & 0o7777);
    // Checked again right before the rename: the path may have become something else meanwhile.
    const now = await lstat(target).catch(() => undefined);
    if (now && !now.isFile())
      throw new FileOutputError(
        target,
        'the path stopped being a regular file while the file was written, so it was left alone.',
        'ENOTREG',
      );
    await rename(temporary, target);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    if (error instanceof FileOutputError) throw error;
    if ((error as NodeJS.ErrnoException)?.code === 'ENOENT' && !(await exists(dirname(target)))) {
      throw new FileOutputError(target, `the directory ${dirname(target)} does not exist.`, 'ENOENT');
    }
    throw ioError(target, error);
  }
}

/** FIFOs and character devices: opened for writing without O_CREAT, so nothing new appears. */
async function writeInPlace(path: string, text: string): Promise<void> {
  try {
    const handle = await open(path, constants.O_WRONLY | constants.O_APPEND);
    try {
      await handle.writeFile(text, 'utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw ioError(path, error);
  }
}

const OWN_DESCRIPTOR = new RegExp(`^/(?:proc/(?:self|${process.pid})/fd/(\\d+)|dev/fd/(\\d+)|dev/(stdout|stderr))$`);

/** The descriptor of this process a path names through its chain of symlinks, if it does. */
async function ownDescriptorOf(path: string): Promise<number | undefined> {
  let current = resolve(path);
  for (let hop = 0; hop < 40; hop++) {
    const m = OWN_DESCRIPTOR.exec(current);
    if (m) return m[3] ? (m[3] === 'stdout' ? 1 : 2) : Number(m[1] ?? m[2]);
    let target: string;
    try {
      target = await readlink(current);
    } catch {
      return undefined; // not a symlink (or gone): an ordinary path
    }
    current = resolve(dirname(current), target);
  }
  return undefined;
}

/** How long a full non-blocking pipe or socket may keep the writer waiting before it gives up. */
const STALLED_READER_MS = 30_000;

async function writeToDescriptor(path: string, fd: number, text: string): Promise<void> {
  const bytes = Buffer.from(text, 'utf8');
  let lastProgress = Date.now();
  for (let offset = 0; offset < bytes.length;) {
    try {
      offset += await new Promise<number>((done, fail) =>
        write(fd, bytes, offset, bytes.length - offset, null, (error, written) => (error ? fail(error) : done(written))),
      );
      lastProgress = Date.now();
    } catch (error) {
      // Node makes its own stdout pipes non-blocking: a full pipe says EAGAIN until the reader reads.
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw ioError(path, error);
      if (Date.now() - lastProgress > STALLED_READER_MS)
        throw new FileOutputError(path, `nothing read from it for ${STALLED_READER_MS / 1000} s.`, 'EAGAIN');
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

async function isSymlink(path: string): Promise<boolean> {
  return lstat(path).then(
    (info) => info.isSymbolicLink(),
    () => false,
  );
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

const REASONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'the path is a directory; give a file name',
  ENOSPC: 'no space left on the device',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'a part of the path is not a directory',
  ENXIO: 'nothing is reading at the other end',
  EPIPE: 'the reader at the other end went away',
};

function ioError(path: string, error: unknown): FileOutputError {
  const code = (error as NodeJS.ErrnoException)?.code;
  const reason = (code && REASONS[code]) ?? (error instanceof Error ? error.message : String(error));
  return new FileOutputError(path, `${reason}.`, code);
}
