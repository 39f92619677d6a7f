// Non-promise resources (timers, sockets, requests, ...), seen through async_hooks `init` only.
// There is no destroy hook (see hooks.ts), so only sampled resources are followed: the count of a
// type is the weight of its live samples. Below the stack budget every resource is a sample
// (weight 1) and the count is exact, up to how fast an end is noticed:
// - a collected resource at once through a FinalizationRegistry (GC runs often under load, and
//   a snapshot runs a full GC first);
// - a finished one still referenced (a cleared timer kept in a field, a closed handle) by its
//   state (liveness.ts), checked a bounded number of records per poll and all of them per snapshot.
import type { Liveness } from './liveness';
import type { Recorder } from './recorder';
import { Sampler } from './sampler';
import type { TrackedResource } from './sites';

export class ResourceTracker {
  readonly samplers = new Map<string, Sampler>();
  /** Per type: the summed weight of live samples, i.e. the estimated live count. */
  private readonly liveWeight: Record<string, number> = Object.create(null);
  private stopped = false;
  private readonly finalizer = new FinalizationRegistry<TrackedResource>((record) => {
    try {
      if (!this.stopped) this.forget(record);
    } catch {
      // Never into user code.
    }
  });

  constructor(
    private readonly recorder: Recorder,
    private readonly liveness: Liveness,
  ) {}

  /** async_hooks `init` for anything but promises. Hot path: a map lookup and a decrement. */
  onInit(asyncId: number, type: string, triggerAsyncId: number, resource: object, above: Function): void {
    let sampler = this.samplers.get(type);
    if (sampler === undefined) this.samplers.set(type, (sampler = new Sampler(this.recorder.config, this.recorder.clock)));
    if (!sampler.next()) return;
    const start = performance.now();
    try {
      this.sample(sampler, asyncId, type, triggerAsyncId, resource, above);
    } finally {
      this.recorder.clock.measured(performance.now() - start);
    }
  }

  private sample(sampler: Sampler, asyncId: number, type: string, triggerAsyncId: number, resource: object, above: Function): void {
    const weight = sampler.takeSample();
    if (!this.recorder.admit(type, weight, sampler)) return;
    const site = this.recorder.siteFor('created', type, this.recorder.capture(above)) ?? this.recorder.sites.unsited(type);
    const record: TrackedResource = {
      id: asyncId,
      triggerId: triggerAsyncId,
      createdAt: Math.round(performance.now()),
      weight,
      site,
      ref: new WeakRef(resource),
    };
    this.recorder.add(record);
    this.liveWeight[type] = (this.liveWeight[type] ?? 0) + weight;
    this.finalizer.register(resource, record, record);
  }

  /** For sweeps: forgets the record when its resource has finished. */
  check(record: TrackedResource): void {
    if (!this.liveness.isFinished(record.site.type, record.id, record.ref)) return;
    if (this.forget(record)) this.finalizer.unregister(record);
  }

  counts(into: Record<string, number>): void {
    for (const type in this.liveWeight) {
      const count = Math.round(this.liveWeight[type]);
      if (count > 0) into[type] = count;
    }
  }

  /** After this, late finalization callbacks do nothing. */
  stop(): void {
    this.stopped = true;
    for (const type in this.liveWeight) delete this.liveWeight[type];
  }

  private forget(record: TrackedResource): boolean {
    if (!this.recorder.remove(record)) return false;
    this.liveWeight[record.site.type] -= record.weight;
    return true;
  }
}
