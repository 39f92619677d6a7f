// The processes a command started, read from /proc (Linux): their pids and command lines, to say
// why a program under `run` opened no inspector. Empty where /proc is missing.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { basename } from 'node:path';

export interface ProcessEntry {
  pid: number;
  /** The executable's path, when readable. */
  exe?: string;
  argv: string[];
}

/** `root` and every process below it, parents before children. */
export function processTree(root: number): ProcessEntry[] {
  const parents = new Map<number, number>();
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  for (const name of pids) {
    try {
      // Field 4 of /proc/PID/stat, after the parenthesised command name (which may hold spaces).
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Gone meanwhile.
    }
  }
  const tree: ProcessEntry[] = [];
  const visit = (pid: number) => {
    const entry = describeProcess(pid);
    if (entry) tree.push(entry);
    for (const [child, parent] of parents) if (parent === pid) visit(child);
  };
  if (parents.has(root)) visit(root);
  return tree;
}

function describeProcess(pid: number): ProcessEntry | undefined {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    let exe: string | undefined;
    try {
      exe = readlinkSync(`/proc/${pid}/exe`);
    } catch {
      // Another user's process.
    }
    return { pid, exe, argv };
  } catch {
    return undefined;
  }
}

/** A Node executable by name (node, nodejs, node24, node.exe). */
export function isNodeExecutable(path: string | undefined): boolean {
  return path !== undefined && /^(node|nodejs|node\d+)(\.exe)?$/.test(basename(path.replace(/ \(deleted\)$/, '')));
}

/** The permission model's flag on a Node command line or in NODE_OPTIONS, if any. */
export function permissionFlag(args: readonly string[]): string | undefined {
  return args.find((arg) => /^--(experimental-)?permission(=|$)/.test(arg));
}

/** Whether a process is stopped (SIGSTOP, Ctrl-Z, a tracer: state T or t in /proc); false where unknown. */
export function isStopped(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return /^[Tt]$/.test(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3));
  } catch {
    return false;
  }
}

/** The pid of the process listening on a local TCP port (Linux /proc), or undefined. */
export function pidListeningOn(port: number): number | undefined {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
        const cols = line.trim().split(/\s+/);
        // cols[1] local address:port (hex), cols[3] state (0A = LISTEN), cols[9] inode.
        if (cols.length > 9 && cols[3] === '0A' && parseInt(cols[1].split(':')[1], 16) === port) inodes.add(cols[9]);
      }
    } catch {
      // No such table.
    }
  }
  if (inodes.size === 0) return undefined;
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
        if (inode && inodes.has(inode)) return Number(pid);
      } catch {
        // Closed meanwhile.
      }
    }
  }
  return undefined;
}

/** "Process 123 is stopped (SIGSTOP or Ctrl-Z) ..." for people; the advice to resume it. */
export function stoppedMessage(pid: number): string {
  return `Process ${pid} is stopped (SIGSTOP or Ctrl-Z), so it cannot answer: resume it with \`kill -CONT ${pid}\` and try again.`;
}

/**
 * Why a local port that accepted a connection does not answer: its process is stopped (then
 * which and how to resume it), or, where that cannot be seen, what it may be.
 */
export function explainSilence(host: string, port: number): string {
  const local = host === '127.0.0.1' || host === 'localhost' || host === '::1' || host === '[::1]';
  const pid = local ? pidListeningOn(port) : undefined;
  if (pid !== undefined && isStopped(pid)) return stoppedMessage(pid);
  return `It is not answering: the process is stopped or busy${pid !== undefined ? ` (pid ${pid})` : ''}, or this is not an inspector port.`;
}
