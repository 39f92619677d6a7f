// The census: what is pending in one thread of the target right now, wherever it came from. A
// heap snapshot (streamed, see heap-snapshot-reader.ts) finds every suspended async function and
// active timer; a bounded random sample of them is then resolved through the inspector, which
// gives the exact `await` a suspended function waits at ([[GeneratorLocation]]) and the objects
// the agent follows afterwards (census-tracker.ts), so counts go on from the census.
// Counts per function and per timer callback are exact; how a function's count splits over its
// awaits comes from the sample (exact when every one is resolved, or when they all agree).
import { type CensusSiteInput, type RawFrame } from '../../agent/protocol';
import { isUserFile } from '../../agent/stacks';
import { scanHeapGraph, type CodeLocation, type CensusScan, type TaskGroup } from './census-scan';
import { censusCallDeclaration } from '../inspector/agent-expressions';
import { LensError } from '../errors';
import { HeapSnapshotReader } from './heap-snapshot-reader';
import type { CdpChannel } from '../inspector/inspector-connection';
import type { CensusInfo } from '../sites/model';

export interface CensusOptions {
  /** Time allowed for resolving samples one by one after the heap snapshot (default 4 s). */
  resolveBudgetMs?: number;
  /** Objects resolved per site at most (default 8); every one when a function has at most this many. */
  samplesPerSite?: number;
  /** Objects the agent follows per site at most (default 64): exact counts below it, weighted samples above. */
  followPerSite?: number;
  /** Census sites kept at most, largest first (default 500). */
  maxSites?: number;
  nodeModulesAsSites?: boolean;
  /** Called with a phase name and a fraction between 0 and 1. */
  onProgress?: (phase: CensusPhase, fraction: number) => void;
  signal?: AbortSignal;
}

export type CensusPhase = 'snapshot' | 'scan' | 'resolve';

export type CensusSummary = CensusInfo;

export interface ThreadCensus {
  sites: CensusSiteInput[];
  summary: CensusSummary;
}

/**
 * Measured on a busy 2-core machine (bench/census.ts): V8 writes a heap snapshot at roughly this
 * rate of heap after a fixed start, the target needs about this many times its heap on top while
 * it does, and the tool about this many times the heap to read it.
 */
const SNAPSHOT_BYTES_PER_MS = 8_000;
const SNAPSHOT_FIXED_MS = 300;
const TARGET_MEMORY_PER_HEAP_BYTE = 10;
const TOOL_MEMORY_PER_HEAP_BYTE = 3;
const OBJECT_GROUP = 'async-leak-lens-census';

export interface CensusCost {
  heapBytes: number;
  /** Estimated pause of the target while the heap snapshot is written. */
  pauseMs: number;
  /** Estimated extra memory the target needs while V8 writes it. */
  targetBytes: number;
  /** Estimated memory the tool needs to read it. */
  toolBytes: number;
}

/** What a census of this thread will cost, from its heap size (cheap: one call). */
export async function estimateCensus(channel: CdpChannel, timeoutMs = 10_000): Promise<CensusCost> {
  const usage = await channel.send<{ usedSize: number; totalSize: number }>('Runtime.getHeapUsage', {}, timeoutMs);
  const heapBytes = usage.usedSize;
  return {
    heapBytes,
    pauseMs: Math.round(SNAPSHOT_FIXED_MS + heapBytes / SNAPSHOT_BYTES_PER_MS),
    targetBytes: heapBytes * TARGET_MEMORY_PER_HEAP_BYTE,
    toolBytes: heapBytes * TOOL_MEMORY_PER_HEAP_BYTE,
  };
}

export async function takeCensus(channel: CdpChannel, options: CensusOptions = {}): Promise<ThreadCensus> {
  const started = Date.now();
  const { heapBytes } = await estimateCensus(channel);
  const snapshotStarted = Date.now();
  const graph = await readHeapSnapshot(channel, options);
  const snapshotMs = Date.now() - snapshotStarted;
  options.onProgress?.('scan', 0);
  const scan = scanHeapGraph(graph);
  options.onProgress?.('scan', 1);
  const resolver = new SampleResolver(channel, options);
  try {
    const { sites, objectIds, elsewhere, tasks, timers } = await censusSites(scan, resolver, options);
    const handed = await handOver(channel, sites, objectIds);
    if (handed < 0) throw new LensError('agent', 'The agent is not in the target: the census has nobody to hand its findings to.');
    return {
      sites,
      summary: {
        takenAt: new Date(started).toISOString(),
        heapBytes,
        durationMs: Date.now() - started,
        snapshotMs,
        tasks,
        timers,
        elsewhere,
        resolved: resolver.resolved,
      },
    };
  } finally {
    await channel.send('Runtime.releaseObjectGroup', { objectGroup: OBJECT_GROUP }).catch(() => undefined);
  }
}

