// Turns a target address into the WebSocket URL of a Node inspector.
import * as http from 'node:http';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { LensError } from '../errors';
import { checkNodeExecutable, reportedInspectorPort } from './node-process';
import { assertTargetablePid } from './pid-guard';
import { explainSilence, isStopped, stoppedMessage } from './process-tree';
import { assertAllowedHost, type TargetAddress } from './target-address';

export interface DiscoveryOptions {
  allowRemote?: boolean;
  /** Send SIGUSR1 to a pid whose inspector is closed (the user agreed to it). */
  openInspector?: boolean;
  timeoutMs?: number;
}

interface InspectorTarget {
  type: string;
  title: string;
  url: string;
  webSocketDebuggerUrl?: string;
}

const DEFAULT_TIMEOUT_MS = 3000;

export async function resolveInspectorUrl(address: TargetAddress, options: DiscoveryOptions = {}): Promise<string> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  switch (address.kind) {
    case 'ws':
      assertAllowedHost(address.host, options.allowRemote ?? false);
      return address.url;
    case 'http':
      assertAllowedHost(address.host, options.allowRemote ?? false);
      return findNodeTarget(address.host, address.port, timeoutMs);
    case 'port-or-pid':
      try {
        return await findNodeTarget('127.0.0.1', address.value, timeoutMs);
      } catch (error) {
        if (!processExists(address.value)) throw error;
        // A bare number only finds an inspector that is already open: a signal needs `pid:N`.
        return findInspectorOfPid(address.value, { ...options, openInspector: false });
      }
    case 'pid':
      return findInspectorOfPid(address.pid, options);
  }
}

/**
 * Waits for a Node inspector to answer at `host:port` again (a program restarted on the same
 * inspector port, nodemon style) and answers its WebSocket URL. Retries until `timeoutMs`.
 */
export async function waitForInspector(
  host: string,
  port: number,
  options: { timeoutMs: number; signal?: AbortSignal; retryMs?: number },
): Promise<string> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (options.signal?.aborted) throw new LensError('cancelled', 'Cancelled.');
    try {
      return await findNodeTarget(host, port, Math.min(DEFAULT_TIMEOUT_MS, Math.max(deadline - Date.now(), 100)));
    } catch (error) {
      if (error instanceof LensError && error.code === 'not-node') throw error;
      if (Date.now() >= deadline)
        throw new LensError('timeout', `No Node inspector came back on ${host}:${port} within ${Math.round(options.timeoutMs / 1000)} s.`);
    }
    await new Promise((r) => setTimeout(r, options.retryMs ?? 500));
  }
}

/**
 * Whether the Node inspector behind a WebSocket URL still answers on its HTTP endpoint: after a
 * lost connection, tells "the process is gone" from "the connection dropped". Never throws.
 */
export async function inspectorAnswers(url: string, timeoutMs = 1000): Promise<boolean> {
  try {
    const { hostname, port } = new URL(url);
    const version = (await getJson(hostname.replace(/^\[|\]$/g, ''), Number(port), '/json/version', timeoutMs)) as
      Record<string, unknown> | undefined;
    return typeof version?.Browser === 'string' && version.Browser.startsWith('node.js');
  } catch {
    return false;
  }
}

