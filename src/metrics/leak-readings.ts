// What all metrics outlets read: the agent's counts and top sites, with sites keyed by their
// labels, and the growth verdicts of a GrowthTracker (the test `watch` uses) fed on a timer.
// One instance per process (see shared()), so two outlets do not judge growth twice.
import { relative, isAbsolute, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AgentReadout, AgentSiteCount } from '../agent/protocol';
import { GrowthTracker } from '../core/growth/growth';
import type { MetricsSettings } from '../register/settings';
import { pollAgent, readAgent } from './agent-handle';

export interface SiteLabels {
  kind: string;
  type: string;
  file: string;
  line: string;
  function: string;
}

export interface SiteSeries {
  key: string;
  labels: SiteLabels;
  count: number;
  abandoned: number;
}

export interface GrowingSeries {
  key: string;
  labels: SiteLabels;
  perSecond: number;
}

export interface Reading {
  counts: Record<string, number>;
  siteCount: number;
  /** Sites merged by labels (two columns of one line are one series), largest pending first. */
  sites: SiteSeries[];
  growing: GrowingSeries[];
}

/** Sites read per collection: several times what any outlet shows, so a sticky choice has room. */
const MIN_READ_LIMIT = 200;

export class LeakReadings {
  private readonly growth: GrowthTracker;
  private readonly labelsByKey = new Map<string, SiteLabels>();
  private timer: NodeJS.Timeout | undefined;
  readonly readLimit: number;

  constructor(readonly settings: MetricsSettings) {
    this.growth = new GrowthTracker({ windowMs: settings.growthWindowMs, warmupMs: settings.growthWarmupMs });
    this.readLimit = Math.max(MIN_READ_LIMIT, 4 * settings.topSites);
  }

  /** Starts judging growth (idempotent). The timer never keeps the process alive. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.observe(), this.settings.growthIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The current reading; undefined when no agent tracks this thread. Never throws. */
  read(): Reading | undefined {
    let readout: AgentReadout | undefined;
    try {
      readout = readAgent(this.readLimit);
    } catch {
      return undefined;
    }
    if (!readout) return undefined;
    const sites = mergeByLabels(readout.sites);
    const growing: GrowingSeries[] = [];
    for (const g of this.growth.growing()) {
      const labels = this.labelsByKey.get(g.key);
      if (labels) growing.push({ key: g.key, labels, perSecond: g.ratePerMinute / 60 });
    }
    return { counts: readout.counts, siteCount: readout.siteCount, sites, growing };
  }

  /** One growth observation of the top sites (public for tests that drive time themselves). */
  observe(t = Date.now()): void {
    try {
      pollAgent();
      const readout = readAgent(this.readLimit);
      if (!readout) return;
      const values = new Map<string, number>();
      for (const site of mergeByLabels(readout.sites)) {
        values.set(site.key, site.count);
        this.labelsByKey.set(site.key, site.labels);
      }
      this.growth.observe(t, values);
      // Labels only for keys the tracker still judges: bounded like its window.
      for (const key of this.labelsByKey.keys())
        if (!values.has(key) && this.growth.verdict(key) === undefined) this.labelsByKey.delete(key);
    } catch {
      // A failed observation is a missing point, never an error in the app.
    }
  }
}

export function mergeByLabels(raw: readonly AgentSiteCount[]): SiteSeries[] {
  const byKey = new Map<string, SiteSeries>();
  for (const site of raw) {
    const labels = labelsOf(site);
    const key = `${labels.kind}\u0000${labels.type}\u0000${labels.file}\u0000${labels.line}\u0000${labels.function}`;
    const seen = byKey.get(key);
    if (seen) {
      seen.count += site.count;
      seen.abandoned += site.abandoned;
    } else byKey.set(key, { key, labels, count: site.count, abandoned: site.abandoned });
  }
  return [...byKey.values()].sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1));
}

const fileLabels = new Map<string, string>();

/** A file as a label: a path, relative to the working folder when inside it (shorter, same across hosts). */
export function fileLabel(file: string): string {
  let label = fileLabels.get(file);
  if (label !== undefined) return label;
  let path = file;
  try {
    if (file.startsWith('file://')) path = fileURLToPath(file);
  } catch {
    // Not a valid file URL: keep it as it is.
  }
  if (isAbsolute(path)) {
    const inside = relative(process.cwd(), path);
    if (inside !== '' && !inside.startsWith(`..${sep}`) && inside !== '..' && !isAbsolute(inside)) path = inside;
  }
  label = path;
  if (fileLabels.size > 10_000) fileLabels.clear();
  fileLabels.set(file, label);
  return label;
}

function labelsOf(site: AgentSiteCount): SiteLabels {
  return {
    kind: site.kind,
    type: site.type,
    file: fileLabel(site.frame.file),
    line: String(site.frame.line),
    function: site.frame.function,
  };
}

let shared: LeakReadings | undefined;

/** The process's readings, made with `settings` the first time. */
export function sharedReadings(settings: MetricsSettings): LeakReadings {
  shared ??= new LeakReadings(settings);
  shared.start();
  return shared;
}
