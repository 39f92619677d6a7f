// What the status bar says about the attached targets. No vscode import (unit-tested).
import type { CountSample } from '../../core/sites/model';

export type Trend = 'up' | 'down' | 'flat';

/** Span of samples a trend looks back over. */
export const TREND_WINDOW_MS = 30_000;

/**
 * Growing, shrinking or flat: the latest total against the oldest one inside the window. A
 * change counts when it is at least 2 resources and 2 % (busy servers jitter by a few).
 */
export function trendOf(samples: readonly CountSample[], windowMs = TREND_WINDOW_MS): Trend {
  const latest = samples.at(-1);
  if (!latest) return 'flat';
  let oldest = latest;
  for (let i = samples.length - 2; i >= 0 && latest.t - samples[i].t <= windowMs; i--) oldest = samples[i];
  const delta = latest.total - oldest.total;
  if (Math.abs(delta) < Math.max(2, oldest.total * 0.02)) return 'flat';
  return delta > 0 ? 'up' : 'down';
}

export interface TargetStatus {
  label: string;
  /** Pending resources in the latest sample; undefined before the first one. */
  total: number | undefined;
  trend: Trend;
  paused: boolean;
}

const TREND_ICON: Record<Trend, string> = { up: '$(arrow-up)', down: '$(arrow-down)', flat: '$(arrow-right)' };
const TREND_WORDS: Record<Trend, string> = { up: 'growing', down: 'shrinking', flat: 'steady' };

/** The status bar text: one target by name, several as a count; totals summed. */
export function statusText(targets: readonly TargetStatus[]): string {
  const total = targets.reduce((sum, t) => sum + (t.total ?? 0), 0);
  const trend = combinedTrend(targets.map((t) => t.trend));
  const icon = targets.some((t) => t.paused) ? '$(debug-pause)' : '$(pulse)';
  const who = targets.length === 1 ? noIcons(targets[0].label) : `${targets.length} targets`;
  const count = targets.every((t) => t.total === undefined) ? '…' : `${total} pending`;
  return `${icon} ${who}: ${count} ${TREND_ICON[trend]}`;
}

/** One line per target, for the tooltip (plain text). */
export function statusLines(targets: readonly TargetStatus[]): string[] {
  return targets.map((t) => {
    const count = t.total === undefined ? 'waiting for the first sample' : `${t.total} pending, ${TREND_WORDS[t.trend]}`;
    return `${t.label}: ${count}${t.paused ? ' (paused in the debugger)' : ''}`;
  });
}

function combinedTrend(trends: Trend[]): Trend {
  if (trends.includes('up')) return 'up';
  if (trends.includes('down')) return 'down';
  return 'flat';
}

/** Status bar text renders $(name) as icons; a label is text. */
function noIcons(text: string): string {
  return text.replace(/\$\(/g, '$\u200b(');
}
