// Extension entry point. Keep activate() thin: build the shared objects, register each feature
// with one call, and push every disposable into context.subscriptions.
import * as vscode from 'vscode';
import { SnapshotStore } from './snapshots/snapshot-store';
import { TargetRegistry } from './targets/target-registry';
import type { LensContext } from './lens-context';
import { registerAttachCommands } from './attach/attach-commands';
import { registerLiveChart } from './chart/register-chart';
import type { LiveChartProbe } from './chart/live-chart';
import { registerEditorMarks, type EditorMarksProbe } from './editor/register-editor-marks';
import { registerTreeView } from './tree/register-tree';
import type { LensTreeProvider } from './tree/lens-tree-provider';
import { registerSnapshotCommands } from './snapshots/register-snapshot-commands';
import { registerDebugIntegration } from './debug/debug-watcher';
import { registerStatusBar } from './status/status-bar';
import { registerGrowthNotifications, type GrowthNotices } from './growth/growth-notifications';
import { registerProbe, type ProbeReports } from './probe/register-probe';
import { registerCensus, type CensusCommands } from './census/register-census';
import { registerReattach, type ReattachOffers } from './attach/reattach';
import { registerRemoteInspectorWarnings, type RemoteInspectorWarnings } from './targets/remote-inspector-warnings';

/** What activate() returns: the shared objects, for the extension-host tests. */
export type LensApi = Pick<LensContext, 'targets' | 'snapshots'> & {
  /** The live chart panel (its page's messages). */
  chart: LiveChartProbe;
  /** Gutter marks, hovers and CodeLens over sites. */
  editorMarks: EditorMarksProbe;
  /** The Async Resources tree's data provider (both views share it). */
  tree: LensTreeProvider;
  /** Notifications about newly growing sites. */
  growthNotices: GrowthNotices;
  /** Warnings about inspectors on other hosts. */
  remoteWarnings: RemoteInspectorWarnings;
  /** Targets lost without a detach, offered to attach again. */
  reattach: ReattachOffers;
  /** Leak probe report panels. */
  probeReports: ProbeReports;
  /** The census of what was pending before attach. */
  census: CensusCommands;
};

export function activate(context: vscode.ExtensionContext): LensApi {
  const output = vscode.window.createOutputChannel('Async Leak Lens', { log: true });
  const remoteWarnings = registerRemoteInspectorWarnings(output, context.subscriptions);
  const targets = new TargetRegistry((message) => output.info(message), remoteWarnings.beforeRemoteAttach);
  const snapshots = new SnapshotStore();
  context.subscriptions.push(output, targets, snapshots);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('asyncLeakLens') && targets.applySettings()),
  );
  const lens: LensContext = { extension: context, targets, snapshots, output };

  registerAttachCommands(lens);
  const chart = registerLiveChart(lens);
  const editorMarks = registerEditorMarks(lens);
  const tree = registerTreeView(lens);
  registerSnapshotCommands(lens);
  registerDebugIntegration(lens);
  registerStatusBar(lens);
  const growthNotices = registerGrowthNotifications(lens);
  const probeReports = registerProbe(lens);
  const reattach = registerReattach(lens);
  const census = registerCensus(lens);

  return { targets, snapshots, tree, chart, editorMarks, growthNotices, remoteWarnings, reattach, probeReports, census };
}

export function deactivate(): void {}
