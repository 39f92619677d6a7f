// Options of the live view that `watch` and `run` share: polling, site reads, duration, and the
// warm-up and window of the growth verdicts, checked before anything attaches.
import { DEFAULT_GROWTH_OPTIONS } from '../core/growth/growth';
import { DEFAULT_POLL_INTERVAL_MS, DEFAULT_SITES_EVERY_MS } from '../core/growth/live-target';
import { UsageError } from './cli-error';
import { positiveInt } from './commands/diff';
import type { LiveViewOptions } from './live-view';

export const liveOptions = {
  interval: { type: 'string' },
  'sites-every': { type: 'string' },
  duration: { type: 'string' },
  top: { type: 'string' },
  warmup: { type: 'string' },
  window: { type: 'string' },
} as const;

export const liveHelp = `  --interval <ms>         poll interval (default ${DEFAULT_POLL_INTERVAL_MS})
  --sites-every <ms>      how often sites are re-read (default ${DEFAULT_SITES_EVERY_MS}, or window / 24 when shorter)
  --duration <s>          stop after s seconds (default: until Ctrl-C)
  --top <n>               sites shown per table (default 10)
  --warmup <s>            seconds after attaching that growth verdicts ignore (default ${DEFAULT_GROWTH_OPTIONS.warmupMs / 1000})
  --window <s>            growth verdicts judge the last s seconds, 5 or more (default ${DEFAULT_GROWTH_OPTIONS.windowMs / 1000})`;

export interface LiveValues {
  interval?: string;
  'sites-every'?: string;
  duration?: string;
  top?: string;
  warmup?: string;
  window?: string;
}

const MIN_WINDOW_S = 5;

export function liveViewOptions(values: LiveValues): LiveViewOptions {
  const warmupMs = seconds(values.warmup, '--warmup', 0) ?? DEFAULT_GROWTH_OPTIONS.warmupMs;
  const windowMs = seconds(values.window, '--window', MIN_WINDOW_S) ?? DEFAULT_GROWTH_OPTIONS.windowMs;
  // About 24 site reads per window by default: twice the points a verdict needs.
  const sitesEveryMs =
    positiveInt(values['sites-every'], '--sites-every') ?? Math.min(DEFAULT_SITES_EVERY_MS, Math.max(100, Math.floor(windowMs / 24)));
  const readsPerWindow = Math.floor(windowMs / sitesEveryMs) + 1;
  if (readsPerWindow < DEFAULT_GROWTH_OPTIONS.minPoints) {
    throw new UsageError(
      `--window ${windowMs / 1000} s holds only ${readsPerWindow} site reads at --sites-every ${sitesEveryMs}, and a growth verdict needs ${DEFAULT_GROWTH_OPTIONS.minPoints}: ` +
        `use a longer --window or --sites-every ${Math.floor(windowMs / (DEFAULT_GROWTH_OPTIONS.minPoints - 1))} or less.`,
    );
  }
  return {
    intervalMs: positiveInt(values.interval, '--interval') ?? DEFAULT_POLL_INTERVAL_MS,
    sitesEveryMs,
    durationMs: (positiveInt(values.duration, '--duration') ?? 0) * 1000,
    top: positiveInt(values.top, '--top') ?? 10,
    growth: { warmupMs, windowMs },
  };
}

export const failOnGrowthOption = { 'fail-on-growth': { type: 'boolean', default: false } } as const;

/** --fail-on-growth needs a --duration long enough for a verdict. */
export function checkFailOnGrowth(options: LiveViewOptions): void {
  if (!options.durationMs) throw new UsageError('--fail-on-growth needs --duration (how many seconds to watch before the verdict).');
  const shortest = shortestVerdictMs(options);
  if (options.durationMs < shortest) {
    throw new UsageError(
      `--duration ${options.durationMs / 1000} is too short for a growth verdict: the ${options.growth.warmupMs / 1000} s warm-up, then ${DEFAULT_GROWTH_OPTIONS.minPoints} site reads ` +
        `every ${options.sitesEveryMs} ms, need at least ${Math.ceil(shortest / 1000)} s (give a longer --duration, or a shorter --warmup or --window).`,
    );
  }
}

/** The shortest watch that can reach a growth verdict: the warm-up, then enough site reads. */
export function shortestVerdictMs(options: LiveViewOptions): number {
  return options.growth.warmupMs + DEFAULT_GROWTH_OPTIONS.minPoints * options.sitesEveryMs;
}

/** Whole seconds, at least `min`, as ms. */
function seconds(text: string | undefined, name: string, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < min)
    throw new UsageError(`${name} must be a whole number of seconds, ${min} or more (got "${text}").`);
  return n * 1000;
}
