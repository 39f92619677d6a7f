// Running Node.js processes and their open inspectors, for the "Attach to Node Process" picker.
// Linux reads /proc; other POSIX systems ask `ps`. No vscode import: plain data out.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { findNodeTarget, listeningLoopbackPorts } from '../../core/discovery';
import { inspectPortFromArgv, reportedInspectorPort } from '../../core/node-process';

export { inspectPortFromArgv };

export interface NodeProcess {
  pid: number;
  /** argv joined with spaces (what `ps` shows). */
  commandLine: string;
  /** The inspector's `host:port` when one answers, else undefined (closed). */
  inspector?: string;
}

/** How long one inspector check may take; a busy machine should not stall the picker. */
const INSPECTOR_CHECK_MS = 1500;

/** Every Node process visible to this user except `excludePid` (the caller itself), newest first. */
export async function listNodeProcesses(excludePid = process.pid): Promise<NodeProcess[]> {
  const found = process.platform === 'linux' ? readProcTable() : await readPsTable();
  const processes = found.filter((p) => p.pid !== excludePid && isNodeCommand(p.executable, p.argv));
  const withInspectors = await Promise.all(
    processes.map(async (p): Promise<NodeProcess> => ({ pid: p.pid, commandLine: p.argv.join(' '), inspector: await findInspector(p.pid, p.argv) })),
  );
  return withInspectors.sort((a, b) => b.pid - a.pid);
}

interface RawProcess {
  pid: number;
  /** Resolved binary when known ('' when not readable). */
  executable: string;
  argv: string[];
}

const NODE_BINARY = /^(node|nodejs)(\d+(\.\d+)*)?(\.exe)?$/i;

/** A process runs Node when its binary (or, unreadable, its argv[0]) is called node. */
export function isNodeCommand(executable: string, argv: string[]): boolean {
  if (executable) return NODE_BINARY.test(baseName(executable));
  return argv.length > 0 && NODE_BINARY.test(baseName(argv[0]));
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

function readProcTable(): RawProcess[] {
  const processes: RawProcess[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return processes;
  }
  for (const name of entries) {
    const pid = Number(name);
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
      if (argv.length === 0) continue; // kernel thread or zombie
      let executable = '';
      try {
        executable = readlinkSync(`/proc/${pid}/exe`).replace(/ \(deleted\)$/, '');
      } catch {
        // another user's process: argv[0] decides
      }
      processes.push({ pid, executable, argv });
    } catch {
      // exited while we read it
    }
  }
  return processes;
}

function readPsTable(): Promise<RawProcess[]> {
  if (process.platform === 'win32') return Promise.reject(new Error('Listing processes is not supported on Windows yet. Start the program with --inspect and use "Attach by Inspector Address".'));
  return new Promise((resolve, reject) => {
    execFile('ps', ['-A', '-o', 'pid=', '-o', 'comm=', '-o', 'args='], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => {
      if (error) return reject(new Error(`Cannot list processes with ps: ${error.message}`));
      resolve(parsePsOutput(stdout));
    });
  });
}

/**
 * Lines of `ps -o pid= -o comm= -o args=`. comm has no spaces on the systems we read it from
 * (macOS shows the full binary path, which may; then argv[0] still decides).
 */
export function parsePsOutput(text: string): RawProcess[] {
  const processes: RawProcess[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\s+(\S+)\s+(.*)$/.exec(line);
    if (!m) continue;
    processes.push({ pid: Number(m[1]), executable: m[2], argv: m[3].trim().split(/\s+/) });
  }
  return processes;
}

/**
 * The inspector of a listed process: only the port it reports is asked (the program's own servers
 * would see the request as traffic), unless it asked for a random inspector port (--inspect=0):
 * then each of its ports is. An inspector opened on an unreported port shows as closed here;
 * attaching by pid still finds it.
 */
async function findInspector(pid: number, argv: string[]): Promise<string | undefined> {
  const listening = listeningLoopbackPorts(pid);
  const reported = process.platform === 'linux' ? reportedInspectorPort(pid) : (inspectPortFromArgv(argv) ?? 9229);
  let candidates: number[];
  if (reported === 'random') candidates = listening;
  else if (listening.includes(reported)) candidates = [reported];
  // Without /proc we cannot tell whose port it is; a port the command line names is the best hint.
  else candidates = listening.length === 0 && inspectPortFromArgv(argv) !== undefined ? [reported] : [];
  for (const port of candidates) {
    try {
      await findNodeTarget('127.0.0.1', port, INSPECTOR_CHECK_MS);
      return `127.0.0.1:${port}`;
    } catch {
      // not an inspector (e.g. the program's own server): try the next port
    }
  }
  return undefined;
}
