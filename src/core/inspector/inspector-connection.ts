// One WebSocket to a Node inspector, plus a channel per worker thread (NodeWorker domain).
import { EventEmitter } from 'node:events';
import type CDP from 'chrome-remote-interface';
// For its side effect as well: it makes "localhost" resolve to 127.0.0.1 first, where inspectors listen.
import 'chrome-remote-interface';
import { LensError, describeError } from '../errors';
import { explainSilence } from './process-tree';
import { assertAllowedUrl } from './target-address';

// chrome-remote-interface's connection class: CDP() would hide the WebSocket that a timeout must close.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Chrome = require('chrome-remote-interface/lib/chrome.js') as new (
  options: object,
  notifier: EventEmitter,
) => { _ws?: { terminate(): void } };

export interface CdpChannel {
  /** Thread id of the JS context behind this channel: 0 for the main thread. */
  readonly label: string;
  send<T = unknown>(method: string, params?: object, timeoutMs?: number): Promise<T>;
  /** Listens to this channel's CDP events (e.g. heap snapshot chunks); returns the unsubscribe. */
  subscribe?(listener: CdpEventListener): () => void;
}

export type CdpEventListener = (method: string, params: Record<string, unknown>) => void;

export const DEFAULT_CALL_TIMEOUT_MS = 10_000;
/** How long a close waits for the target's side of the closing handshake. */
const CLOSE_WAIT_MS = 2000;

type Client = CDP.Client & { on(event: 'event', listener: (message: CDP.EventMessage) => void): Client };

export interface WorkerAttached {
  sessionId: string;
  channel: CdpChannel;
  title: string;
}

/** Why a connection closed: our own close, the process ending its code, or the socket going away. */
export type DisconnectKind = 'detached' | 'exited' | 'lost';

/**
 * Events: 'disconnect' (reason: string, kind: DisconnectKind), 'worker' (WorkerAttached), 'worker-gone' (sessionId),
 * 'event' (method: string, params: object) for every CDP event of the main thread (front ends
 * use it e.g. for a debugger proxy's Debugger.paused/resumed).
 */
export class InspectorConnection extends EventEmitter {
  readonly main: CdpChannel;
  private closed = false;
  private readonly workerCalls = new Map<string, WorkerCallTable>();

  private constructor(
    private readonly client: Client,
    readonly url: string,
  ) {
    super();
    this.main = {
      label: 'main',
      send: (method, params, timeoutMs) => this.call(method, params, timeoutMs),
      subscribe: (listener) => {
        this.on('event', listener);
        return () => this.off('event', listener);
      },
    };
    client.on('disconnect', () => this.markClosed('the inspector connection closed (the process exited or closed its inspector)', 'lost'));
    client.on('event', (message) => this.onEvent(message));
    // A process that ends (done, process.exit, or a crash) while an inspector client is connected
    // waits for every client to let go: be told, and let go, rather than keep it alive. Inspectors
    // without the NodeRuntime domain (a debugger's proxy) answer with an error: nothing to do.
    (client.send('NodeRuntime.notifyWhenWaitingForDisconnect' as never, { enabled: true } as never) as unknown as Promise<unknown>).catch(
      () => undefined,
    );
  }

