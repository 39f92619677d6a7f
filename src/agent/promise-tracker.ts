// Pending promises: every promise is counted (created minus settled, exact), a budget of them
// gets a stack. Promises have no destroy event: a sampled promise that became garbage without
// settling is noticed through its WeakRef and taken off the count with its weight.
import type { Recorder } from './recorder';
import { Sampler } from './sampler';
import type { Site, TrackedResource } from './sites';
import { fileOf, isUserFile } from './stacks';

export const PROMISE = 'PROMISE';

/** Task ids remembered when promises come through async_hooks (ids, not objects, name parents). */
const MAX_TASK_IDS = 10_000;

interface Sample {
  site: Site;
  weight: number;
}

export class PromiseTracker {
  readonly sampler: Sampler;
  private settled = 0;
  /** Estimated promises that became garbage without settling. */
  private collected = 0;
  /** Sampled records alive: while 0, a settle needs no lookup. */
  private liveRecords = 0;
  private readonly records = new WeakMap<object, TrackedResource>();
  /** Sampled result promises of async function calls (tasks). */
  private readonly taskPromises = new WeakSet<object>();
  private readonly taskIds = new Set<number>();

  constructor(private readonly recorder: Recorder) {
    this.sampler = new Sampler(recorder.config, recorder.clock);
  }

  /** V8 promise hook `init` (Node with trackPromises: false). Hot path. */
  readonly onInit = (promise: Promise<unknown>, parent: Promise<unknown> | undefined): void => {
    if (!this.sampler.next()) return;
    try {
      const sample = this.sample(parent !== undefined, parent !== undefined && this.taskPromises.has(parent), this.onInit);
      if (sample === 'task') this.taskPromises.add(promise);
      else if (sample) {
        const triggerId = parent === undefined ? 0 : (this.records.get(parent)?.id ?? 0);
        this.record(promise, this.sampler.seen, triggerId, sample);
      }
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
    if (!this.sampler.next()) return;
    try {
      const hasParent = triggerAsyncId !== executionAsyncId();
      const sample = this.sample(hasParent, hasParent && this.taskIds.has(triggerAsyncId), above);
      if (sample === 'task') {
        this.taskIds.add(asyncId);
        if (this.taskIds.size > MAX_TASK_IDS) this.taskIds.delete(this.taskIds.values().next().value as number);
      } else if (sample) this.record(promise, asyncId, triggerAsyncId, sample);
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
    if (this.recorder.remove(record)) this.liveRecords--;
  };

  /** For sweeps: forgets a sampled promise that was collected without settling. */
  check(record: TrackedResource): void {
    if (record.ref.deref() !== undefined) return;
    if (!this.recorder.remove(record)) return;
    this.liveRecords--;
    this.collected += record.weight;
  }

  pending(): number {
    // Promises created before attach may settle after it: clamp instead of going negative.
    return Math.max(0, Math.round(this.sampler.seen - this.settled - this.collected));
  }

  clear(): void {
    this.liveRecords = 0;
    this.taskIds.clear();
  }

  /**
   * What a sampled promise is, from its stack. A native frame on top (new Promise, then, all, ...)
   * means an ordinary creation. A JS frame on top with a parent is an `await` (V8 makes a
   * throwaway promise there): the task is blocked at that line. A JS frame without a parent is an
   * async function's own result promise ('task'): the task is counted once, where it blocks, so it
   * gets no site; nor do promises derived from it (`task().catch(...)`): undefined.
   */
  private sample(hasParent: boolean, parentIsTask: boolean, above: Function): Sample | 'task' | undefined {
    const start = performance.now();
    try {
      return this.classify(hasParent, parentIsTask, above);
    } finally {
      this.recorder.clock.measured(performance.now() - start);
    }
  }

  private classify(hasParent: boolean, parentIsTask: boolean, above: Function): Sample | 'task' | undefined {
    const weight = this.sampler.takeSample();
    if (!this.recorder.admit(PROMISE, weight, this.sampler)) return undefined;
    const capture = this.recorder.capture(above);
    const { callSites, top } = capture;
    if (top >= callSites.length) return undefined;
    const topFile = fileOf(callSites[top]);
    let kind: Site['kind'] = 'created';
    if (topFile !== '') {
      if (!hasParent) return 'task';
      if (isUserFile(topFile, this.recorder.config.nodeModulesAsSites)) kind = 'blocked';
    } else if (parentIsTask) return undefined;
    const site = this.recorder.siteFor(kind, PROMISE, capture);
    return site && { site, weight };
  }

  private record(promise: object, id: number, triggerId: number, { site, weight }: Sample): void {
    const record: TrackedResource = { id, triggerId, createdAt: Math.round(performance.now()), weight, site, ref: new WeakRef(promise) };
    this.records.set(promise, record);
    this.recorder.add(record);
    this.liveRecords++;
  }
}
