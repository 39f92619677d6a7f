// The verdict at the end of a watch: which sites were judged growing, with rate, line and example
// stack, as text for people and CI logs, or as JSON (schema async-leak-lens/watch@1).
import { kindWords } from '../core/sites/site-presentation';
import { exampleStackLines, location } from './format';
import type { Site, TargetInfo } from '../core/sites/model';
import { formatDuration } from '../core/number-format';
import { escapeControl } from '../core/terminal-text';
import { painter } from './text-table';
import { abandonedRateText, formatAbandonedWatchSection } from './abandoned-log';
import type { GrowthLog } from './growth-log';
import { describeJudging, formatGrowthTable } from './growth-text';
import type { LiveViewOptions } from './live-view';
import { shortestVerdictMs } from './live-options';

export const WATCH_SCHEMA = 'async-leak-lens/watch@1';

/** Example stacks printed at most (each site's line is in the table anyway). */
const STACKS_SHOWN = 3;

export interface WatchRun {
  target: Pick<TargetInfo, 'pid' | 'nodeVersion' | 'title'>;
  startedAt: number;
  endedAt: number;
  options: LiveViewOptions;
  log: GrowthLog;
  /** Why the watch ended early (the target went away): the verdict is the one so far. */
  endedEarly?: string;
}

export interface WatchResult {
  schema: typeof WATCH_SCHEMA;
  target: Pick<TargetInfo, 'pid' | 'nodeVersion' | 'title'>;
  startedAt: string;
  durationMs: number;
  growth: { warmupMs: number; windowMs: number; sitesEveryMs: number; intervalMs: number };
  /** 'no-verdict': the watch ended before the warm-up and enough site reads were over. */
  verdict: 'growing' | 'not-growing' | 'no-verdict';
  /** Sites judged growing at any time, growing now first, then fastest first. */
  growing: { site: Site; ratePerMinute: number; rateText: string; reason: string; since: string; growingNow: boolean }[];
  /** Awaits where tasks were collected while suspended during the watch, most first. */
  abandoned: { site: Site; count: number; ratePerMinute: number; rateText: string; since: string }[];
  /** How the watch ended: as asked (duration, Ctrl-C), or early because the target went away. */
  end: { by: 'asked' } | { by: 'target-gone'; reason: string };
}

export function watchResult(run: WatchRun): WatchResult {
  const growing = run.log.list().map((j) => ({
    site: j.site,
    ratePerMinute: j.ratePerMinute,
    rateText: j.rateText,
    reason: j.reason,
    since: new Date(j.since).toISOString(),
    growingNow: j.growingNow,
  }));
  return {
    schema: WATCH_SCHEMA,
    target: { pid: run.target.pid, nodeVersion: run.target.nodeVersion, title: run.target.title },
    startedAt: new Date(run.startedAt).toISOString(),
    durationMs: run.endedAt - run.startedAt,
    growth: { ...run.options.growth, sitesEveryMs: run.options.sitesEveryMs, intervalMs: run.options.intervalMs },
    verdict: growing.length ? 'growing' : run.log.canJudge ? 'not-growing' : 'no-verdict',
    growing,
    abandoned: run.log.abandoned.list().map((e) => ({
      site: e.site,
      count: e.count,
      ratePerMinute: e.ratePerMinute,
      rateText: abandonedRateText(e),
      since: new Date(e.since).toISOString(),
    })),
    end: run.endedEarly === undefined ? { by: 'asked' } : { by: 'target-gone', reason: run.endedEarly },
  };
}

export function formatWatchVerdict(run: WatchRun, options: { color: boolean; cwd: string }): string {
  const abandoned = formatAbandonedWatchSection(run.log.abandoned, { ...options, limit: run.options.top });
  return `${growthVerdict(run, options)}${abandoned.length ? `${abandoned.slice(1).join('\n')}\n` : ''}`;
}

function growthVerdict(run: WatchRun, options: { color: boolean; cwd: string }): string {
  const paint = painter(options.color);
  const judged = run.log.list();
  const after = `after ${formatDuration(run.endedAt - run.startedAt)} (${describeJudging(run.options.growth)})`;
  const early =
    run.endedEarly === undefined
      ? ''
      : `${paint(`The watch ended early (${escapeControl(run.endedEarly)}): this is the verdict so far.`, 'yellow')}\n`;
  if (judged.length === 0) {
    if (!run.log.canJudge) {
      const needed = formatDuration(shortestVerdictMs(run.options));
      return `${early}${paint(`No growth verdict: watched ${formatDuration(run.endedAt - run.startedAt)}; a verdict needs the warm-up and enough site reads after it (at least ${needed} with these options).`, 'yellow')}\n`;
    }
    return `${early}${paint(`Growth verdict ${after}: no site judged growing.`, 'green', 'bold')}\n`;
  }
  const n = judged.length;
  const lines = [paint(`Growth verdict ${after}: ${n} site${n === 1 ? '' : 's'} judged growing.`, 'red', 'bold')];
  lines.push(...formatGrowthTable(judged, { ...options, limit: run.options.top }));
  for (const j of judged.slice(0, STACKS_SHOWN)) {
    lines.push('', paint(`Example stack, ${kindWords(j.site.kind)} ${location(j.site.frame, options.cwd)} (${j.rateText}):`, 'bold'));
    lines.push(...exampleStackLines(j.site, { ...options, stackDepth: 12 }).map((line) => `  ${line}`));
  }
  if (n > STACKS_SHOWN) lines.push('', paint(`(example stacks of the first ${STACKS_SHOWN} only)`, 'dim'));
  return `${early}${lines.join('\n')}\n`;
}