  /**
   * Connects to an inspector's WebSocket URL. Every connection goes through here, so this is where
   * the loopback rule holds for every address, wherever it came from (typed, a /json/list answer, a
   * program's output). A socket that never finishes the handshake is torn down at the timeout, so
   * nothing is left that keeps the process alive.
   */
  static async open(url: string, timeoutMs = DEFAULT_CALL_TIMEOUT_MS, allowRemote = false): Promise<InspectorConnection> {
    assertAllowedUrl(url, allowRemote);
    const notifier = new EventEmitter();
    const connecting = new Promise<Client>((resolve, reject) => {
      notifier.once('connect', resolve);
      notifier.once('error', reject);
    });
    // The Chrome object (not the CDP() promise) so that its WebSocket can be reached to abort it.
    const chrome = new Chrome({ target: url, local: true }, notifier);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new LensError('timeout', `The inspector at ${url} did not accept a connection within ${timeoutMs / 1000} s. ${silenceAt(url)}`),
          ),
        timeoutMs,
      );
    });
    try {
      const client = await Promise.race([connecting, timeout]);
      return new InspectorConnection(client, url);
    } catch (error) {
      chrome._ws?.terminate();
      connecting.then((late) => late.close()).catch(() => undefined);
      if (error instanceof LensError) throw error;
      throw new LensError('cannot-connect', `Cannot open the inspector at ${url}: ${describeError(error)}`);
    } finally {
      clearTimeout(timer);
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Starts reporting worker threads as 'worker' events (existing ones included). */
  async watchWorkers(): Promise<boolean> {
    try {
      await this.call('NodeWorker.enable', { waitForDebuggerOnStart: false });
      return true;
    } catch {
      return false; // Not every inspector has the NodeWorker domain (e.g. a debugger's proxy).
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.markClosed('detached', 'detached');
    // A closing handshake waits for the other side: a stopped or hung target would hold it for
    // the WebSocket's own 30 s. Give it a moment, then drop the socket.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), CLOSE_WAIT_MS)));
    try {
      if ((await Promise.race([this.client.close().then(() => 'closed' as const), late])) === 'late') {
        (this.client as unknown as { _ws?: { terminate?(): void } })._ws?.terminate?.();
      }
    } catch {
      // Already gone.
    } finally {
      clearTimeout(timer);
    }
  }

  private async call<T>(method: string, params: object | undefined, timeoutMs = DEFAULT_CALL_TIMEOUT_MS): Promise<T> {
    if (this.closed) throw new LensError('target-gone', 'The target is no longer connected.');
    return withTimeout(this.client.send(method as never, params as never) as unknown as Promise<T>, timeoutMs, method);
  }

  private onEvent(message: CDP.EventMessage): void {
    const params = message.params as Record<string, any>;
    this.emit('event', message.method, params);
    if (message.method === 'NodeRuntime.waitingForDisconnect') {
      this.markClosed('the process ended (its code finished, it exited or it crashed)', 'exited');
      this.client.close().catch(() => undefined);
    } else if (message.method === 'NodeWorker.attachedToWorker') {
      const sessionId = params.sessionId as string;
      const table = new WorkerCallTable(sessionId, (text) => this.call('NodeWorker.sendMessageToWorker', { sessionId, message: text }));
      this.workerCalls.set(sessionId, table);
      this.emit('worker', {
        sessionId,
        channel: table.channel,
        title: String(params.workerInfo?.title ?? params.workerInfo?.url ?? 'worker'),
      } satisfies WorkerAttached);
    } else if (message.method === 'NodeWorker.receivedMessageFromWorker') {
      this.workerCalls.get(params.sessionId)?.receive(params.message);
    } else if (message.method === 'NodeWorker.detachedFromWorker') {
      this.workerCalls.get(params.sessionId)?.close();
      this.workerCalls.delete(params.sessionId);
      this.emit('worker-gone', params.sessionId);
    }
  }

  private markClosed(reason: string, kind: DisconnectKind): void {
    if (this.closed) return;
    this.closed = true;
    for (const table of this.workerCalls.values()) table.close();
    this.workerCalls.clear();
    this.emit('disconnect', reason, kind);
  }
}

/** Request/response bookkeeping for CDP messages tunnelled to a worker through NodeWorker. */
class WorkerCallTable {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private readonly listeners = new Set<CdpEventListener>();
  readonly channel: CdpChannel;

  constructor(
    sessionId: string,
    private readonly post: (text: string) => Promise<unknown>,
  ) {
    this.channel = {
      label: `worker ${sessionId}`,
      send: <T>(method: string, params?: object, timeoutMs = DEFAULT_CALL_TIMEOUT_MS) => {
        const id = this.nextId++;
        const answer = new Promise<T>((resolve, reject) => this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject }));
        this.post(JSON.stringify({ id, method, params: params ?? {} })).catch((error: Error) => this.settle(id, error));
        return withTimeout(answer, timeoutMs, method).finally(() => this.pending.delete(id));
      },
      subscribe: (listener) => {
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
      },
    };
  }

  receive(text: string): void {
    let message: { id?: number; result?: unknown; error?: { message: string }; method?: string; params?: Record<string, unknown> };
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof message.id !== 'number') {
      if (typeof message.method === 'string') for (const listener of this.listeners) listener(message.method, message.params ?? {});
      return;
    }
    this.settle(message.id, message.error ? new LensError('agent', message.error.message) : undefined, message.result);
  }

  close(): void {
    for (const id of [...this.pending.keys()]) this.settle(id, new LensError('target-gone', 'The worker thread exited.'));
  }

  private settle(id: number, error: Error | undefined, result?: unknown): void {
    const entry = this.pending.get(id);
    if (!entry) return;
    this.pending.delete(id);
    if (error) entry.reject(error);
    else entry.resolve(result);
  }
}

export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new LensError('timeout', `${what} got no answer within ${timeoutMs / 1000} s (is the target paused at a breakpoint or busy?)`),
        ),
      timeoutMs,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** explainSilence for the host and port of a WebSocket URL. */
function silenceAt(url: string): string {
  try {
    const { hostname, port } = new URL(url);
    return explainSilence(hostname.replace(/^\[|\]$/g, ''), Number(port));
  } catch {
    return '';
  }
}
