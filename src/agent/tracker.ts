// The hooks that run inside the target, and what poll() and snapshot() answer. Promises are
// counted from an exact unsettled count and their samples (promise-tracker.ts), other resources
// through their samples (resource-tracker.ts); stacks are captured within a budget (sampler.ts).
// Hooks never throw: an exception in an async hook kills the process.
import { CensusTracker } from './census-tracker';
import { installHooks } from './hooks';
import { Liveness } from './liveness';
import { PROMISE, PromiseTracker } from './promise-tracker';
import type { AgentConfig, AgentCounts, AgentReadout, AgentSnapshot, CensusInput } from './protocol';
import { Recorder } from './recorder';
import { ResourceTracker } from './resource-tracker';
import { readSites } from './site-readout';
import type { TrackedResource } from './sites';
import type * as AsyncHooks from 'node:async_hooks';
import type * as V8 from 'node:v8';

/**
 * Non-promise records whose state a poll checks (a snapshot checks every record). Bounds a poll's
 * cost whatever is alive; a finished resource that is still referenced leaves the counts within
 * (sampled records / this) polls, a collected one at once (FinalizationRegistry).
 */
const RECORDS_CHECKED_PER_POLL = 250;

export interface Builtins {
  asyncHooks: typeof AsyncHooks;
  v8: typeof V8;
}

export interface Tracker {
  readonly config: AgentConfig;
  poll(): AgentCounts;
  snapshot(): AgentSnapshot;
  /** Counts and the `limit` sites with most pending, for metrics: no GC, no sweep (see poll), no stacks. */
  read(limit: number): AgentReadout;
  /** Takes over what a census found (see census-tracker.ts); returns how many samples it follows. */
  census(input: CensusInput, objects: unknown[]): number;
  stop(): void;
}

export function startTracker(config: AgentConfig, builtins: Builtins, threadId: number): Tracker {
  const recorder = new Recorder(config);
  // One capture up front: a process where stacks are impossible says so from the first snapshot.
  recorder.capture(startTracker);
  const baseline = activeResourceBaseline();
  const promises = new PromiseTracker(recorder);
  const providers = (builtins.asyncHooks as { asyncWrapProviders?: Record<string, number> }).asyncWrapProviders;
  const liveness = new Liveness(providers);
  const resources = new ResourceTracker(recorder, liveness);
  const census = new CensusTracker(recorder, liveness);
  const executionAsyncId = builtins.asyncHooks.executionAsyncId;
  let promisesThroughAsyncHooks = false;
  let promiseInitsSeen = 0;

  function onInit(asyncId: number, type: string, triggerAsyncId: number, resource: object): void {
    try {
      // A nextTick callback always runs within the current turn: it cannot leak, and without a
      // destroy hook it would look pending until the next GC.
      if (type === 'TickObject') return;
      if (type !== PROMISE) resources.onInit(asyncId, type, triggerAsyncId, resource, onInit);
      else {
        promiseInitsSeen++;
        if (promisesThroughAsyncHooks) promises.onAsyncHookInit(asyncId, triggerAsyncId, resource, executionAsyncId, onInit);
      }
    } catch {
      // Never into user code.
    }
  }

  function check(record: TrackedResource): void {
    if (record.census) census.check(record);
    else if (record.site.type === PROMISE) promises.check(record);
    else resources.check(record);
  }

  let sweep: Iterator<TrackedResource> | undefined;
  /**
   * Checks up to `budget` non-promise records, resuming where the last sweep stopped. Promises
   * need none between snapshots: settling is an event, and one collected unsettled leaves at the
   * GC (FinalizationRegistry).
   */
  function sweepSome(budget: number): void {
    for (let n = 0; n < budget; n++) {
      sweep ??= recorder.sites.records(PROMISE);
      const next = sweep.next();
      if (next.done) {
        sweep = undefined;
        return;
      }
      check(next.value);
    }
  }

  function sweepAll(): void {
    sweep = undefined;
    for (const record of recorder.sites.records()) check(record);
  }

  function counts(): Record<string, number> {
    const out: Record<string, number> = Object.create(null);
    resources.counts(out);
    const pending = promises.pending();
    if (pending > 0) out[PROMISE] = pending;
    census.counts(out);
    return out;
  }

  function refreshSamplers(): void {
    promises.sampler.refresh();
    for (const sampler of resources.samplers.values()) sampler.refresh();
  }

  const hooks = installHooks(builtins.asyncHooks, builtins.v8, {
    init: onInit,
    promiseInit: promises.onInit,
    // A census sample's settle is not one of the tracked promises' (their pending count is exact).
    promiseSettled: (promise) => {
      if (census.liveRecords > 0 && census.onSettled(promise)) return;
      promises.onSettled(promise);
    },
    promiseInitsSeen: () => promiseInitsSeen,
  });
  promisesThroughAsyncHooks = hooks.promisesThroughAsyncHooks;

  return {
    config,
    poll() {
      refreshSamplers();
      sweepSome(RECORDS_CHECKED_PER_POLL);
      return { t: Date.now(), threadId, counts: counts() };
    },
    snapshot() {
      refreshSamplers();
      sweepAll();
      // Keyed by type names user code chose ("__proto__" included): no prototype.
      const created: Record<string, number> = Object.create(null);
      const samplingRate: Record<string, number> = Object.create(null);
      created[PROMISE] = promises.sampler.seen;
      samplingRate[PROMISE] = promises.sampler.probability;
      for (const [type, sampler] of resources.samplers) {
        created[type] = sampler.seen;
        samplingRate[type] = sampler.probability;
      }
      return {
        takenAt: Date.now(),
        threadId,
        counts: counts(),
        baseline,
        sites: recorder.sites.report(performance.now()),
        created,
        dropped: Object.assign(Object.create(null), recorder.dropped),
        droppedSites: recorder.sites.droppedSites,
        samplingRate,
        ...(recorder.stackProblem !== undefined ? { stackProblem: recorder.stackProblem } : {}),
      };
    },
    census(input, objects) {
      try {
        return census.add(input, objects);
      } catch {
        return 0;
      }
    },
    read(limit) {
      // No sweep: finding the next non-promise records walks the site table, too slow for every
      // scrape with tens of thousands of sites. Readers call poll() now and then for that.
      refreshSamplers();
      return {
        takenAt: Date.now(),
        counts: counts(),
        sites: readSites(recorder.sites.all(), limit),
        siteCount: recorder.sites.size,
        profile: config.profile ?? 'dev',
        stackCapturesPerSecond: config.stackCapturesPerSecond,
      };
    },
    stop() {
      census.stop();
      hooks.stop();
      resources.stop();
      promises.clear();
      recorder.clear();
      sweep = undefined;
    },
  };
}

function activeResourceBaseline(): Record<string, number> {
  const out: Record<string, number> = Object.create(null);
  const info = typeof process.getActiveResourcesInfo === 'function' ? process.getActiveResourcesInfo() : [];
  for (const type of info) out[type] = (out[type] ?? 0) + 1;
  return out;
}
