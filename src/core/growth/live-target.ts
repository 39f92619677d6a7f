// The live loop over one attached target, shared by the CLI's watch/run and the extension:
// count polls, light site reads at their own slower interval, and GC-confirmed growth verdicts
// (target-growth.ts). Views only listen and render.
//
// Site reads form one chain: a read starts only after the previous one answered, so results
// arrive and are applied in the order they were taken. A read asked for meanwhile (growth
// detection wanting a snapshot after a full GC, a view wanting fresh data) is served by the next
// read of the chain, right after the one under way, never by a second read beside it. A snapshot
// the user takes (labelled, after a full GC) is a read of the chain too, one of its own.
import { EventEmitter } from 'node:events';
import { describeError, LensError } from '../errors';
import { DEFAULT_GROWTH_OPTIONS, type GrowthOptions } from './growth';
import type { CountSample, Snapshot } from '../sites/model';
import type { Session, SnapshotOptions } from '../inspector/session';
import { TargetGrowth, type GrowingSite, type GrowingType } from './target-growth';

/** Count polls and site reads, unless a front end is told otherwise. */
export const DEFAULT_POLL_INTERVAL_MS = 1000;
export const DEFAULT_SITES_EVERY_MS = 5000;

export interface LiveTargetOptions {
  /** How often sites are re-read (a light snapshot, no GC); counts come every poll. */
  sitesEveryMs: number;
  /** Warm-up and window of the growth verdicts. */
  growth: Partial<GrowthOptions>;
}

/** Where the growth verdicts stand: in the warm-up, collecting reads, or judging. */
export type VerdictPhase =
  { phase: 'warming-up'; elapsedMs: number } | { phase: 'collecting'; reads: number; needed: number } | { phase: 'judging' };

export interface LiveTargetEvents {
  sample: [CountSample];
  /** A site read was applied (`collected`: taken after a full GC). */
  sites: [Snapshot, boolean];
  /** growingSites or growingTypes changed (a site started or stopped growing, or its rate changed). */
  growth: [];
  /** A site read failed while the target was still there. */
  sitesFailed: [string];
  /** The session reported an error (a failed poll, a worker it cannot track). */
  error: [Error];
  /** Something people should know that is not an error. */
  notice: [string];
  /** The target was lost or detached; the reason is for people. Nothing is emitted after it. */
  end: [string];
}

type Waiter = (snapshot: Snapshot | undefined) => void;

/** A snapshot someone asked for with options of their own: a read of the chain not shared. */
interface OwnRead {
  options: SnapshotOptions;
  resolve: (snapshot: Snapshot) => void;
  reject: (error: unknown) => void;
}

export class LiveTarget extends EventEmitter<LiveTargetEvents> {
  /** Growth verdicts per site (from site reads) and per type (from samples). */
  readonly growth: TargetGrowth;
  readonly startedAt = Date.now();
  private first: Snapshot | undefined;
  private latest: Snapshot | undefined;
  private previous: Snapshot | undefined;

  private sitesEveryMs: number;
  private readonly warmupMs: number;
  private readsAfterWarmup = 0;
  private timer: NodeJS.Timeout | undefined;
  private reading = false;
  private gcWanted = false;
  /** Callers waiting for the next read that starts (not the one under way). */
  private waiters: Waiter[] = [];
  private ownReads: OwnRead[] = [];
  private started = false;
  private stopped = false;
  private paused = false;

  private readonly onSample = (sample: CountSample) => {
    const changed = this.growth.observeSample(sample);
    this.emit('sample', sample);
    if (changed) this.emit('growth');
  };
  private readonly onError = (error: Error) => this.emit('error', error);
  private readonly onNotice = (text: string) => this.emit('notice', text);
  private readonly onEnd = (reason: string) => this.stop(reason);

  constructor(
    readonly session: Session,
    options: LiveTargetOptions,
  ) {
    super();
    this.sitesEveryMs = options.sitesEveryMs;
    this.warmupMs = options.growth.warmupMs ?? DEFAULT_GROWTH_OPTIONS.warmupMs;
    // Growth detection asks for a snapshot after a full GC to confirm a suspect: the next read.
    this.growth = new TargetGrowth(options.growth, () => void this.readSites(true));
    session.on('sample', this.onSample);
    session.on('error', this.onError);
    session.on('notice', this.onNotice);
    session.once('end', this.onEnd);
  }

  get isEnded(): boolean {
    return this.stopped;
  }

  /** The first site read applied: "grew since the start" compares with it. */
  get firstSites(): Snapshot | undefined {
    return this.first;
  }

  /** The latest site read applied; undefined until the first one. */
  get latestSites(): Snapshot | undefined {
    return this.latest;
  }

  /** The site read before latestSites, for per-site trends. */
  get previousSites(): Snapshot | undefined {
    return this.previous;
  }

  /** Sites whose pending count really keeps growing (not bursts), fastest first. */
  get growingSites(): readonly GrowingSite[] {
    return this.growth.growingSites;
  }

  /** Resource types whose live count keeps growing, fastest first. */
  get growingTypes(): readonly GrowingType[] {
    return this.growth.growingTypes;
  }

