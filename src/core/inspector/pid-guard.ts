// Which pids may be signalled or attached to by pid: never the tool itself, the processes that
// started it (a shell script would die of SIGUSR1), pid 1, or pid 0 (kill(0) is the whole group).
import { readFileSync } from 'node:fs';
import { LensError } from '../errors';

export function assertTargetablePid(pid: number): void {
  if (!Number.isSafeInteger(pid) || pid <= 1) {
    throw new LensError(
      'bad-target',
      `pid ${pid} cannot be a target: ${pid === 1 ? 'pid 1 is the init process of the system or container' : 'a pid is a whole number above 1'}. Give the pid of a Node.js process.`,
    );
  }
  if (pid === process.pid)
    throw new LensError('bad-target', `pid ${pid} is this command itself, not a target. Give the pid of another Node.js process.`);
  if (ancestorPids().includes(pid)) {
    throw new LensError(
      'bad-target',
      `pid ${pid} is a parent of this command (e.g. the shell that runs it), not a target; it was not signalled. Give the pid of another Node.js process.`,
    );
  }
}

/** The parent chain of this process, nearest first (Linux reads /proc; elsewhere only the parent is known). */
export function ancestorPids(): number[] {
  const chain: number[] = [];
  let pid = process.ppid;
  while (pid > 1 && chain.length < 64 && !chain.includes(pid)) {
    chain.push(pid);
    const parent = parentOf(pid);
    if (parent === undefined) break;
    pid = parent;
  }
  return chain;
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(ppid) ? ppid : undefined;
  } catch {
    return undefined;
  }
}
