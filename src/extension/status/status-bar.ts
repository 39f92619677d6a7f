// Status bar item while attached: target(s), total pending, trend. Click focuses the view.
import * as vscode from 'vscode';
import type { LensContext } from '../lens-context';
import type { AttachedTarget } from '../targets/attached-target';
import { shownCounts, trendOf } from '../../core/growth/trend';
import { statusLines, statusText, type TargetStatus } from './status-summary';

export function registerStatusBar(lens: LensContext): void {
  const item = vscode.window.createStatusBarItem('asyncLeakLens.status', vscode.StatusBarAlignment.Left, 50);
  item.name = 'Async Leak Lens';
  item.command = 'asyncLeakLens.targets.focus';
  const perTarget = new Map<string, vscode.Disposable>();

  const render = () => {
    const targets = lens.targets.list();
    if (targets.length === 0) {
      item.hide();
      return;
    }
    const statuses = targets.map(statusOf);
    item.text = statusText(statuses);
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.isTrusted = false;
    tooltip.appendText('Async Leak Lens, pending async resources\n\n');
    for (const line of statusLines(statuses)) tooltip.appendText(`${line}\n\n`);
    tooltip.appendText('Click to open the view.');
    item.tooltip = tooltip;
    item.show();
  };

  const follow = () => {
    const live = new Set(lens.targets.list().map((t) => t.id));
    for (const [id, subscription] of perTarget) {
      if (!live.has(id)) {
        subscription.dispose();
        perTarget.delete(id);
      }
    }
    for (const target of lens.targets.list()) {
      if (!perTarget.has(target.id))
        perTarget.set(
          target.id,
          vscode.Disposable.from(target.onDidSample(render), target.onDidUpdateSites(render), target.onDidChangePaused(render)),
        );
    }
    render();
  };

  follow();
  lens.extension.subscriptions.push(item, lens.targets.onDidChangeTargets(follow), {
    dispose: () => perTarget.forEach((s) => s.dispose()),
  });
}

function statusOf(target: AttachedTarget): TargetStatus {
  // The same number and arrow as the tree's root: the latest site read, the one trend rule.
  return {
    label: target.label,
    total: shownCounts(target.samples, target.latestSites)?.total,
    trend: trendOf(target.samples),
    paused: target.isPaused,
  };
}
