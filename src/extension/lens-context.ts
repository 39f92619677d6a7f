// What every feature of the extension is given: the shared objects activate() builds. In a file
// of its own so features import it, never extension.ts (which imports them all).
import type * as vscode from 'vscode';
import type { SnapshotStore } from './snapshots/snapshot-store';
import type { TargetRegistry } from './targets/target-registry';

export interface LensContext {
  extension: vscode.ExtensionContext;
  targets: TargetRegistry;
  snapshots: SnapshotStore;
  output: vscode.LogOutputChannel;
}
