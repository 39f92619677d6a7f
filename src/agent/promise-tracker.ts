// Pending promises. How many promises are unsettled is exact (created minus settled, both
// counted for every promise); how many of those are still alive rather than garbage (promises
// never settled, such as the losing timer of a Promise.race, that were collected) is read off the
// sampled ones: the unsettled count times the live share of the unsettled samples' weight.
// Without garbage that is the exact count; with it the error is a share of what is pending now.
// (Subtracting the weight of collected samples instead piled up the sampling error of every
// garbage promise since attach: a busy healthy server's total drifted up by hundreds.)
// A sample leaves the live weight when it settles, or when it is collected (at the next GC).
import { noteCollected } from './abandoned';
import type { Recorder } from './recorder';
import { Sampler } from './sampler';
import type { Site, TrackedResource } from './sites';
import { fileOf, isCapturing, isThenableJob, isUserFile } from './stacks';

export const PROMISE = 'PROMISE';

/** Task ids remembered when promises come through async_hooks (ids, not objects, name parents). */
const MAX_TASK_IDS = 10_000;

interface Sample {
  site: Site;
  weight: number;
  /** An async function's own result promise. */
  task: boolean;
}

export class PromiseTracker {
  readonly sampler: Sampler;
  private settled = 0;
  /** Summed weight of live samples, and of samples collected without settling. */
  private liveWeight = 0;
  private collectedWeight = 0;
  /** Sampled records alive: while 0, a settle needs no lookup. */
  private liveRecords = 0;
  private stopped = false;
  private readonly records = new WeakMap<object, TrackedResource>();
  /** Sampled result promises of async function calls (tasks). */
  private readonly taskPromises = new WeakSet<object>();
  private readonly taskIds = new Set<number>();
  /** Sites of recent sampled promises by async id, for the parent check of `classify`. */
  private readonly sitesById = new Map<number, Site>();
  /** Samples collected unsettled leave the live weight at the GC, not only at a snapshot's sweep. */
  private readonly finalizer = new FinalizationRegistry<TrackedResource>((record) => {
    try {
      if (!this.stopped) this.forget(record, true);
    } catch {
      // Never into user code.
    }
  });

  constructor(private readonly recorder: Recorder) {
    this.sampler = new Sampler(recorder.config, recorder.clock);
  }

  /** V8 promise hook `init` (Node with trackPromises: false). Hot path. */
  readonly onInit = (promise: Promise<unknown>, parent: Promise<unknown> | undefined): void => {
    if (isCapturing()) return void this.sampler.seen++;
    if (!this.sampler.next()) return;
    try {
      const parentRecord = parent === undefined ? undefined : this.records.get(parent);
      const sample = this.sample(
        parent !== undefined,
        parent !== undefined && this.taskPromises.has(parent),
        this.onInit,
        parentRecord?.site,
      );
      if (sample === undefined) return;
      if (sample.task) this.taskPromises.add(promise);
      this.record(promise, this.sampler.seen, parentRecord?.id ?? 0, sample);
    } catch {
      // Never into user code.
    }
  };

  /**
   * async_hooks `init` for a PROMISE (Node 18/20). It has no parent object, only the parent's
   * async id as trigger: a promise without parent gets the current execution id as trigger
   * instead, which is how the two are told apart.
   */
  onAsyncHookInit(asyncId: number, triggerAsyncId: number, promise: object, executionAsyncId: () => number, above: Function): void {
    if (isCapturing()) return void this.sampler.seen++;
    if (!this.sampler.next()) return;
    try {
      const hasParent = triggerAsyncId !== executionAsyncId();
      const sample = this.sample(
        hasParent,
        hasParent && this.taskIds.has(triggerAsyncId),
        above,
        hasParent ? this.sitesById.get(triggerAsyncId) : undefined,
      );
      if (sample === undefined) return;
      if (sample.task) {
        this.taskIds.add(asyncId);
        if (this.taskIds.size > MAX_TASK_IDS) this.taskIds.delete(this.taskIds.values().next().value as number);
      } else if (!sample.site.unsited) {
        this.sitesById.set(asyncId, sample.site);
        if (this.sitesById.size > MAX_TASK_IDS) this.sitesById.delete(this.sitesById.keys().next().value as number);
      }
      this.record(promise, asyncId, triggerAsyncId, sample);
    } catch {
      // Never into user code.
    }
  }

