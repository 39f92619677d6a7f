// The hooks that run inside the target. Every resource is counted exactly; stacks are captured
// within a budget (see Sampler). Hooks never throw: an exception in an async hook kills the process.
import type { AgentConfig, AgentCounts, AgentSnapshot } from './protocol';
import { Sampler } from './sampler';
import { SiteTable, type Site, type TrackedResource } from './sites';
import { captureCallSites, fileOf, isNoise, isUserFile, toFrame, toFrames } from './stacks';
import type * as AsyncHooks from 'node:async_hooks';
import type * as V8 from 'node:v8';

const PROMISE = 'PROMISE';
/** Extra frames captured beyond stackDepth, to get past node:internal frames to user code. */
const EXTRA_FRAMES = 12;

export interface Builtins {
  asyncHooks: typeof AsyncHooks;
  v8: typeof V8;
}

export interface Tracker {
  readonly config: AgentConfig;
  poll(): AgentCounts;
  snapshot(): AgentSnapshot;
  stop(): void;
}

export function startTracker(config: AgentConfig, builtins: Builtins, threadId: number): Tracker {
  const sites = new SiteTable(config);
  const baseline = activeResourceBaseline();
  const dropped: Record<string, number> = Object.create(null);
  let tracked = 0;

  // --- promises: V8 promise hooks (no destroy event; liveness by settle, or WeakRef for garbage)
  const promiseSampler = new Sampler(config);
  const promiseRecords = new WeakMap<object, TrackedResource>();
  /** Sampled result promises of async function calls (tasks). */
  const taskPromises = new WeakSet<object>();
  let promisesSettled = 0;
  let promisesCollected = 0;

  function onPromiseInit(promise: Promise<unknown>, parent: Promise<unknown> | undefined): void {
    if (!promiseSampler.next()) return;
    try {
      samplePromise(promise, parent);
    } catch {
      // Never into user code.
    }
  }

  function samplePromise(promise: Promise<unknown>, parent: Promise<unknown> | undefined): void {
    const weight = promiseSampler.takeSample();
    if (tracked >= config.maxTrackedResources) {
      dropped[PROMISE] = (dropped[PROMISE] ?? 0) + weight;
      promiseSampler.thin();
      return;
    }
    const callSites = captureCallSites(config.stackDepth + EXTRA_FRAMES, onPromiseInit);
    let top = 0;
    while (top < callSites.length && isNoise(fileOf(callSites[top]))) top++;
    if (top >= callSites.length) return;
    const topFile = fileOf(callSites[top]);
    // A native frame on top (new Promise, then, all, ...) means an ordinary creation. A JS frame on
    // top with a parent is an `await` (V8 makes a throwaway promise there): the task is blocked at
    // that line. A JS frame without a parent is an async function's own result promise: its task
    // is counted once, where it is blocked, so it gets no site of its own; nor do promises derived
    // from it.
    let kind: Site['kind'] = 'created';
    if (topFile !== '') {
      if (parent === undefined) {
        taskPromises.add(promise);
        return;
      }
      if (isUserFile(topFile, config.nodeModulesAsSites)) kind = 'blocked';
    } else if (parent !== undefined && taskPromises.has(parent)) {
      // `task().catch(...)`, `task().then(...)`: part of the task's chain, counted where it blocks.
      return;
    }
    const site = internSite(kind, PROMISE, callSites, top);
    if (!site) return;
    const record: TrackedResource = {
      id: promiseSampler.seen,
      triggerId: parent ? (promiseRecords.get(parent)?.id ?? 0) : 0,
      createdAt: performance.now(),
      weight,
      site,
      ref: new WeakRef(promise),
    };
    promiseRecords.set(promise, record);
    site.live.add(record);
    tracked++;
  }

  function onPromiseSettled(promise: Promise<unknown>): void {
    promisesSettled++;
    if (tracked === 0) return;
    const record = promiseRecords.get(promise);
    if (record === undefined) return;
    promiseRecords.delete(promise);
    untrack(record);
  }

  // --- everything else: async_hooks, with exact liveness from destroy
  const samplers = new Map<string, Sampler>();
  const liveCounts: Record<string, number> = Object.create(null);
  /** asyncId -> its record when sampled, else just its type. */
  const liveResources = new Map<number, TrackedResource | string>();

  function onInit(asyncId: number, type: string, triggerAsyncId: number): void {
    if (type === PROMISE) return;
    try {
      let sampler = samplers.get(type);
      if (sampler === undefined) samplers.set(type, (sampler = new Sampler(config)));
      liveCounts[type] = (liveCounts[type] ?? 0) + 1;
      const record = sampler.next() ? sampleResource(sampler, asyncId, type, triggerAsyncId) : undefined;
      liveResources.set(asyncId, record ?? type);
    } catch {
      // Never into user code.
    }
  }

  function sampleResource(sampler: Sampler, asyncId: number, type: string, triggerId: number): TrackedResource | undefined {
    const weight = sampler.takeSample();
    if (tracked >= config.maxTrackedResources) {
      dropped[type] = (dropped[type] ?? 0) + weight;
      sampler.thin();
      return undefined;
    }
    const callSites = captureCallSites(config.stackDepth + EXTRA_FRAMES, onInit);
    let top = 0;
    while (top < callSites.length && isNoise(fileOf(callSites[top]))) top++;
    const site = internSite('created', type, callSites, top);
    if (!site) return undefined;
    const record: TrackedResource = { id: asyncId, triggerId, createdAt: performance.now(), weight, site };
    site.live.add(record);
    tracked++;
    return record;
  }

  function onDestroy(asyncId: number): void {
    try {
      const entry = liveResources.get(asyncId);
      if (entry === undefined) return;
      liveResources.delete(asyncId);
      const type = typeof entry === 'string' ? entry : entry.site.type;
      liveCounts[type]--;
      if (typeof entry !== 'string') untrack(entry);
    } catch {
      // Never into user code.
    }
  }

  // --- shared
  function internSite(kind: Site['kind'], type: string, callSites: NodeJS.CallSite[], top: number): Site | undefined {
    let at = -1;
    if (kind === 'blocked') at = top;
    else {
      for (let i = top; i < callSites.length && at < 0; i++) {
        if (isUserFile(fileOf(callSites[i]), config.nodeModulesAsSites)) at = i;
      }
    }
    const userCode = at >= 0;
    if (at < 0) {
      // No user frame: fall back to the first frame that has a file at all.
      at = top;
      for (let i = top; i < callSites.length; i++) {
        if (fileOf(callSites[i]) !== '') {
          at = i;
          break;
        }
      }
    }
    if (at >= callSites.length) return undefined;
    return sites.intern(kind, type, toFrame(callSites[at]), userCode, () => toFrames(callSites.slice(top), config.stackDepth));
  }

  function untrack(record: TrackedResource): void {
    if (record.site.live.delete(record)) tracked--;
  }

  /** Promises that became garbage without settling are not pending any more: forget them. */
  function sweepCollectedPromises(): void {
    for (const site of sites.all()) {
      if (site.type !== PROMISE) continue;
      for (const record of site.live) {
        if (record.ref?.deref() === undefined) {
          promisesCollected += record.weight;
          untrack(record);
        }
      }
    }
  }

  function counts(): Record<string, number> {
    const out: Record<string, number> = Object.create(null);
    for (const type in liveCounts) if (liveCounts[type] > 0) out[type] = liveCounts[type];
    // Promises created before attach may settle after it: clamp instead of going negative.
    const pending = Math.round(promiseSampler.seen - promisesSettled - promisesCollected);
    if (pending > 0) out[PROMISE] = pending;
    return out;
  }

  function refreshSamplers(): void {
    promiseSampler.refresh();
    for (const sampler of samplers.values()) sampler.refresh();
  }

  const stopPromiseHook = builtins.v8.promiseHooks.createHook({ init: onPromiseInit, settled: onPromiseSettled });
  const asyncHook = builtins.asyncHooks.createHook({ init: onInit, destroy: onDestroy });
  asyncHook.enable();

  return {
    config,
    poll() {
      refreshSamplers();
      return { t: Date.now(), threadId, counts: counts() };
    },
    snapshot() {
      refreshSamplers();
      sweepCollectedPromises();
      const created: Record<string, number> = { [PROMISE]: promiseSampler.seen };
      const samplingRate: Record<string, number> = { [PROMISE]: promiseSampler.probability };
      for (const [type, sampler] of samplers) {
        created[type] = sampler.seen;
        samplingRate[type] = sampler.probability;
      }
      return {
        takenAt: Date.now(),
        threadId,
        counts: counts(),
        baseline,
        sites: sites.report(performance.now()),
        created,
        dropped: { ...dropped },
        droppedSites: sites.droppedSites,
        samplingRate,
      };
    },
    stop() {
      stopPromiseHook();
      asyncHook.disable();
      sites.clear();
      liveResources.clear();
      tracked = 0;
    },
  };
}

function activeResourceBaseline(): Record<string, number> {
  const out: Record<string, number> = Object.create(null);
  const info = typeof process.getActiveResourcesInfo === 'function' ? process.getActiveResourcesInfo() : [];
  for (const type of info) out[type] = (out[type] ?? 0) + 1;
  return out;
}