  /** Whether verdicts can be reached yet: the warm-up, then enough reads in the window. */
  get verdictPhase(): VerdictPhase {
    const elapsedMs = Date.now() - this.startedAt;
    if (elapsedMs < this.warmupMs) return { phase: 'warming-up', elapsedMs };
    if (this.readsAfterWarmup < DEFAULT_GROWTH_OPTIONS.minPoints)
      return { phase: 'collecting', reads: this.readsAfterWarmup, needed: DEFAULT_GROWTH_OPTIONS.minPoints };
    return { phase: 'judging' };
  }

  /** Starts polling counts every pollIntervalMs and reading sites at once, then every sitesEveryMs. */
  start(pollIntervalMs: number): void {
    if (this.stopped || this.started) return;
    this.started = true;
    this.session.startPolling(pollIntervalMs);
    this.schedule(0);
  }

  setIntervals(pollIntervalMs: number, sitesEveryMs: number): void {
    this.sitesEveryMs = sitesEveryMs;
    if (!this.stopped && this.started) this.session.startPolling(pollIntervalMs);
  }

  /** A debugger holds the target paused: polls and site reads wait (a call could hang until resume). */
  setPaused(paused: boolean): void {
    if (this.stopped) return;
    this.paused = paused;
    this.session.setPaused(paused);
  }

  /**
   * Asks for a site read now (with collectGarbage, after a full GC) and resolves with it, or with
   * undefined when it failed, the target is paused or gone. A read under way is not interrupted:
   * this one follows it.
   */
  readSites(collectGarbage = false): Promise<Snapshot | undefined> {
    if (this.stopped) return Promise.resolve(undefined);
    if (collectGarbage) this.gcWanted = true;
    const answer = new Promise<Snapshot | undefined>((resolve) => this.waiters.push(resolve));
    if (!this.reading) this.schedule(0);
    return answer;
  }

  /**
   * Takes a snapshot with these options (a label, a full GC by default) as the chain's next read,
   * after the one under way, and applies it like any site read. Rejects when it fails.
   */
  snapshot(options: SnapshotOptions = {}): Promise<Snapshot> {
    if (this.stopped)
      return Promise.reject(new LensError('target-gone', 'The target is no longer connected (the session ended). Attach again.'));
    const answer = new Promise<Snapshot>((resolve, reject) => this.ownReads.push({ options, resolve, reject }));
    if (!this.reading) this.schedule(0);
    return answer;
  }

  /** Stops the loop and lets go of the session's events (the session itself stays as it is). */
  stop(reason = 'stopped'): void {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    this.session.off('sample', this.onSample);
    this.session.off('error', this.onError);
    this.session.off('notice', this.onNotice);
    this.session.off('end', this.onEnd);
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
    for (const own of this.ownReads.splice(0)) own.reject(new LensError('target-gone', `The target is no longer connected (${reason}).`));
    this.emit('end', reason);
    this.removeAllListeners();
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.read(), delayMs);
  }

  private async read(): Promise<void> {
    if (this.reading || this.stopped) return;
    this.reading = true;
    const own = this.ownReads.shift();
    if (own) await this.readOwn(own);
    else await this.readShared();
    this.reading = false;
    if (this.stopped) return;
    this.schedule(this.ownReads.length || this.gcWanted || this.waiters.length ? 0 : this.sitesEveryMs);
  }

  /** The read every caller of readSites() since the last one started shares (and the timer's). */
  private async readShared(): Promise<void> {
    const collectGarbage = this.gcWanted;
    this.gcWanted = false;
    const waiters = this.waiters.splice(0);
    let snapshot: Snapshot | undefined;
    if (!this.paused) {
      try {
        snapshot = await this.session.snapshot({ collectGarbage });
        if (!this.stopped) this.apply(snapshot, collectGarbage);
      } catch (error) {
        snapshot = undefined;
        if (!this.stopped && !this.session.isEnded) this.emit('sitesFailed', describeError(error));
      }
    }
    for (const waiter of waiters) waiter(snapshot);
  }

  private async readOwn(own: OwnRead): Promise<void> {
    try {
      const snapshot = await this.session.snapshot(own.options);
      if (!this.stopped) this.apply(snapshot, own.options.collectGarbage ?? true);
      own.resolve(snapshot);
    } catch (error) {
      own.reject(error);
    }
  }

  private apply(snapshot: Snapshot, asked: boolean): void {
    // Only a snapshot after a GC that really ran confirms a suspect (a blocked loop skips it).
    const collected = asked && snapshot.gc?.status !== 'skipped';
    this.previous = this.latest;
    this.latest = snapshot;
    this.first ??= snapshot;
    if (Date.parse(snapshot.takenAt) >= this.startedAt + this.warmupMs) this.readsAfterWarmup++;
    // Verdicts first, so a view reading them on 'sites' sees this read in them.
    const changed = this.growth.observeSites(snapshot, collected);
    this.emit('sites', snapshot, collected);
    if (changed) this.emit('growth');
  }
}
