// The leak probe: snapshot, send bounded loopback load, let the target settle, snapshot again,
// and repeat for a few rounds. A leak grows by about the same amount every round (3 -> 53 -> 104),
// so it shows as a line against the number of requests; a one-off warm-up cost (caches, pools,
// lazy modules, process.stderr) only shows in the first round; work that finishes late does not
// pile up from round to round. The verdict names the sites whose growth scales with requests,
// with the per-request rate and an example stack, or says there is no leak. No `vscode` import.
import { compareDiffSites } from '../sites/diff';
import { LensError } from '../errors';
import type { Site, Snapshot, TargetInfo } from '../sites/model';
import { parseProbeMethod, parseProbeUrl, ProbeCancelled, sendLoad, type LoadResult, type ProbeMethod } from './probe-load';
import { countOf } from '../sites/count-map';

export { ProbeCancelled, parseProbeUrl, parseProbeMethod, PROBE_METHODS } from './probe-load';
export type { LoadResult, ProbeMethod } from './probe-load';

export const PROBE_SCHEMA = 'async-leak-lens/probe@1';

/** What the probe needs from an attached target (a core Session fits). */
export interface ProbeTarget {
  readonly info: { pid: number; nodeVersion: string; title: string };
  snapshot(options?: { label?: string; collectGarbage?: boolean }): Promise<Snapshot>;
}

export interface ProbeOptions {
  /** http://127.0.0.1|localhost|[::1]:PORT/path */
  url: string;
  /** Default GET. */
  method?: string;
  body?: string;
  /** Requests per round. */
  requests: number;
  /** Requests in flight at once. */
  concurrency: number;
  /** Rounds of load (default 3; the first one also pays warm-up costs). */
  rounds?: number;
  /** Per-request limit; slower requests are aborted and counted as hung (default 5000). */
  timeoutMs?: number;
  /** Settled = the live count has not fallen for this long (default 1000). */
  settleQuietMs?: number;
  /** Settling gives up after this long (default 15000). */
  settleMaxMs?: number;
  /** A site must grow by at least this much per request in every round after the first (default 0.05). */
  minPerRequest?: number;
}

export interface ProbeProgress {
  phase: 'settle' | 'snapshot' | 'load';
  /** 0 = the baseline before any load. */
  round: number;
  rounds: number;
  /** Requests finished in this round (load phase). */
  done?: number;
  total?: number;
  message: string;
}

export interface SettleResult {
  waitedMs: number;
  /** False when settleMaxMs ran out while counts were still falling. */
  settled: boolean;
}

export interface ProbeRound {
  /** 0 = baseline (no load). */
  round: number;
  load?: LoadResult;
  settle: SettleResult;
  takenAt: string;
  /** Pending resources in the snapshot after this round. */
  pending: number;
}

export interface LeakingSite {
  site: Site;
  /** Count in each snapshot: baseline, then after each round. */
  counts: number[];
  /** Growth per request after the first round (all rounds when there is only one). */
  perRequest: number;
}

