// "Take Snapshot": a full snapshot (GC first) of one attached target, added to the store.
import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import type { LensContext } from '../lens-context';
import { chooseTarget } from '../targets/choose-target';

/**
 * Called with (targetId, label) it asks nothing; from a view or the palette it asks which target
 * (when several) and for an optional label. Returns the stored snapshot's id.
 */
export async function takeSnapshot(lens: LensContext, targetArg?: unknown, labelArg?: string): Promise<string | undefined> {
  const target = await chooseTarget(lens.targets, targetArg, {
    title: 'Take Snapshot',
    placeHolder: 'Which process?',
    noneAttached: 'no Node.js process is attached. Attach to one first, then take the snapshot.',
  });
  if (!target) return undefined;
  let label = labelArg;
  if (label === undefined && typeof targetArg !== 'string') {
    label = await vscode.window.showInputBox({
      title: `Take Snapshot of ${target.label}`,
      prompt: 'A label for this snapshot (optional), e.g. "before load" or "after load"',
      placeHolder: 'before load',
    });
    if (label === undefined) return undefined; // cancelled
  }
  label = label?.trim() || undefined;

  try {
    const snapshot = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Taking a snapshot of ${target.label}${label ? ` ("${label}")` : ''}…` },
      // In the target's chain of site reads: the views show it at once, and (taken after a full
      // GC) it confirms or clears growth suspects.
      () => target.takeSnapshot({ label, collectGarbage: true }),
    );
    const stored = lens.snapshots.add(snapshot, target.label);
    const total = Object.values(snapshot.totals).reduce((sum, n) => sum + n, 0);
    lens.output.info(`Snapshot ${stored.name} of ${target.label}: ${total} pending async resources in ${snapshot.sites.length} sites`);
    if (snapshot.sitesUnavailable !== undefined) {
      void vscode.window.showWarningMessage(
        `Async Leak Lens: ${target.label} gives no sites (${snapshot.sitesUnavailable}). Counts are complete, but no line can be shown and no growth check can pass.`,
      );
    }
    return stored.id;
  } catch (error) {
    void vscode.window.showErrorMessage(`Async Leak Lens: could not take a snapshot of ${target.label}: ${describeError(error)}`);
    return undefined;
  }
}
