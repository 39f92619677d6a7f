// Snapshot commands (palette, view title buttons, context menus). Each takes plain arguments
// too, so tests and other features can run it without dialogs.
import * as vscode from 'vscode';
import type { LensContext } from '../lens-context';
import { selectedSnapshotIds, snapshotIdOf } from '../command-arguments';
import { SnapshotComparer } from './compare-snapshots';
import { exportSnapshot, importSnapshot } from './snapshot-file-commands';
import { takeSnapshot } from './take-snapshot';

export function registerSnapshotCommands(lens: LensContext): void {
  const comparer = new SnapshotComparer(lens);
  lens.extension.subscriptions.push(
    comparer,
    // (targetId?, label?) -> stored snapshot id
    vscode.commands.registerCommand('asyncLeakLens.takeSnapshot', (target?: unknown, label?: unknown) =>
      takeSnapshot(lens, target, typeof label === 'string' ? label : undefined),
    ),
    // (beforeId?, afterId?) -> the report panel
    vscode.commands.registerCommand('asyncLeakLens.compareSnapshots', (first?: unknown, second?: unknown) =>
      comparer.compare(first, second),
    ),
    // (snapshotId?, path?) -> the path written
    vscode.commands.registerCommand('asyncLeakLens.exportSnapshot', (snapshot?: unknown, path?: string) =>
      exportSnapshot(lens, snapshot, typeof path === 'string' ? path : undefined),
    ),
    // (path?) -> the imported snapshot's id
    vscode.commands.registerCommand('asyncLeakLens.importSnapshot', (path?: unknown) =>
      importSnapshot(lens, typeof path === 'string' ? path : undefined),
    ),
    // (snapshotId or node, selection?) from the context menu
    vscode.commands.registerCommand('asyncLeakLens.removeSnapshot', (clicked?: unknown, selection?: unknown) => {
      const ids = Array.isArray(selection)
        ? selectedSnapshotIds(clicked, selection)
        : [snapshotIdOf(clicked)].filter((id): id is string => !!id);
      for (const id of ids) lens.snapshots.remove(id);
    }),
  );
}