export interface ProbeResult {
  schema: typeof PROBE_SCHEMA;
  target: Pick<TargetInfo, 'pid' | 'nodeVersion' | 'title'>;
  request: { url: string; method: ProbeMethod; requests: number; concurrency: number; rounds: number; timeoutMs: number };
  startedAt: string;
  durationMs: number;
  rounds: ProbeRound[];
  /** Pending count per resource type in each snapshot (baseline first). */
  totals: Record<string, number[]>;
  /**
   * 'abandoned': no pending growth, but tasks collected while suspended grow with requests;
   * 'cannot-tell': no leak found, but the target gave no sites to look at (see sitesUnavailable).
   */
  verdict: 'leak' | 'abandoned' | 'no-leak' | 'cannot-tell';
  /** Set when a snapshot had no sites (stacks unavailable in the target): why. */
  sitesUnavailable?: string;
  /** Sites whose growth scales with requests, the one to look at first. */
  leaks: LeakingSite[];
  /** User-code awaits whose abandoned count (tasks collected while suspended) scales with requests; counts are abandoned counts. */
  abandoned: LeakingSite[];
  /** Requests aborted after timeoutMs, over all rounds. */
  hung: number;
  /** Things a reader should know (one round only, settling gave up, every answer was a 404, ...). */
  notes: string[];
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(new ProbeCancelled());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new ProbeCancelled());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Checks the options; throws a LensError that says what is wrong. */
export function checkProbeOptions(
  options: ProbeOptions,
): Required<Omit<ProbeOptions, 'body' | 'method'>> & { method: ProbeMethod; body?: string; parsedUrl: URL } {
  const parsedUrl = parseProbeUrl(options.url);
  const method = parseProbeMethod(options.method ?? 'GET');
  const whole = (name: string, value: number, min: number, max: number) => {
    if (!Number.isInteger(value) || value < min || value > max)
      throw new LensError('bad-target', `${name} must be a whole number from ${min} to ${max} (got ${value}).`);
    return value;
  };
  return {
    url: options.url,
    parsedUrl,
    method,
    body: options.body,
    requests: whole('requests', options.requests, 1, 100_000),
    concurrency: whole('concurrency', options.concurrency, 1, 1000),
    rounds: whole('rounds', options.rounds ?? 3, 1, 20),
    timeoutMs: whole('timeout', options.timeoutMs ?? 5000, 10, 600_000),
    settleQuietMs: whole('settle quiet time', options.settleQuietMs ?? 1000, 0, 600_000),
    settleMaxMs: whole('settle limit', options.settleMaxMs ?? 15_000, 0, 600_000),
    minPerRequest: options.minPerRequest ?? 0.05,
  };
}

/**
 * Looks with growing pauses until the live count has not fallen for quietMs (or maxMs ran out).
 * Each look is a light snapshot (no GC): unlike a poll, it checks every tracked resource, so the
 * count is current rather than caught up over several polls.
 */
export async function settle(target: ProbeTarget, quietMs: number, maxMs: number, signal?: AbortSignal): Promise<SettleResult> {
  const started = Date.now();
  const pending = async () => sum(Object.values((await target.snapshot({ collectGarbage: false })).totals));
  let last = await pending();
  let quietSince = Date.now();
  let pause = 50;
  for (;;) {
    const now = Date.now();
    if (now - quietSince >= quietMs) return { waitedMs: now - started, settled: true };
    if (now - started >= maxMs) return { waitedMs: now - started, settled: false };
    await sleep(Math.min(pause, quietMs - (now - quietSince), maxMs - (now - started)) + 1, signal);
    pause = Math.min(pause * 2, 1000);
    const total = await pending();
    if (total < last) quietSince = Date.now();
    last = total;
  }
}

export interface ProbeHooks {
  signal?: AbortSignal;
  onProgress?: (progress: ProbeProgress) => void;
}

