// One attached process as the UI sees it: its session, a window of count samples for the chart
// and trends, and the latest per-site data (light snapshots at their own slower interval).
import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import type { CountSample, Snapshot } from '../../core/model';
import type { Session } from '../../core/session';
import { readGrowthSettings } from '../growth/growth-settings';
import { TargetGrowth, type GrowingSite, type GrowingType } from '../../core/target-growth';

export type AttachSource = 'debug' | 'address' | 'process';

/** Samples kept per target (one hour at the default 1 s interval). */
const MAX_SAMPLES = 3600;

export class AttachedTarget implements vscode.Disposable {
  readonly samples: CountSample[] = [];
  /** Per-site data from the latest light snapshot (no GC); undefined until the first one. */
  latestSites: Snapshot | undefined;
  /** The light snapshot before latestSites, for per-site trends. */
  previousSites: Snapshot | undefined;

  private readonly sampleEmitter = new vscode.EventEmitter<CountSample>();
  private readonly sitesEmitter = new vscode.EventEmitter<Snapshot>();
  private readonly endEmitter = new vscode.EventEmitter<string>();
  readonly onDidSample = this.sampleEmitter.event;
  readonly onDidUpdateSites = this.sitesEmitter.event;
  /** The session ended; the reason is for people ("detached", "Target 123 is gone: ..."). */
  readonly onDidEnd = this.endEmitter.event;

  /** Growth verdicts per site (from light snapshots) and per type (from samples); see src/core/growth.ts. */
  readonly growth = new TargetGrowth(readGrowthSettings().options, () => void this.refreshSites(true));
  private readonly growthEmitter = new vscode.EventEmitter<void>();
  /** growingSites or growingTypes changed (a site started or stopped growing, or its rate changed). */
  readonly onDidChangeGrowth = this.growthEmitter.event;

  private sitesTimer: NodeJS.Timeout | undefined;
  private ended = false;
  private paused = false;
  private readonly pauseEmitter = new vscode.EventEmitter<boolean>();
  /** The target paused in (true) or resumed from (false) a debugger. */
  readonly onDidChangePaused = this.pauseEmitter.event;

  constructor(
    readonly id: string,
    readonly label: string,
    readonly source: AttachSource,
    readonly session: Session,
    private sitesIntervalMs: number,
    private readonly log: (message: string) => void,
  ) {
    session.on('sample', (sample) => {
      this.samples.push(sample);
      if (this.samples.length > MAX_SAMPLES) this.samples.splice(0, this.samples.length - MAX_SAMPLES);
      this.sampleEmitter.fire(sample);
      if (this.growth.observeSample(sample)) this.growthEmitter.fire();
    });
    session.on('error', (error) => this.log(`${label}: ${describeError(error)}`));
    session.on('notice', (text) => this.log(`${label}: ${text}`));
    session.once('end', (reason) => this.end(reason));
  }

  get pid(): number {
    return this.session.info.pid;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Sites whose pending count really keeps growing (not bursts), fastest first, with "+2.0 pending per minute". */
  get growingSites(): readonly GrowingSite[] {
    return this.growth.growingSites;
  }

  /** Resource types whose live count keeps growing, fastest first. */
  get growingTypes(): readonly GrowingType[] {
    return this.growth.growingTypes;
  }

  /** True while a debugger holds the target paused: polls and site reads wait. */
  get isPaused(): boolean {
    return this.paused;
  }

  /** Called by the debug integration: a call sent while a pause is pending could hang with it. */
  setPaused(paused: boolean): void {
    if (this.ended || paused === this.paused) return;
    this.paused = paused;
    this.session.setPaused(paused);
    this.pauseEmitter.fire(paused);
  }

  start(pollIntervalMs: number): void {
    this.session.startPolling(pollIntervalMs);
    this.scheduleSites(0);
  }

  setIntervals(pollIntervalMs: number, sitesIntervalMs: number): void {
    this.sitesIntervalMs = sitesIntervalMs;
    if (!this.ended) this.session.startPolling(pollIntervalMs);
  }

  /**
   * Reads sites now (also used after a full snapshot so views do not wait for the timer). With
   * collectGarbage, a full GC runs first (growth detection asks for that to confirm a suspect).
   */
  async refreshSites(collectGarbage = false): Promise<Snapshot | undefined> {
    if (this.ended || this.paused) return undefined;
    try {
      const snapshot = await this.session.snapshot({ collectGarbage });
      this.acceptSites(snapshot, collectGarbage);
      return snapshot;
    } catch (error) {
      if (!this.ended) this.log(`${this.label}: could not read sites: ${describeError(error)}`);
      return undefined;
    }
  }

  /** `collected`: the snapshot was taken after a full GC (it confirms or clears growth suspects). */
  acceptSites(snapshot: Snapshot, collected = false): void {
    this.previousSites = this.latestSites;
    this.latestSites = snapshot;
    this.sitesEmitter.fire(snapshot);
    if (this.growth.observeSites(snapshot, collected)) this.growthEmitter.fire();
  }

  async detach(): Promise<void> {
    if (this.ended) return;
    await this.session.detach().catch((error) => this.log(`${this.label}: detach failed: ${describeError(error)}`));
    this.end('detached');
  }

  dispose(): void {
    void this.detach();
  }

  private scheduleSites(delayMs: number): void {
    clearTimeout(this.sitesTimer);
    this.sitesTimer = setTimeout(async () => {
      await this.refreshSites();
      if (!this.ended) this.scheduleSites(this.sitesIntervalMs);
    }, delayMs);
  }

  private end(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.sitesTimer);
    this.endEmitter.fire(reason);
    this.sampleEmitter.dispose();
    this.sitesEmitter.dispose();
    this.growthEmitter.dispose();
    this.pauseEmitter.dispose();
    this.endEmitter.dispose();
  }
}
