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