/** Asks an inspector's HTTP endpoint for its Node target. */
export async function findNodeTarget(host: string, port: number, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string> {
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const version = (await getJson(host, port, '/json/version', timeoutMs)) as Record<string, unknown> | undefined;
  const browser = typeof version?.Browser === 'string' ? version.Browser : '';
  if (!browser.startsWith('node.js')) {
    throw new LensError(
      'not-node',
      `${where} is an inspector of "${browser || 'an unknown program'}", not of Node.js. Point Async Leak Lens at a Node process started with --inspect.`,
    );
  }
  const list = await getJson(host, port, '/json/list', timeoutMs);
  const targets = Array.isArray(list) ? (list as InspectorTarget[]) : [];
  const target = targets.find((t) => t.type === 'node' && typeof t.webSocketDebuggerUrl === 'string');
  if (!target?.webSocketDebuggerUrl)
    throw new LensError('cannot-connect', `${where} is a Node inspector but lists no target to attach to.`);
  return target.webSocketDebuggerUrl;
}

function getJson(host: string, port: number, path: string, timeoutMs: number): Promise<unknown> {
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  return new Promise((resolve, reject) => {
    const request = http.get({ host, port, path, timeout: timeoutMs }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
        if (body.length > 1_000_000) request.destroy(new Error('answer too large'));
      });
      response.on('end', () => {
        try {
          resolve(JSON.parse(body));
        } catch {
          reject(
            new LensError(
              'cannot-connect',
              `${where} answered, but it is not a Node inspector (its ${path} is not JSON). Is this the right port?`,
            ),
          );
        }
      });
    });
    request.on('timeout', () =>
      request.destroy(new LensError('timeout', `${where} did not answer within ${timeoutMs / 1000} s. ${explainSilence(host, port)}`)),
    );
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (error instanceof LensError) return reject(error);
      if (error.code === 'ECONNREFUSED') {
        return reject(
          new LensError(
            'cannot-connect',
            `Nothing is listening on ${where}. Start the program with --inspect (or --inspect=127.0.0.1:0), or attach by pid to open its inspector.`,
          ),
        );
      }
      reject(new LensError('cannot-connect', `Cannot reach ${where}: ${error.message}`));
    });
  });
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function findInspectorOfPid(pid: number, options: DiscoveryOptions): Promise<string> {
  assertTargetablePid(pid);
  if (!processExists(pid)) throw new LensError('bad-target', `No process with pid ${pid} is running.`);
  if (isStopped(pid)) throw new LensError('timeout', stoppedMessage(pid));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // The port Node reports comes first: probing the others sends requests to the program's own servers.
  const reported = reportedInspectorPort(pid);
  const isReported = (port: number) => port === reported;
  const before = listeningLoopbackPorts(pid);
  const open = await tryPorts(before.filter(isReported), timeoutMs);
  if (open) return open;
  if (!options.openInspector) {
    const other = await tryPorts(
      before.filter((port) => !isReported(port)),
      timeoutMs,
    );
    if (other) return other;
    throw new LensError(
      'cannot-connect',
      `Process ${pid} has no open inspector. Allow opening it (the process gets SIGUSR1, like \`node inspect -p ${pid}\`), or start it with --inspect.`,
    );
  }
  if (process.platform === 'win32')
    throw new LensError(
      'cannot-connect',
      `Opening the inspector of a running process needs SIGUSR1, which Windows lacks. Start process ${pid} with --inspect.`,
    );
  // SIGUSR1 terminates most programs that are not Node: never send it on a guess.
  const check = checkNodeExecutable(pid);
  if (!check.node) {
    throw new LensError(
      'bad-target',
      `Process ${pid} was not sent SIGUSR1 (that would stop most programs other than Node.js): ${check.reason}.`,
    );
  }
  process.kill(pid, 'SIGUSR1');
  // The inspector is the port that was reported, or the one that appears after the signal.
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    const now = listeningLoopbackPorts(pid);
    const url = await tryPorts(
      [...now.filter(isReported), ...now.filter((port) => !isReported(port) && !before.includes(port))],
      timeoutMs,
    );
    if (url) {
      openedBySignal.add(url);
      return url;
    }
  }
  // Already open on a port nobody reported (e.g. inspector.open(0)): only now ask the others.
  const other = await tryPorts(
    before.filter((port) => !isReported(port)),
    timeoutMs,
  );
  if (other) return other;
  throw new LensError(
    'timeout',
    `Sent SIGUSR1 to process ${pid}, but no inspector opened within ${timeoutMs / 1000} s. Is it a Node.js process?`,
  );
}

/** WebSocket URLs of inspectors that this process opened with SIGUSR1 (they stay open after detach). */
const openedBySignal = new Set<string>();

export function wasOpenedBySignal(url: string): boolean {
  return openedBySignal.has(url);
}

async function tryPorts(ports: number[], timeoutMs: number): Promise<string | undefined> {
  for (const port of ports) {
    try {
      return await findNodeTarget('127.0.0.1', port, timeoutMs);
    } catch {
      // Another server of the same process: try the next port.
    }
  }
  return undefined;
}

/** TCP ports a process listens on, read from /proc (Linux). Empty elsewhere. */
export function listeningLoopbackPorts(pid: number): number[] {
  let inodes: Set<string>;
  try {
    inodes = new Set(
      readdirSync(`/proc/${pid}/fd`)
        .map((fd) => {
          try {
            return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
          } catch {
            return undefined;
          }
        })
        .filter((inode): inode is string => inode !== undefined),
    );
  } catch {
    return [];
  }
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // cols[1] = local address:port (hex), cols[3] = state (0A = LISTEN), cols[9] = inode
      if (cols.length > 9 && cols[3] === '0A' && inodes.has(cols[9])) ports.push(parseInt(cols[1].split(':')[1], 16));
    }
  }
  return ports;
}
