// The screen `watch` and `run` show: live counts by type, the sites the growth tracker judges
// growing (the same confirmed verdicts as the extension: core/target-growth.ts), and the other
// sites that grew since the start. On a terminal the screen is redrawn on every poll; without one
// (a pipe, a log file) a screen is printed only every 5 s (or --sites-every), and each newly growing site
// gets one notice line, so a log stays readable.
import { diffSnapshots } from '../core/diff';
import { describeError } from '../core/errors';
import { formatCounts, formatDiffTable } from '../core/format';
import { DEFAULT_GROWTH_OPTIONS, type GrowthOptions } from '../core/growth';
import type { CountSample, Snapshot } from '../core/model';
import type { Session } from '../core/session';
import { TargetGrowth } from '../core/target-growth';
import { formatAbandonedNotice, formatAbandonedWatchSection } from './abandoned-log';
import type { GrowthLog } from './growth-log';
import { formatGrowthNotice, formatGrowthSection, type VerdictPhase } from './growth-text';
import type { Output } from './output';

/** Without a terminal, screens are printed at most this often. */
const LOG_SCREEN_EVERY_MS = 5000;

export interface LiveViewOptions {
  intervalMs: number;
  /** How often sites are re-read (a light snapshot, no GC); counts come every interval. */
  sitesEveryMs: number;
  /** Stop after this long (0 = until Ctrl-C or the target ends). */
  durationMs: number;
  top: number;
  /** Warm-up and window of the growth verdicts. */
  growth: Pick<GrowthOptions, 'warmupMs' | 'windowMs'>;
  /** No screens (--json keeps stdout for the result): only the growth notices, on stderr. */
  quiet?: boolean;
}

export interface LiveViewResult {
  /** Why it stopped: 'interrupted', 'duration', or the session's end reason. */
  reason: string;
  targetEnded: boolean;
}

/** Runs until Ctrl-C, the duration or the target's end; records sites judged growing in `log`. */
export function runLiveView(session: Session, io: Output, options: LiveViewOptions, log: GrowthLog): Promise<LiveViewResult> {
  return new Promise((resolve) => {
    const cwd = process.cwd();
    let first: Snapshot | undefined;
    let latest: Snapshot | undefined;
    let previous: CountSample | undefined;
    let done = false;
    let sitesTimer: NodeJS.Timeout | undefined;
    let reading = false;
    let gcWanted = false;
    let lastScreenAt = -Infinity;
    const startedAt = Date.now();
    let readsAfterWarmup = 0;
    const growth = new TargetGrowth(options.growth, () => requestGc());

    const phase = (): VerdictPhase => {
      const elapsedMs = Date.now() - startedAt;
      if (elapsedMs < options.growth.warmupMs) return { phase: 'warming-up', elapsedMs };
      if (readsAfterWarmup < DEFAULT_GROWTH_OPTIONS.minPoints) return { phase: 'collecting', reads: readsAfterWarmup, needed: DEFAULT_GROWTH_OPTIONS.minPoints };
      return { phase: 'judging' };
    };

    const render = (sample: CountSample) => {
      if (options.quiet) return;
      // A log gets a screen per site read (5 s at least), not per poll.
      if (!io.isTty && sample.t - lastScreenAt < Math.max(LOG_SCREEN_EVERY_MS, options.sitesEveryMs)) return;
      lastScreenAt = sample.t;
      const lines = [`Target pid ${session.info.pid} (${session.info.nodeVersion}) · ${new Date(sample.t).toLocaleTimeString()} · Ctrl-C detaches`, '', formatCounts(sample, previous, { color: io.color })];
      lines.push(...formatGrowthSection(log, phase(), { color: io.color, cwd, growth: options.growth, limit: options.top }));
      lines.push(...formatAbandonedWatchSection(log.abandoned, { color: io.color, cwd, limit: options.top }));
      if (first && latest) {
        const diff = diffSnapshots(first, latest);
        // Sites with a verdict are in the table above; this one shows what has none (yet).
        const others = { ...diff, sites: diff.sites.filter((site) => !log.has(site.id)) };
        const seconds = Math.round((Date.parse(latest.takenAt) - Date.parse(first.takenAt)) / 1000);
        lines.push('', `${others.sites.length < diff.sites.length ? 'Other sites' : 'Sites'} that grew since the start (${seconds} s):`);
        lines.push(formatDiffTable(others, { limit: options.top, color: io.color, cwd, includeUnchanged: false, stacks: false }));
      }
      previous = sample;
      if (io.isTty) io.out(`\x1b[2J\x1b[H${lines.join('\n')}`);
      else io.out(`\n${lines.join('\n')}`);
    };

    const onSample = (sample: CountSample) => {
      growth.observeSample(sample);
      announce();
      render(sample);
    };

    // On a terminal the next screen would wipe a notice; the screen's tables list the site instead.
    const notice = (text: string) => {
      if (options.quiet) io.err(text);
      else if (!io.isTty) io.out(text);
    };

    const announce = () => {
      for (const judged of log.record(growth.growingSites)) notice(formatGrowthNotice(judged, cwd));
    };

    const readSites = async () => {
      reading = true;
      const collectGarbage = gcWanted;
      gcWanted = false;
      try {
        const snapshot = await session.snapshot({ collectGarbage });
        latest = snapshot;
        first ??= snapshot;
        if (Date.parse(snapshot.takenAt) >= startedAt + options.growth.warmupMs) readsAfterWarmup++;
        if (readsAfterWarmup >= DEFAULT_GROWTH_OPTIONS.minPoints) log.markJudging();
        growth.observeSites(snapshot, collectGarbage);
        log.refresh(snapshot.sites);
        announce();
        for (const entry of log.abandoned.observe(snapshot)) notice(formatAbandonedNotice(entry, cwd));
      } catch (error) {
        if (!session.isEnded) io.err(`Could not read sites: ${describeError(error)}`);
      }
      reading = false;
      if (!done) sitesTimer = setTimeout(readSites, gcWanted ? 0 : options.sitesEveryMs);
    };

    // A suspect is only reported once a snapshot after a full GC still shows it: take one now
    // (or right after the read under way), in the same chain, so reads never overlap.
    const requestGc = () => {
      gcWanted = true;
      if (reading || done) return;
      clearTimeout(sitesTimer);
      sitesTimer = setTimeout(readSites, 0);
    };

    const onError = (error: Error) => io.err(`Poll failed: ${describeError(error)}`);
    const onEnd = (reason: string) => finish({ reason, targetEnded: reason !== 'detached' });
    const finish = (result: LiveViewResult) => {
      if (done) return;
      done = true;
      clearTimeout(sitesTimer);
      clearTimeout(durationTimer);
      process.off('SIGINT', onInterrupt);
      session.off('sample', onSample);
      session.off('error', onError);
      session.off('end', onEnd);
      resolve(result);
    };
    const onInterrupt = () => finish({ reason: 'interrupted', targetEnded: false });
    const durationTimer = options.durationMs > 0 ? setTimeout(() => finish({ reason: 'duration', targetEnded: false }), options.durationMs) : undefined;

    process.on('SIGINT', onInterrupt);
    session.on('sample', onSample);
    session.on('error', onError);
    session.once('end', onEnd);
    session.startPolling(options.intervalMs);
    void readSites();
  });
}
