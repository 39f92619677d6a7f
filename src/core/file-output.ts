// The one way files are written: a path is never replaced by something of another kind. A regular
// file (or a symlink to one) gets a temporary file in its directory renamed over it, so readers
// never see half a file and the link stays a link; a FIFO or a character device (/dev/null,
// /dev/stdout, a terminal) is written to in place; anything else is refused.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, lstat, open, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

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
  let info;
  try {
    info = await stat(path); // follows symlinks, /proc/self/fd/N included
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw ioError(path, error);
    if (await isSymlink(path)) throw new FileOutputError(path, 'it is a symbolic link to a file that does not exist; write to the file it should point at, or remove the link.', code);
    return replaceRegularFile(path, text, undefined);
  }
  if (info.isFile()) return replaceRegularFile(await realpath(path), text, info.mode);
  if (info.isFIFO() || info.isCharacterDevice()) return writeInPlace(path, text);
  const kind = info.isDirectory() ? 'a directory; give a file name' : info.isSocket() ? 'a socket' : info.isBlockDevice() ? 'a block device' : 'not a regular file';
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
    if (now && !now.isFile()) throw new FileOutputError(target, 'the path stopped being a regular file while the file was written, so it was left alone.', 'ENOTREG');
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
