// What a running process is, read from the system rather than from its arguments: whether its
// executable is Node.js (SIGUSR1 stops most other programs), and the inspector port it reports.
import { openSync, readSync, closeSync, readFileSync, readlinkSync } from 'node:fs';

/** node, nodejs, node20, node-22.1 ... as an executable's file name. */
const NODE_BINARY = /^(node|nodejs)([-.]?\d+(\.\d+)*)?(\.exe)?$/i;

/** Every Node.js binary exports the N-API entry points for native addons; other programs do not. */
const NODE_MARKER = Buffer.from('napi_module_register\0');
/** The marker sits in the dynamic symbol table, a few MB into the file; stop reading well after. */
const MAX_SCAN_BYTES = 256 * 1024 * 1024;

export type NodeCheck = { node: true; executable: string } | { node: false; reason: string };

export function isNodeBinaryName(path: string): boolean {
  return NODE_BINARY.test(path.split(/[\\/]/).pop() ?? path);
}

/**
 * Whether process `pid` runs a Node.js executable: its /proc/PID/exe must be named like Node and
 * be a Node binary (or map libnode, as distribution builds do). Unknown (no /proc) is not Node.
 */
export function checkNodeExecutable(pid: number): NodeCheck {
  let executable: string;
  try {
    executable = readlinkSync(`/proc/${pid}/exe`).replace(/ \(deleted\)$/, '');
  } catch {
    const where =
      process.platform === 'linux'
        ? "its executable is not readable (another user's process?)"
        : 'its executable cannot be read on this system';
    return { node: false, reason: `${where}, so it cannot be proven to be Node.js` };
  }
  if (!isNodeBinaryName(executable)) return { node: false, reason: `its executable is ${executable}` };
  if (mapsLibnode(pid) || fileContains(`/proc/${pid}/exe`, NODE_MARKER)) return { node: true, executable };
  return { node: false, reason: `its executable ${executable} is named like Node.js but is not a Node.js binary` };
}

function mapsLibnode(pid: number): boolean {
  try {
    return /\/libnode\.so[.\d]*$/m.test(readFileSync(`/proc/${pid}/maps`, 'utf8'));
  } catch {
    return false;
  }
}

function fileContains(path: string, marker: Buffer): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return false;
  }
  try {
    const chunk = Buffer.alloc(1024 * 1024 + marker.length);
    let carried = 0;
    for (let offset = 0; offset < MAX_SCAN_BYTES;) {
      const read = readSync(fd, chunk, carried, chunk.length - carried, offset);
      if (read === 0) return false;
      const filled = carried + read;
      if (chunk.subarray(0, filled).includes(marker)) return true;
      // Keep the tail so a marker split across two reads is still found.
      carried = Math.min(marker.length - 1, filled);
      chunk.copy(chunk, 0, filled - carried, filled);
      offset += read;
    }
    return false;
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
}

/** The inspector port a Node command line asks for (--inspect, --inspect-brk, --inspect-wait, --inspect-port), if fixed. */
export function inspectPortFromArgv(argv: string[]): number | undefined {
  let port: number | undefined;
  for (const arg of argv) {
    const m = /^--inspect(?:-brk|-wait|-port)?(?:=(?:.*:)?(\d+))?$/.exec(arg);
    if (!m) continue;
    if (m[1] !== undefined) port = Number(m[1]);
    else port ??= 9229;
  }
  return port && port > 0 && port < 65536 ? port : undefined; // 0 means a random port
}

/**
 * The port Node opens its inspector on (SIGUSR1 included): --inspect-port & co. from NODE_OPTIONS
 * (/proc/PID/environ, where readable) and the command line, which wins; else Node's default 9229.
 * `random` when they ask for port 0: then only the process knows.
 */
export function reportedInspectorPort(pid: number): number | 'random' {
  const fromEnv = nodeOptionsOf(pid);
  let argv: string[] = [];
  try {
    argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    // Not Linux or gone: the default stands.
  }
  const args = [...fromEnv, ...argv];
  const port = inspectPortFromArgv(args);
  if (port !== undefined) return port;
  return args.some((arg) => /^--inspect(-brk|-wait|-port)?=(.*:)?0$/.test(arg)) ? 'random' : 9229;
}

function nodeOptionsOf(pid: number): string[] {
  try {
    const entry = readFileSync(`/proc/${pid}/environ`, 'utf8')
      .split('\0')
      .find((e) => e.startsWith('NODE_OPTIONS='));
    return entry ? entry.slice('NODE_OPTIONS='.length).split(/\s+/).filter(Boolean) : [];
  } catch {
    return [];
  }
}
