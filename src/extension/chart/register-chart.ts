// "Show Live Chart": opens the chart panel on a target (asked for when several are attached).
import * as vscode from 'vscode';
import type { LensContext } from '../lens-context';
import type { AttachedTarget } from '../targets/attached-target';
import { LiveChart, type LiveChartProbe } from './live-chart';

export function registerLiveChart(lens: LensContext): LiveChartProbe {
  const chart = new LiveChart(lens);
  lens.extension.subscriptions.push(
    chart,
    vscode.commands.registerCommand('asyncLeakLens.showLiveChart', async (arg?: unknown) => {
      const target = await chooseTarget(lens, arg);
      if (target !== null) chart.show(target);
    }),
  );
  return chart;
}

/** A target id (string), or a tree item / object carrying `targetId` or `id`. */
function targetIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (typeof arg === 'object' && arg !== null) {
    const { targetId, id } = arg as { targetId?: unknown; id?: unknown };
    if (typeof targetId === 'string') return targetId;
    if (typeof id === 'string') return id;
  }
  return undefined;
}

/** The target to show: the one named by the argument, the only one, or the user's pick (null = cancelled). */
async function chooseTarget(lens: LensContext, arg: unknown): Promise<AttachedTarget | undefined | null> {
  const named = targetIdOf(arg);
  if (named !== undefined && lens.targets.get(named)) return lens.targets.get(named);
  const live = lens.targets.list();
  if (live.length <= 1) return live[0];
  const picked = await vscode.window.showQuickPick(
    live.map((target) => ({ label: target.label, target })),
    { title: 'Show Live Chart', placeHolder: 'Which target?' },
  );
  return picked ? picked.target : null;
}
