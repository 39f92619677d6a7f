// "Export Snapshot..." and "Import Snapshot...": snapshot files through core's checked reader and
// atomic writer. A bad file gets one clear message and changes nothing.
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import type { Snapshot } from '../../core/sites/model';
import { readSnapshotFile, writeSnapshotFile } from '../../core/files/snapshot-file';
import type { LensContext } from '../lens-context';
import { snapshotIdOf } from '../command-arguments';
import type { StoredSnapshot } from './snapshot-store';

const FILTERS = { 'Async Leak Lens snapshot': ['json'], 'All files': ['*'] };

/** Writes a stored snapshot to `pathArg` (or where the user says); returns the path written. */
export async function exportSnapshot(lens: LensContext, snapshotArg?: unknown, pathArg?: string): Promise<string | undefined> {
  const stored = await chooseSnapshot(lens, snapshotArg);
  if (!stored) return undefined;
  let path = pathArg;
  if (path === undefined) {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = suggestedFileName(stored.snapshot);
    const uri = await vscode.window.showSaveDialog({
      title: `Export Snapshot ${stored.name}`,
      defaultUri: folder ? vscode.Uri.joinPath(folder, name) : vscode.Uri.file(join(homedir(), name)),
      filters: FILTERS,
      saveLabel: 'Export',
    });
    if (!uri) return undefined;
    path = uri.fsPath;
  }
  try {
    await writeSnapshotFile(path, stored.snapshot);
    lens.output.info(`Snapshot ${stored.name} exported to ${path}`);
    return path;
  } catch (error) {
    void vscode.window.showErrorMessage(`Async Leak Lens: could not export the snapshot. ${describeError(error)}`);
    return undefined;
  }
}

/** Reads snapshot files into the store; with a path it returns the new snapshot's id. */
export async function importSnapshot(lens: LensContext, pathArg?: string): Promise<string | undefined> {
  let paths: string[];
  if (typeof pathArg === 'string') {
    paths = [pathArg];
  } else {
    const uris = await vscode.window.showOpenDialog({
      title: 'Import Snapshot',
      canSelectMany: true,
      filters: FILTERS,
      openLabel: 'Import',
    });
    if (!uris?.length) return undefined;
    paths = uris.map((uri) => uri.fsPath);
  }
  let lastId: string | undefined;
  for (const path of paths) {
    try {
      // Fully read and checked before the store sees it: a bad file changes nothing.
      const snapshot = await readSnapshotFile(path);
      lastId = lens.snapshots.add(snapshot, basename(path)).id;
      lens.output.info(`Snapshot imported from ${path}`);
    } catch (error) {
      lastId = undefined;
      void vscode.window.showErrorMessage(`Async Leak Lens: could not import the snapshot. ${describeError(error)}`);
    }
  }
  return lastId;
}

export async function chooseSnapshot(lens: LensContext, arg: unknown): Promise<StoredSnapshot | undefined> {
  const id = snapshotIdOf(arg);
  if (id !== undefined) {
    const stored = lens.snapshots.get(id);
    if (!stored) void vscode.window.showErrorMessage(`Async Leak Lens: no snapshot "${id}".`);
    return stored;
  }
  const all = lens.snapshots.list();
  if (all.length === 0) {
    void vscode.window.showErrorMessage('Async Leak Lens: there is no snapshot yet. Take one with "Take Snapshot" or import one.');
    return undefined;
  }
  if (all.length === 1) return all[0];
  const picked = await vscode.window.showQuickPick(
    [...all].reverse().map((s) => ({ label: s.name, description: s.origin, stored: s })),
    { title: 'Which snapshot?' },
  );
  return picked?.stored;
}

function suggestedFileName(snapshot: Snapshot): string {
  const time = snapshot.takenAt.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  const label = snapshot.label
    ? `-${snapshot.label
        .replace(/[^\w.-]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 40)}`
    : '';
  return `async-leak-lens-pid${snapshot.target.pid}${label}-${time}.json`;
}
