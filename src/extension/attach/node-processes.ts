// Running Node.js processes and their open inspectors, for the "Attach to Node Process" picker.
// Linux reads /proc; other POSIX systems ask `ps`. No vscode import: plain data out.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { findNodeTarget, listeningLoopbackPorts } from '../../core/inspector/discovery';
import { inspectPortFromArgv, reportedInspectorPort } from '../../core/inspector/node-process';

export { inspectPortFromArgv };

export interface NodeProcess {
  pid: number;
  /** argv joined with spaces (what `ps` shows). */
  commandLine: string;
  /** The inspector's `host:port` when one answers, else undefined (closed). */
  inspector?: string;
  /** When it started (ms since the epoch, to the clock tick), if known. */
  startedAtMs?: number;
  /** One of the editor's own processes (extension host, tsserver, a language server, a watcher). */
  editorOwn: boolean;
}

/** How long one inspector check may take; a busy machine should not stall the picker. */
const INSPECTOR_CHECK_MS = 1500;

/**
 * Every Node process visible to this user except `excludePid` (the caller itself): the user's own
 * programs first, then the editor's own processes; newest first within each (see byRelevance).
 */
export async function listNodeProcesses(excludePid = process.pid): Promise<NodeProcess[]> {
  const found = process.platform === 'linux' ? readProcTable() : await readPsTable();
  const processes = found.filter((p) => p.pid !== excludePid && isNodeCommand(p.executable, p.argv));
  const withInspectors = await Promise.all(
    processes.map(async (p): Promise<NodeProcess> => ({
      pid: p.pid,
      commandLine: p.argv.join(' '),
      inspector: await findInspector(p.pid, p.argv),
      startedAtMs: p.startedAtMs,
      editorOwn: isEditorProcess(p.argv),
    })),
  );
  return withInspectors.sort(byRelevance);
}

/** User programs before the editor's own; newest start first (pids wrap, start times do not); unknown starts last. */
export function byRelevance(a: NodeProcess, b: NodeProcess): number {
  if (a.editorOwn !== b.editorOwn) return a.editorOwn ? 1 : -1;
  const started = (b.startedAtMs ?? -Infinity) - (a.startedAtMs ?? -Infinity);
  return Number.isNaN(started) || started === 0 ? b.pid - a.pid : started;
}

/** Command lines of the processes an editor runs for itself (VS Code, code-server, their helpers). */
const EDITOR_PROCESS = [
  /--type=(extensionHost|fileWatcher|ptyHost|shared-process|utility)\b/,
  /[\\/]tsserver(\.js)?(\s|$)/,
  /[\\/]typingsInstaller(\.js)?(\s|$)/,
  /[\\/](bootstrap-fork|server-main|extensionHostProcess|watcherMain)\.js(\s|$)/,
  /[\\/]code-server([\\/]|\s|$)/,
  /[\\/]\.vscode(-server|-test|-insiders)?[\\/]/,
  /[\\/]resources[\\/]app[\\/]extensions[\\/]/,
  /[\\/]lib[\\/]vscode[\\/]/,
  /language-?server|languageServer|ServerMain\.js|eslintServer\.js/i,
  /\s--clientProcessId(=|\s)\d+/,
];

export function isEditorProcess(argv: readonly string[]): boolean {
  const line = argv.join(' ');
  return EDITOR_PROCESS.some((pattern) => pattern.test(line));
}

interface RawProcess {
  pid: number;
  /** Resolved binary when known ('' when not readable). */
  executable: string;
  argv: string[];
  startedAtMs?: number;
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
  const bootMs = bootTimeMs();
  for (const name of entries) {
    const pid = Number(name);
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
        .split('\0')
        .filter((a) => a !== '');
      if (argv.length === 0) continue; // kernel thread or zombie
      let executable = '';
      try {
        executable = readlinkSync(`/proc/${pid}/exe`).replace(/ \(deleted\)$/, '');
      } catch {
        // another user's process: argv[0] decides
      }
      processes.push({ pid, executable, argv, startedAtMs: startTimeMs(pid, bootMs) });
    } catch {
      // exited while we read it
    }
  }
  return processes;
}

/** Clock ticks per second of /proc/<pid>/stat start times (USER_HZ: 100 on every Linux we know). */
const USER_HZ = 100;

function bootTimeMs(): number | undefined {
  try {
    const m = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
    return m ? Number(m[1]) * 1000 : undefined;
  } catch {
    return undefined;
  }
}

function startTimeMs(pid: number, bootMs: number | undefined): number | undefined {
  if (bootMs === undefined) return undefined;
  try {
    return parseStatStartTicks(readFileSync(`/proc/${pid}/stat`, 'utf8')) * (1000 / USER_HZ) + bootMs;
  } catch {
    return undefined;
  }
}

/** Field 22 (starttime) of /proc/<pid>/stat; the command name before it may hold spaces and ')'. */
export function parseStatStartTicks(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[19]);
  if (!Number.isFinite(ticks)) throw new Error('no start time');
  return ticks;
}

function readPsTable(): Promise<RawProcess[]> {
  if (process.platform === 'win32')
    return Promise.reject(
      new Error(
        'Listing processes is not supported on Windows yet. Start the program with --inspect and use "Attach by Inspector Address".',
      ),
    );
  return new Promise((resolve, reject) => {
    execFile('ps', ['-A', '-o', 'pid=', '-o', 'etime=', '-o', 'comm=', '-o', 'args='], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => {
      if (error) return reject(new Error(`Cannot list processes with ps: ${error.message}`));
      resolve(parsePsOutput(stdout, Date.now()));
    });
  });
}

/**
 * Lines of `ps -o pid= -o etime= -o comm= -o args=`. comm has no spaces on the systems we read it
 * from (macOS shows the full binary path, which may; then argv[0] still decides).
 */
export function parsePsOutput(text: string, nowMs: number): RawProcess[] {
  const processes: RawProcess[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\s+(\S+)\s+(\S+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const elapsed = elapsedSeconds(m[2]);
    processes.push({
      pid: Number(m[1]),
      executable: m[3],
      argv: m[4].trim().split(/\s+/),
      startedAtMs: elapsed === undefined ? undefined : nowMs - elapsed * 1000,
    });
  }
  return processes;
}

/** ps's etime: [[dd-]hh:]mm:ss. */
function elapsedSeconds(etime: string): number | undefined {
  const m = /^(?:(?:(\d+)-)?(\d+):)?(\d+):(\d+)$/.exec(etime);
  if (!m) return undefined;
  return ((Number(m[1] ?? 0) * 24 + Number(m[2] ?? 0)) * 60 + Number(m[3])) * 60 + Number(m[4]);
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
