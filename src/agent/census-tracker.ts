// Follows what the census found pending before the agent arrived, so that a site's count goes on
// from the census instead of starting at 0. Core hands over a bounded sample of the found objects
// per site (the promise a suspended async function awaits, a Timeout), each standing for
// count / samples of them, the same weighting as the agent's own sampling. A sample leaves when
// its promise settles, its timer is done, or it is collected. Nothing here runs on a hot path unless census samples
// are alive (one WeakMap lookup per settled promise then).
import type { Liveness } from './liveness';
import { PROMISE } from './promise-tracker';
import type { CensusInput } from './protocol';
import type { Recorder } from './recorder';
import type { TrackedResource } from './sites';

export class CensusTracker {
  /** Census samples alive: while 0, a settle needs no lookup. */
  liveRecords = 0;
  private readonly liveWeight: Record<string, number> = Object.create(null);
  private readonly promises = new WeakMap<object, TrackedResource>();
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

  /** Adds the census's sites and samples; returns how many samples are followed. */
  add(input: CensusInput, objects: unknown[]): number {
    const now = Math.round(performance.now());
    let next = 0;
    let followed = 0;
    for (const found of input.sites) {
      // Several suspended functions may await one promise: it is followed once, for one site.
      const samples = [...new Set(objects.slice(next, next + found.samples))].filter(
        (o): o is object => typeof o === 'object' && o !== null && !this.promises.has(o),
      );
      next += found.samples;
      if (samples.length === 0 || !(found.count > 0)) continue;
      const site = this.recorder.sites.internCensus(found.kind, found.type, found.frame, found.userCode);
      if (!site) continue;
      const weight = found.count / samples.length;
      for (const object of samples) {
        const record: TrackedResource = {
          id: -1,
          triggerId: 0,
          createdAt: now - Math.max(0, found.ageMs ?? 0),
          weight,
          site,
          ref: new WeakRef(object),
          census: true,
        };
        site.live.add(record);
        site.weight += weight;
        if (found.type === PROMISE) this.promises.set(object, record);
        this.finalizer.register(object, record, record);
        this.liveWeight[found.type] = (this.liveWeight[found.type] ?? 0) + weight;
        this.liveRecords++;
        followed++;
      }
    }
    return followed;
  }

  /** V8 `settled` hook, before the promise tracker: true when it was a census sample. */
  onSettled(promise: object): boolean {
    const record = this.promises.get(promise);
    if (record === undefined) return false;
    this.promises.delete(promise);
    if (this.forget(record)) this.finalizer.unregister(record);
    return true;
  }

  /** For sweeps: a collected sample, or a timer that is done, leaves. */
  check(record: TrackedResource): void {
    const finished =
      record.site.type === PROMISE ? record.ref.deref() === undefined : this.liveness.isFinished(record.site.type, record.id, record.ref);
    if (finished && this.forget(record)) this.finalizer.unregister(record);
  }

  counts(into: Record<string, number>): void {
    for (const type in this.liveWeight) {
      const count = Math.round(this.liveWeight[type]);
      if (count > 0) into[type] = (into[type] ?? 0) + count;
    }
  }

  stop(): void {
    this.stopped = true;
    this.liveRecords = 0;
    for (const type in this.liveWeight) delete this.liveWeight[type];
  }

  private forget(record: TrackedResource): boolean {
    const site = record.site;
    if (!site.live.delete(record)) return false;
    site.weight = site.live.size === 0 ? 0 : site.weight - record.weight;
    this.liveRecords--;
    const type = record.site.type;
    this.liveWeight[type] = this.liveRecords === 0 ? 0 : this.liveWeight[type] - record.weight;
    return true;
  }
}