async function readHeapSnapshot(channel: CdpChannel, options: CensusOptions) {
  if (!channel.subscribe)
    throw new LensError('agent', 'This inspector connection does not deliver events, so it cannot stream a heap snapshot.');
  const reader = new HeapSnapshotReader();
  let failure: unknown;
  const unsubscribe = channel.subscribe((method, params) => {
    try {
      if (method === 'HeapProfiler.addHeapSnapshotChunk') reader.push(String(params.chunk));
      else if (method === 'HeapProfiler.reportHeapSnapshotProgress')
        options.onProgress?.('snapshot', Number(params.done) / Math.max(1, Number(params.total)));
    } catch (error) {
      failure ??= error;
    }
  });
  try {
    // No time limit that a big heap could hit: the call returns when V8 is done writing.
    await channel.send(
      'HeapProfiler.takeHeapSnapshot',
      { reportProgress: options.onProgress !== undefined, captureNumericValue: false },
      30 * 60_000,
    );
  } finally {
    unsubscribe();
  }
  if (failure) throw new LensError('agent', `Cannot read the heap snapshot: ${(failure as Error).message}`);
  return reader.finish();
}

interface Built {
  sites: CensusSiteInput[];
  objectIds: string[];
  elsewhere: number;
  tasks: number;
  timers: number;
}

async function censusSites(scan: CensusScan, resolver: SampleResolver, options: CensusOptions): Promise<Built> {
  const nodeModules = options.nodeModulesAsSites ?? false;
  const perSite = options.samplesPerSite ?? 8;
  const followPerSite = options.followPerSite ?? 64;
  let elsewhere = 0;
  let tasks = 0;
  let timers = 0;
  type Pending = { site: CensusSiteInput; objectIds: string[] };
  const found: Pending[] = [];
  const userTasks = scan.tasks.filter((g) => isUserFile(g.fn.script, nodeModules) || ((elsewhere += g.tasks.length), false));
  const userTimers = scan.timers.filter((g) => isUserFile(g.callback.script, nodeModules) || ((elsewhere += g.timers.length), false));
  // Largest groups first, so that a budget running out leaves the small ones unresolved.
  userTasks.sort((a, b) => b.tasks.length - a.tasks.length);
  userTimers.sort((a, b) => b.timers.length - a.timers.length);
  const total = userTasks.length + userTimers.length;
  let done = 0;

  // First where each function waits (a sample of each), then what the agent follows.
  const located: { group: TaskGroup; byAwait: Map<string, Pending & { hits: number; indexes: number[] }>; hits: number }[] = [];
  for (const group of userTasks) {
    tasks += group.tasks.length;
    options.onProgress?.('resolve', done++ / Math.max(1, total));
    const byAwait = new Map<string, Pending & { hits: number; indexes: number[] }>();
    let hits = 0;
    for (const index of pickSample(group.tasks.length, perSite)) {
      // Half the budget for finding lines, so that following gets its share; still one line per
      // function (the largest first) until twice the budget, else the function has no site.
      if (resolver.spentShare > (hits > 0 ? 0.5 : 2)) break;
      const where = await resolver.suspendedAt(group.tasks[index]);
      if (!where) continue;
      const frame: RawFrame = {
        file: group.fn.script,
        line: where.lineNumber + 1,
        column: where.columnNumber + 1,
        function: group.fn.function || '<anonymous>',
      };
      const key = `${frame.line}:${frame.column}`;
      let entry = byAwait.get(key);
      if (!entry)
        byAwait.set(
          key,
          (entry = {
            site: { kind: 'blocked', type: 'PROMISE', frame, userCode: true, count: 0, samples: 0 },
            objectIds: [],
            hits: 0,
            indexes: [],
          }),
        );
      entry.indexes.push(index);
      entry.hits++;
      hits++;
    }
    located.push({ group, byAwait, hits });
  }
  for (const { group, byAwait, hits } of located) {
    // A function waiting at one await only: any of its calls can be followed, up to followPerSite
    // (all of them below it: the count then goes on exactly). Otherwise only the located ones.
    const single = byAwait.size === 1;
    for (const entry of byAwait.values()) {
      const follow = single ? pickSample(group.tasks.length, Math.max(followPerSite, entry.indexes.length)) : entry.indexes;
      for (const index of follow) {
        if (resolver.exhausted && entry.objectIds.length >= entry.indexes.length) break;
        const promise = await resolver.objectId(group.promises[index]);
        if (promise) entry.objectIds.push(promise);
      }
      if (entry.objectIds.length === 0) continue;
      entry.site.count = Math.round((group.tasks.length * entry.hits) / hits);
      entry.site.samples = entry.objectIds.length;
      found.push(entry);
    }
  }

  for (const group of userTimers) {
    timers += group.timers.length;
    options.onProgress?.('resolve', done++ / Math.max(1, total));
    const objectIds: string[] = [];
    for (const index of pickSample(group.timers.length, followPerSite)) {
      if (resolver.exhausted && objectIds.length > 0) break;
      const id = await resolver.objectId(group.timers[index]);
      if (id) objectIds.push(id);
    }
    if (objectIds.length === 0) continue;
    const frame = toFrame(group.callback);
    found.push({
      site: { kind: 'created', type: 'Timeout', frame, userCode: true, count: group.timers.length, samples: objectIds.length },
      objectIds,
    });
  }

  found.sort((a, b) => b.site.count - a.site.count);
  const kept = found.slice(0, options.maxSites ?? 500);
  return { sites: kept.map((k) => k.site), objectIds: kept.flatMap((k) => k.objectIds), elsewhere, tasks, timers };
}