export async function runProbe(target: ProbeTarget, options: ProbeOptions, hooks: ProbeHooks = {}): Promise<ProbeResult> {
  const o = checkProbeOptions(options);
  const { signal, onProgress } = hooks;
  const started = Date.now();
  const check = () => {
    if (signal?.aborted) throw new ProbeCancelled();
  };
  const snapshots: Snapshot[] = [];
  const rounds: ProbeRound[] = [];

  for (let round = 0; round <= o.rounds; round++) {
    let load: LoadResult | undefined;
    if (round > 0) {
      onProgress?.({
        phase: 'load',
        round,
        rounds: o.rounds,
        done: 0,
        total: o.requests,
        message: `Round ${round} of ${o.rounds}: sending ${o.requests} ${o.method} requests`,
      });
      load = await sendLoad(
        { url: o.parsedUrl, method: o.method, body: o.body, requests: o.requests, concurrency: o.concurrency, timeoutMs: o.timeoutMs },
        signal,
        (done, total) =>
          onProgress?.({
            phase: 'load',
            round,
            rounds: o.rounds,
            done,
            total,
            message: `Round ${round} of ${o.rounds}: ${done} of ${total} requests done`,
          }),
      );
      if (round === 1 && load.ok + load.httpErrors + load.hung === 0) {
        throw new LensError(
          'cannot-connect',
          `No request to ${o.url} got an answer (${load.firstError ?? 'no error given'}). Is the server listening there?`,
        );
      }
    }
    check();
    onProgress?.({
      phase: 'settle',
      round,
      rounds: o.rounds,
      message:
        round === 0
          ? 'Waiting for the target to settle before the baseline'
          : `Round ${round} of ${o.rounds}: waiting for the target to settle`,
    });
    const settled = await settle(target, o.settleQuietMs, o.settleMaxMs, signal);
    check();
    onProgress?.({
      phase: 'snapshot',
      round,
      rounds: o.rounds,
      message: round === 0 ? 'Baseline snapshot' : `Round ${round} of ${o.rounds}: snapshot`,
    });
    const snapshot = await target.snapshot({ label: round === 0 ? 'probe baseline' : `probe round ${round}`, collectGarbage: true });
    check();
    snapshots.push(snapshot);
    rounds.push({
      round,
      ...(load ? { load } : {}),
      settle: settled,
      takenAt: snapshot.takenAt,
      pending: sum(Object.values(snapshot.totals)),
    });
  }

  const requestsPerRound = rounds.slice(1).map((r) => r.load!.sent);
  const leaks = findLeaks(snapshots, requestsPerRound, o.minPerRequest);
  const abandoned = findAbandoned(snapshots, requestsPerRound, o.minPerRequest);
  const hung = sum(rounds.map((r) => r.load?.hung ?? 0));
  const sitesUnavailable = snapshots.find((s) => s.sitesUnavailable !== undefined)?.sitesUnavailable;
  return {
    schema: PROBE_SCHEMA,
    target: { pid: target.info.pid, nodeVersion: target.info.nodeVersion, title: target.info.title },
    request: {
      url: o.parsedUrl.href,
      method: o.method,
      requests: o.requests,
      concurrency: o.concurrency,
      rounds: o.rounds,
      timeoutMs: o.timeoutMs,
    },
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    rounds,
    totals: totalsOf(snapshots),
    // A probe that cannot see sites must not say "no leak".
    verdict: leaks.length > 0 ? 'leak' : abandoned.length > 0 ? 'abandoned' : sitesUnavailable !== undefined ? 'cannot-tell' : 'no-leak',
    ...(sitesUnavailable !== undefined ? { sitesUnavailable } : {}),
    leaks,
    abandoned,
    hung,
    notes: notesOf(rounds, o.rounds, o.timeoutMs),
  };
}

/**
 * The sites whose count grows with requests. With two rounds or more, the first round is
 * warm-up: a site leaks when it grew in EVERY later round by at least minPerRequest per request,
 * and its rate is its growth after round 1 per request sent after round 1. With one round there
 * is nothing to tell warm-up from a leak, so round 1 is judged alone.
 */
export function findLeaks(
  snapshots: Snapshot[],
  requestsPerRound: number[],
  minPerRequest: number,
  countOf: (site: Site) => number = (site) => site.count,
): LeakingSite[] {
  const ids = new Map<string, Site>();
  for (const snapshot of snapshots) for (const site of snapshot.sites) ids.set(site.id, site); // the newest data wins
  const perSnapshot = snapshots.map((s) => {
    const counts = new Map<string, number>();
    for (const site of s.sites) counts.set(site.id, (counts.get(site.id) ?? 0) + countOf(site));
    return counts;
  });
  const countsOf = (id: string) => perSnapshot.map((counts) => counts.get(id) ?? 0);
  const judged = requestsPerRound.length >= 2 ? 2 : 1;
  const leaks: LeakingSite[] = [];
  for (const [id, site] of ids) {
    const counts = countsOf(id);
    let scales = true;
    for (let round = judged; round <= requestsPerRound.length && scales; round++) {
      const requests = requestsPerRound[round - 1];
      const growth = counts[round] - counts[round - 1];
      scales = requests > 0 && growth > 0 && growth >= minPerRequest * requests;
    }
    if (!scales) continue;
    const requestsJudged = sum(requestsPerRound.slice(judged - 1));
    leaks.push({ site, counts, perRequest: (counts[counts.length - 1] - counts[judged - 1]) / requestsJudged });
  }
  // Your code first, then by rate; among equals blocked-at lines (the await to fix) before what
  // they wait on, and the innermost await of a chain of suspended calls (where it is stuck) first.
  return leaks.sort(
    (a, b) =>
      Number(b.site.userCode) - Number(a.site.userCode) ||
      round2(b.perRequest) - round2(a.perRequest) ||
      Number(b.site.kind === 'blocked') - Number(a.site.kind === 'blocked') ||
      (a.site.kind === 'blocked' ? innerFirst(a.site, b.site) : 0) ||
      compareDiffSites(asDiff(a), asDiff(b)),
  );
}

