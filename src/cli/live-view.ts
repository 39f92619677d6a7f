// The screen `watch` and `run` show: live counts by type, the sites the growth tracker judges
// growing (the same confirmed verdicts as the extension: core/target-growth.ts), and the other
// sites that grew since the start. On a terminal the screen is redrawn on every poll; without one
// (a pipe, a log file) a screen is printed only every 5 s (or --sites-every), and each newly growing site
// gets one notice line, so a log stays readable.
import { diffSnapshots } from '../core/sites/diff';
import { describeError } from '../core/errors';
import { formatCounts, formatDiffTable } from './format';
import { compareGrownSites } from '../core/sites/site-presentation';
import type { GrowthOptions } from '../core/growth/growth';
import { LiveTarget } from '../core/growth/live-target';
import type { CountSample } from '../core/sites/model';
import type { Session } from '../core/inspector/session';
import { formatAbandonedNotice, formatAbandonedWatchSection } from './abandoned-log';
import { escapeControl } from '../core/terminal-text';
import type { GrowthLog } from './growth-log';
import { formatGrowthNotice, formatGrowthSection } from './growth-text';
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
    const live = new LiveTarget(session, { sitesEveryMs: options.sitesEveryMs, growth: options.growth });
    let previous: CountSample | undefined;
    let done = false;
    let lastScreenAt = -Infinity;

    const render = (sample: CountSample) => {
      if (options.quiet) return;
      // A log gets a screen per site read (5 s at least), not per poll.
      if (!io.isTty && sample.t - lastScreenAt < Math.max(LOG_SCREEN_EVERY_MS, options.sitesEveryMs)) return;
      lastScreenAt = sample.t;
      const lines = [
        `Target pid ${session.info.pid} (${escapeControl(session.info.nodeVersion)}) · ${new Date(sample.t).toLocaleTimeString()} · Ctrl-C detaches`,
        '',
        formatCounts(sample, previous, { color: io.color }),
      ];
      lines.push(...formatGrowthSection(log, live.verdictPhase, { color: io.color, cwd, growth: options.growth, limit: options.top }));
      lines.push(...formatAbandonedWatchSection(log.abandoned, { color: io.color, cwd, limit: options.top }));
      const first = live.firstSites;
      const latest = live.latestSites;
      if (first && latest) {
        const diff = diffSnapshots(first, latest);
        // Sites with a verdict are in the table above; this one shows what has none (yet).
        // Your code before node internals and dependencies (an HTTP server's own requests grow too).
        const others = { ...diff, sites: diff.sites.filter((site) => !log.has(site.id)).sort(compareGrownSites) };
        const seconds = Math.round((Date.parse(latest.takenAt) - Date.parse(first.takenAt)) / 1000);
        lines.push('', `${others.sites.length < diff.sites.length ? 'Other sites' : 'Sites'} that grew since the start (${seconds} s):`);
        lines.push(formatDiffTable(others, { limit: options.top, color: io.color, cwd, includeUnchanged: false, stacks: false }));
      }
      previous = sample;
      if (io.isTty) io.out(`\x1b[2J\x1b[H${lines.join('\n')}`);
      else io.out(`\n${lines.join('\n')}`);
    };

    // On a terminal the next screen would wipe a notice; the screen's tables list the site instead.
    const notice = (text: string) => {
      if (options.quiet) io.err(text);
      else if (!io.isTty) io.out(text);
    };

    const announce = () => {
      for (const judged of log.record(live.growingSites)) notice(formatGrowthNotice(judged, cwd));
    };

    live.on('sample', (sample) => {
      announce();
      render(sample);
    });
    live.on('sites', (snapshot) => {
      if (live.verdictPhase.phase === 'judging') log.markJudging();
      log.refresh(snapshot.sites);
      announce();
      for (const entry of log.abandoned.observe(snapshot)) notice(formatAbandonedNotice(entry, cwd));
    });
    live.on('sitesFailed', (message) => io.err(`Could not read sites: ${escapeControl(message)}`));
    live.on('error', (error) => io.err(`Poll failed: ${escapeControl(describeError(error))}`));
    // Re-injections (another client removed the agent) and other news: always said, never silent.
    live.on('notice', (text) => io.err(`${new Date().toLocaleTimeString()} ${escapeControl(text)}`));
    live.on('end', (reason) => finish({ reason, targetEnded: reason !== 'detached' }));

    const finish = (result: LiveViewResult) => {
      if (done) return;
      done = true;
      clearTimeout(durationTimer);
      process.off('SIGINT', onInterrupt);
      live.stop(result.reason);
      resolve(result);
    };
    const onInterrupt = () => finish({ reason: 'interrupted', targetEnded: false });
    const durationTimer =
      options.durationMs > 0 ? setTimeout(() => finish({ reason: 'duration', targetEnded: false }), options.durationMs) : undefined;

    process.on('SIGINT', onInterrupt);
    live.start(options.intervalMs);
  });
}