function toFrame(location: CodeLocation): RawFrame {
  return { file: location.script, line: location.line + 1, column: location.column + 1, function: location.function || '<anonymous>' };
}

/** `want` distinct random indexes below `size` (all of them when size <= want). */
export function pickSample(size: number, want: number): number[] {
  if (size <= want) return Array.from({ length: size }, (_, i) => i);
  const chosen = new Set<number>();
  while (chosen.size < want) chosen.add(Math.floor(Math.random() * size));
  return [...chosen];
}

interface GeneratorLocation {
  scriptId: string;
  lineNumber: number;
  columnNumber: number;
}

/** Heap ids to live objects, one inspector call each (each walks the heap: hence the budget). */
class SampleResolver {
  resolved = 0;
  private readonly started = Date.now();
  private readonly deadline: number;

  constructor(
    private readonly channel: CdpChannel,
    private readonly options: CensusOptions,
  ) {
    this.deadline = Date.now() + (options.resolveBudgetMs ?? 4000);
  }

  get exhausted(): boolean {
    return Date.now() > this.deadline || this.options.signal?.aborted === true;
  }

  /** Share of the time budget used so far (above 1 when exhausted or cancelled). */
  get spentShare(): number {
    if (this.options.signal?.aborted) return 2;
    return (Date.now() - this.started) / (this.deadline - this.started);
  }

  async objectId(heapId: number): Promise<string | undefined> {
    try {
      const answer = await this.channel.send<{ result: { objectId?: string } }>('HeapProfiler.getObjectByHeapObjectId', {
        objectId: String(heapId),
        objectGroup: OBJECT_GROUP,
      });
      this.resolved++;
      return answer.result.objectId;
    } catch {
      return undefined; // Collected since the snapshot.
    }
  }

  /** Where a suspended async function waits; undefined when it is no longer suspended. */
  async suspendedAt(heapId: number): Promise<GeneratorLocation | undefined> {
    const objectId = await this.objectId(heapId);
    if (!objectId) return undefined;
    try {
      const answer = await this.channel.send<{ internalProperties?: { name: string; value?: { value?: unknown } }[] }>(
        'Runtime.getProperties',
        { objectId, ownProperties: true },
      );
      const internal = new Map((answer.internalProperties ?? []).map((p) => [p.name, p.value?.value]));
      if (internal.get('[[GeneratorState]]') !== 'suspended') return undefined;
      const location = internal.get('[[GeneratorLocation]]') as GeneratorLocation | undefined;
      return location && typeof location.lineNumber === 'number' ? location : undefined;
    } catch {
      return undefined;
    }
  }
}

/** Gives the sites and their sample objects to the agent; -1 when no agent is there. */
async function handOver(channel: CdpChannel, sites: CensusSiteInput[], objectIds: string[]): Promise<number> {
  const global = await channel.send<{ result: { objectId?: string } }>('Runtime.evaluate', {
    expression: 'globalThis',
    objectGroup: OBJECT_GROUP,
  });
  const call = censusCallDeclaration;
  const answer = await channel.send<{ result: { value?: unknown }; exceptionDetails?: unknown }>('Runtime.callFunctionOn', {
    objectId: global.result.objectId,
    functionDeclaration: call,
    arguments: [{ value: { sites } }, ...objectIds.map((objectId) => ({ objectId }))],
    returnByValue: true,
    silent: true,
  });
  if (answer.exceptionDetails) throw new LensError('agent', 'The agent failed to take over the census.');
  return typeof answer.result.value === 'number' ? answer.result.value : -1;
}