/**
 * User-code awaits where tasks are abandoned (collected while suspended) in proportion to requests:
 * the same rounds rule as findLeaks, on abandoned counts (counted since attach, so they only grow).
 */
export function findAbandoned(snapshots: Snapshot[], requestsPerRound: number[], minPerRequest: number): LeakingSite[] {
  return findLeaks(snapshots, requestsPerRound, minPerRequest, (site) => site.abandoned ?? 0).filter(
    (leak) => leak.site.userCode && leak.site.kind === 'blocked',
  );
}

/** -1 when a is awaited inside b's call (b's line is further down a's stack), 1 the other way round. */
function innerFirst(a: Site, b: Site): number {
  const below = (inner: Site, outer: Site) => inner.stack.slice(1).some((f) => f.file === outer.frame.file && f.line === outer.frame.line);
  if (below(a, b)) return -1;
  if (below(b, a)) return 1;
  return 0;
}

function asDiff(leak: LeakingSite) {
  const after = leak.counts[leak.counts.length - 1];
  return { ...leak.site, before: leak.counts[0], after, delta: after - leak.counts[0] };
}

function totalsOf(snapshots: Snapshot[]): Record<string, number[]> {
  const types = [...new Set(snapshots.flatMap((s) => Object.keys(s.totals)))].sort();
  return Object.fromEntries(types.map((type) => [type, snapshots.map((s) => countOf(s.totals, type))]));
}

function notesOf(rounds: ProbeRound[], roundCount: number, timeoutMs: number): string[] {
  const notes: string[] = [];
  if (roundCount === 1) notes.push('With one round, a one-off warm-up cost looks like a leak: use 3 rounds to tell them apart.');
  const loads = rounds.flatMap((r) => (r.load ? [r.load] : []));
  const hung = sum(loads.map((l) => l.hung));
  if (hung > 0)
    notes.push(
      `${hung} request${hung === 1 ? '' : 's'} hung and ${hung === 1 ? 'was' : 'were'} aborted after ${timeoutMs} ms: requests that never finish are a common symptom of an async leak.`,
    );
  const failed = sum(loads.map((l) => l.failed));
  if (failed > 0)
    notes.push(
      `${failed} request${failed === 1 ? '' : 's'} failed without an answer (${loads.find((l) => l.firstError)?.firstError ?? 'no error given'}).`,
    );
  const statuses: Record<string, number> = {};
  for (const l of loads) for (const [status, n] of Object.entries(l.statuses)) statuses[status] = (statuses[status] ?? 0) + n;
  const answered = sum(Object.values(statuses));
  const errors = Object.entries(statuses).filter(([status]) => Number(status) >= 400);
  if (answered > 0 && sum(errors.map(([, n]) => n)) === answered) {
    notes.push(
      `Every answer was an HTTP error (${errors.map(([s, n]) => `${n}× ${s}`).join(', ')}): check the URL and method; the probe measured the error path.`,
    );
  }
  const unsettled = rounds.filter((r) => !r.settle.settled).map((r) => (r.round === 0 ? 'the baseline' : `round ${r.round}`));
  if (unsettled.length)
    notes.push(
      `Counts were still falling when settling gave up (${unsettled.join(', ')}): slow work may look like growth; a longer settle limit helps.`,
    );
  return notes;
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
