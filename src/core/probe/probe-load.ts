// Bounded HTTP load for the leak probe: a fixed number of requests to a loopback URL, a few at a
// time, each aborted after a timeout (hanging requests are a common symptom of async leaks, and
// are counted, never waited on forever). Cancellable with an AbortSignal.
import * as http from 'node:http';
import { LensError } from '../errors';

export const PROBE_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
export type ProbeMethod = (typeof PROBE_METHODS)[number];

/** Hosts a probe may send load to: this machine only. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export interface LoadRequest {
  url: URL;
  method: ProbeMethod;
  body?: string;
  requests: number;
  concurrency: number;
  /** A request not finished after this long is aborted and counted as hung. */
  timeoutMs: number;
}

export interface LoadResult {
  sent: number;
  /** Answered with 1xx-3xx, body read to the end. */
  ok: number;
  /** Answered with 4xx/5xx. */
  httpErrors: number;
  /** Connection refused, reset, ... (no answer). */
  failed: number;
  /** Aborted after timeoutMs. */
  hung: number;
  /** Count per HTTP status. */
  statuses: Record<string, number>;
  /** The first connection error, for messages. */
  firstError?: string;
  durationMs: number;
}

export class ProbeCancelled extends Error {
  constructor() {
    super('The probe was cancelled.');
    this.name = 'ProbeCancelled';
  }
}

/** Checks a probe URL: http only, to 127.0.0.1, localhost or [::1]. Throws a LensError that says why not. */
export function parseProbeUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new LensError('bad-target', `"${text}" is not a URL; give one like http://127.0.0.1:3000/orders.`);
  }
  if (url.protocol !== 'http:') throw new LensError('bad-target', `The probe only sends plain http:// requests (got ${url.protocol}//).`);
  if (!LOOPBACK_HOSTS.has(url.hostname.toLowerCase())) {
    throw new LensError(
      'not-loopback',
      `The probe only sends load to this machine (127.0.0.1, localhost or [::1]), not to ${url.hostname}: load on someone else's server is an attack.`,
    );
  }
  if (url.username || url.password) throw new LensError('bad-target', 'Put no credentials in the probe URL.');
  return url;
}

export function parseProbeMethod(text: string): ProbeMethod {
  const method = text.toUpperCase();
  if (!(PROBE_METHODS as readonly string[]).includes(method))
    throw new LensError('bad-target', `Unknown HTTP method "${text}" (use one of ${PROBE_METHODS.join(', ')}).`);
  return method as ProbeMethod;
}

/** Sends the load; `onRequestDone(done, total)` after each request. Rejects with ProbeCancelled on abort. */
export async function sendLoad(
  request: LoadRequest,
  signal?: AbortSignal,
  onRequestDone?: (done: number, total: number) => void,
): Promise<LoadResult> {
  const started = Date.now();
  const concurrency = Math.max(1, Math.min(request.concurrency, request.requests || 1));
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const result: LoadResult = { sent: 0, ok: 0, httpErrors: 0, failed: 0, hung: 0, statuses: {}, durationMs: 0 };
  const inFlight = new Set<http.ClientRequest>();
  let done = 0;
  let next = 0;

  const one = () =>
    new Promise<void>((resolve) => {
      let finished = false;
      let timer: NodeJS.Timeout | undefined;
      const finish = (outcome: 'ok' | 'httpErrors' | 'failed' | 'hung', error?: string) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        inFlight.delete(req);
        result[outcome]++;
        if (error && !result.firstError) result.firstError = error;
        onRequestDone?.(++done, request.requests);
        resolve();
      };
      const headers: Record<string, string> = {};
      if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
      const req = http.request(request.url, { method: request.method, agent, headers }, (res) => {
        const status = res.statusCode ?? 0;
        result.statuses[status] = (result.statuses[status] ?? 0) + 1;
        const outcome = status > 0 && status < 400 ? 'ok' : 'httpErrors';
        res.resume();
        res.on('end', () => finish(outcome));
        res.on('error', (e) => finish('failed', e.message));
        res.on('close', () => finish(res.complete ? outcome : 'failed', res.complete ? undefined : 'connection closed mid-answer'));
      });
      inFlight.add(req);
      result.sent++;
      timer = setTimeout(() => {
        finish('hung');
        req.destroy();
      }, request.timeoutMs);
      req.on('error', (e) => finish('failed', e.message));
      req.end(request.body);
    });

  const lane = async () => {
    while (next < request.requests && !signal?.aborted) {
      next++;
      await one();
    }
  };
  const abort = () => {
    for (const req of inFlight) req.destroy();
  };
  signal?.addEventListener('abort', abort, { once: true });
  try {
    await Promise.all(Array.from({ length: concurrency }, lane));
  } finally {
    signal?.removeEventListener('abort', abort);
    agent.destroy();
  }
  if (signal?.aborted) throw new ProbeCancelled();
  result.durationMs = Date.now() - started;
  return result;
}