  /** V8 promise hook `settled`. Hot path. */
  readonly onSettled = (promise: Promise<unknown>): void => {
    this.settled++;
    if (this.liveRecords === 0) return;
    const record = this.records.get(promise);
    if (record === undefined) return;
    this.records.delete(promise);
    this.forget(record, false);
  };

  /** For sweeps (a snapshot's runs after a full GC, maybe before the finalizers): a collected sample leaves. */
  check(record: TrackedResource): void {
    if (record.ref.deref() === undefined) this.forget(record, true);
  }

  pending(): number {
    // Promises created before attach may settle after it: clamp instead of going negative.
    const unsettled = Math.max(0, this.sampler.seen - this.settled);
    // No sample alive or collected yet: nothing says any unsettled promise is garbage.
    if (this.liveRecords === 0 && this.collectedWeight === 0) return unsettled;
    return Math.round((unsettled * this.liveWeight) / (this.liveWeight + this.collectedWeight));
  }

  clear(): void {
    this.stopped = true;
    this.liveRecords = 0;
    this.liveWeight = 0;
    this.collectedWeight = 0;
    this.taskIds.clear();
    this.sitesById.clear();
  }

  /**
   * What a sampled promise is, from its stack. A native frame on top (new Promise, then, all, ...)
   * means an ordinary creation. A JS frame on top with a parent is an `await` (V8 makes a
   * throwaway promise there): the task is blocked at that line. A JS frame without a parent is an
   * async function's own result promise (a task): the task is counted once, where it blocks, so it
   * gets no site; nor do promises derived from it (`task().catch(...)`). Those, and promises with
   * no stack or past the site cap, are still counted (an unsited record). Undefined past the cap
   * on records (counted as dropped).
   */
  private sample(hasParent: boolean, parentIsTask: boolean, above: Function, parentSite: Site | undefined): Sample | undefined {
    const start = performance.now();
    try {
      return this.classify(hasParent, parentIsTask, above, parentSite);
    } finally {
      this.recorder.clock.measured(performance.now() - start);
    }
  }

  private classify(hasParent: boolean, parentIsTask: boolean, above: Function, parentSite: Site | undefined): Sample | undefined {
    const weight = this.sampler.takeSample();
    if (!this.recorder.admit(PROMISE, weight, this.sampler)) return undefined;
    const unsited = (task: boolean): Sample => ({ site: this.recorder.sites.unsited(PROMISE), weight, task });
    const capture = this.recorder.capture(above);
    const { callSites, top } = capture;
    if (top >= callSites.length) return unsited(false);
    const topFile = fileOf(callSites[top]);
    let kind: Site['kind'] = 'created';
    if (topFile !== '') {
      if (!hasParent) return unsited(true);
      if (isUserFile(topFile, this.recorder.config.nodeModulesAsSites)) kind = 'blocked';
    } else if (parentIsTask || isThenableJob(callSites, top)) return unsited(false);
    const site = this.recorder.siteFor(kind, PROMISE, capture);
    // A promise made from a sampled one at the same site is the same pending work: an `await` of a
    // non-native promise (a Promise subclass) makes two, and its `then` one more. Counted once.
    if (site !== undefined && site === parentSite) return unsited(false);
    return site ? { site, weight, task: false } : unsited(false);
  }

  private record(promise: object, id: number, triggerId: number, { site, weight }: Sample): void {
    const record: TrackedResource = { id, triggerId, createdAt: Math.round(performance.now()), weight, site, ref: new WeakRef(promise) };
    this.records.set(promise, record);
    this.recorder.add(record);
    this.finalizer.register(promise, record);
    this.liveRecords++;
    this.liveWeight += weight;
  }

  /** Takes a sample off the live weight, once (whichever of settle, GC or sweep comes first). */
  private forget(record: TrackedResource, collected: boolean): void {
    if (!this.recorder.remove(record)) return;
    // Back to exactly 0 when none is left, so float error cannot build up over a long run.
    this.liveWeight = --this.liveRecords === 0 ? 0 : this.liveWeight - record.weight;
    if (!collected) return;
    this.collectedWeight += record.weight;
    noteCollected(record);
  }
}
