// One attached process as the UI sees it: its session and live loop (core/live-target.ts: polls,
// site reads, growth verdicts), a window of count samples for the chart and trends, and VS Code
// events for the views. It renders nothing and decides nothing the CLI would not.
import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import type { GrowthOptions } from '../../core/growth/growth';
import { LiveTarget } from '../../core/growth/live-target';
import type { CountSample, Snapshot } from '../../core/sites/model';
import type { Session, SnapshotOptions } from '../../core/inspector/session';
import type { GrowingSite, GrowingType, TargetGrowth } from '../../core/growth/target-growth';
import { TREND_WINDOW_MS } from '../../core/growth/trend';

export type AttachSource = 'debug' | 'address' | 'process';

/** Samples kept per target (one hour at the default 1 s interval). */
const MAX_SAMPLES = 3600;

export class AttachedTarget implements vscode.Disposable {
  readonly samples: CountSample[] = [];
  /** Site reads of the last trend window and the one before it, oldest first (per-site trends). */
  readonly recentSites: Snapshot[] = [];

  private readonly live: LiveTarget;
  private readonly sampleEmitter = new vscode.EventEmitter<CountSample>();
  private readonly sitesEmitter = new vscode.EventEmitter<Snapshot>();
  private readonly endEmitter = new vscode.EventEmitter<string>();
  private readonly growthEmitter = new vscode.EventEmitter<void>();
  private readonly pauseEmitter = new vscode.EventEmitter<boolean>();
  readonly onDidSample = this.sampleEmitter.event;
  readonly onDidUpdateSites = this.sitesEmitter.event;
  /** The session ended; the reason is for people ("detached", "Target 123 is gone: ..."). */
  readonly onDidEnd = this.endEmitter.event;
  /** growingSites or growingTypes changed (a site started or stopped growing, or its rate changed). */
  readonly onDidChangeGrowth = this.growthEmitter.event;
  /** The target paused in (true) or resumed from (false) a debugger. */
  readonly onDidChangePaused = this.pauseEmitter.event;

  private ended = false;
  private paused = false;

  constructor(
    readonly id: string,
    readonly label: string,
    readonly source: AttachSource,
    readonly session: Session,
    sitesIntervalMs: number,
    growthOptions: Partial<GrowthOptions>,
    private readonly log: (message: string) => void,
  ) {
    this.live = new LiveTarget(session, { sitesEveryMs: sitesIntervalMs, growth: growthOptions });
    this.live.on('sample', (sample) => {
      this.samples.push(sample);
      if (this.samples.length > MAX_SAMPLES) this.samples.splice(0, this.samples.length - MAX_SAMPLES);
      this.sampleEmitter.fire(sample);
    });
    this.live.on('sites', (snapshot) => {
      this.keepRecent(snapshot);
      this.sitesEmitter.fire(snapshot);
    });
    this.live.on('growth', () => this.growthEmitter.fire());
    this.live.on('sitesFailed', (message) => this.log(`${label}: could not read sites: ${message}`));
    this.live.on('error', (error) => this.log(`${label}: ${describeError(error)}`));
    this.live.on('notice', (text) => this.log(`${label}: ${text}`));
    this.live.on('end', (reason) => this.end(reason));
  }

  get pid(): number {
    return this.session.info.pid;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Per-site data from the latest site read; undefined until the first one. */
  get latestSites(): Snapshot | undefined {
    return this.live.latestSites;
  }

  /** The site read before latestSites, for per-site trends. */
  get previousSites(): Snapshot | undefined {
    return this.live.previousSites;
  }

  /** Growth verdicts per site (from site reads) and per type (from samples); see src/core/growth.ts. */
  get growth(): TargetGrowth {
    return this.live.growth;
  }

  /** Sites whose pending count really keeps growing (not bursts), fastest first, with "+2.0 pending per minute". */
  get growingSites(): readonly GrowingSite[] {
    return this.live.growingSites;
  }

  /** Resource types whose live count keeps growing, fastest first. */
  get growingTypes(): readonly GrowingType[] {
    return this.live.growingTypes;
  }

  /** True while a debugger holds the target paused: polls and site reads wait. */
  get isPaused(): boolean {
    return this.paused;
  }

  /** Called by the debug integration: a call sent while a pause is pending could hang with it. */
  setPaused(paused: boolean): void {
    if (this.ended || paused === this.paused) return;
    this.paused = paused;
    this.live.setPaused(paused);
    this.pauseEmitter.fire(paused);
  }

  start(pollIntervalMs: number): void {
    this.live.start(pollIntervalMs);
  }

  setIntervals(pollIntervalMs: number, sitesIntervalMs: number): void {
    this.live.setIntervals(pollIntervalMs, sitesIntervalMs);
  }

  /**
   * Reads sites now (views need not wait for the timer), after the read under way if there is
   * one. With collectGarbage, a full GC runs first.
   */
  refreshSites(collectGarbage = false): Promise<Snapshot | undefined> {
    return this.live.readSites(collectGarbage);
  }

  /**
   * A full snapshot (a full GC first unless told otherwise), taken after the site read under way
   * and applied like one: the views show it, and it confirms or clears growth suspects.
   */
  takeSnapshot(options: SnapshotOptions = {}): Promise<Snapshot> {
    return this.live.snapshot(options);
  }

  async detach(): Promise<void> {
    if (this.ended) return;
    await this.session.detach().catch((error) => this.log(`${this.label}: detach failed: ${describeError(error)}`));
    this.live.stop('detached');
  }

  dispose(): void {
    void this.detach();
  }

  private keepRecent(snapshot: Snapshot): void {
    this.recentSites.push(snapshot);
    const end = Date.parse(snapshot.takenAt);
    // Keep one read at or past the window's start, so the window is covered in full.
    while (this.recentSites.length > 2 && end - Date.parse(this.recentSites[1].takenAt) >= TREND_WINDOW_MS) this.recentSites.shift();
  }

  private end(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.endEmitter.fire(reason);
    this.sampleEmitter.dispose();
    this.sitesEmitter.dispose();
    this.growthEmitter.dispose();
    this.pauseEmitter.dispose();
    this.endEmitter.dispose();
  }
}
