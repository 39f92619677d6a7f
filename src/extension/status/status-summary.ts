// What the status bar says about the attached targets. No vscode import (unit-tested).
import { trendWords, type Trend } from '../../core/growth/trend';

export { trendOf, TREND_WINDOW_MS, type Trend } from '../../core/growth/trend';

export interface TargetStatus {
  label: string;
  /** Pending resources in the latest sample; undefined before the first one. */
  total: number | undefined;
  trend: Trend;
  paused: boolean;
}

const TREND_ICON: Record<Trend, string> = { up: '$(arrow-up)', down: '$(arrow-down)', flat: '$(arrow-right)' };

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
    const count = t.total === undefined ? 'waiting for the first sample' : `${t.total} pending, ${trendWords(t.trend)}`;
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
