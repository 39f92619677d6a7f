// The screen `watch` and `run` show: live counts by type, and the sites that grew since the start.
import { diffSnapshots } from '../core/diff';
import { describeError } from '../core/errors';
import { formatCounts, formatDiffTable } from '../core/format';
import type { CountSample, Snapshot } from '../core/model';
import type { Session } from '../core/session';
import type { Output } from './output';

export interface LiveViewOptions {
  intervalMs: number;
  /** How often sites are re-read (a light snapshot, no GC); counts come every interval. */
  sitesEveryMs: number;
  /** Stop after this long (0 = until Ctrl-C or the target ends). */
  durationMs: number;
  top: number;
}

export interface LiveViewResult {
  /** Why it stopped: 'interrupted', 'duration', or the session's end reason. */
  reason: string;
  targetEnded: boolean;
}

export function runLiveView(session: Session, io: Output, options: LiveViewOptions): Promise<LiveViewResult> {
  return new Promise((resolve) => {
    let first: Snapshot | undefined;
    let latest: Snapshot | undefined;
    let previous: CountSample | undefined;
    let done = false;
    let sitesTimer: NodeJS.Timeout | undefined;

    const render = (sample: CountSample) => {
      const lines = [`Target pid ${session.info.pid} (${session.info.nodeVersion}) · ${new Date(sample.t).toLocaleTimeString()} · Ctrl-C detaches`, '', formatCounts(sample, previous, { color: io.color })];
      if (first && latest) {
        lines.push('', `Sites that grew since the start (${Math.round((Date.parse(latest.takenAt) - Date.parse(first.takenAt)) / 1000)} s):`);
        lines.push(formatDiffTable(diffSnapshots(first, latest), { limit: options.top, color: io.color, cwd: process.cwd(), includeUnchanged: false, stacks: false }));
      }
      previous = sample;
      if (io.isTty) io.out(`\x1b[2J\x1b[H${lines.join('\n')}`);
      else io.out(lines.join('\n'));
    };

    const readSites = async () => {
      try {
        latest = await session.snapshot({ collectGarbage: false });
        first ??= latest;
      } catch (error) {
        if (!session.isEnded) io.err(`Could not read sites: ${describeError(error)}`);
      }
      if (!done) sitesTimer = setTimeout(readSites, options.sitesEveryMs);
    };

    const finish = (result: LiveViewResult) => {
      if (done) return;
      done = true;
      clearTimeout(sitesTimer);
      clearTimeout(durationTimer);
      process.off('SIGINT', onInterrupt);
      session.off('sample', render);
      resolve(result);
    };
    const onInterrupt = () => finish({ reason: 'interrupted', targetEnded: false });
    const durationTimer = options.durationMs > 0 ? setTimeout(() => finish({ reason: 'duration', targetEnded: false }), options.durationMs) : undefined;

    process.on('SIGINT', onInterrupt);
    session.on('sample', render);
    session.on('error', (error) => io.err(`Poll failed: ${describeError(error)}`));
    session.once('end', (reason) => finish({ reason, targetEnded: reason !== 'detached' }));
    session.startPolling(options.intervalMs);
    void readSites();
  });
}
