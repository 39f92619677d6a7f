// The Async Resources tree in our activity-bar container and in Run and Debug, with its
// click commands (open a site's source, show more sites).
import * as vscode from 'vscode';
import type { Frame } from '../../core/sites/model';
import type { LensContext } from '../lens-context';
import { readSettings } from '../settings';
import { openFrame } from '../source/open-frame';
import { LensTreeProvider, OPEN_SOURCE_COMMAND, SHOW_MORE_COMMAND } from './lens-tree-provider';
import type { LensNode, TreeModelOptions } from './tree-model';

export const TREE_VIEW_IDS = ['asyncLeakLens.targets', 'asyncLeakLens.debugTargets'] as const;

export function registerTreeView(lens: LensContext): LensTreeProvider {
  const provider = new LensTreeProvider(lens.targets, lens.snapshots, treeOptions());
  lens.extension.subscriptions.push(
    provider,
    // Several items can be selected so that two snapshots can be compared from the context menu.
    ...TREE_VIEW_IDS.map((id) =>
      vscode.window.createTreeView(id, { treeDataProvider: provider, showCollapseAll: true, canSelectMany: true }),
    ),
    // Like a single click in the Explorer: a preview editor, the focus stays in the tree.
    vscode.commands.registerCommand(
      OPEN_SOURCE_COMMAND,
      async (frame: Frame) => (await openFrame(frame, { preserveFocus: true })) !== undefined,
    ),
    vscode.commands.registerCommand(SHOW_MORE_COMMAND, (node: LensNode) => provider.showMore(node)),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('asyncLeakLens.tree') && provider.setOptions(treeOptions())),
  );
  return provider;
}

function treeOptions(): TreeModelOptions {
  return {
    sitesPerType: readSettings().sitesPerType,
    displayPath: (file) => (file.startsWith('node:') ? file : vscode.workspace.asRelativePath(file, false)),
  };
}
