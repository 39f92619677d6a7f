// The VS Code side of the Async Resources tree: turns the model's nodes into TreeItems and
// refreshes (throttled) when samples, sites, targets or snapshots change.
import * as vscode from 'vscode';
import type { SnapshotStore } from '../snapshots/snapshot-store';
import type { TargetRegistry } from '../targets/target-registry';
import { canOpenFrame } from '../source/open-frame';
import { Throttle } from './throttle';
import { TreeChangeTracker } from './tree-changes';
import { TreeModel, type LensNode, type NodeIcon, type TreeData, type TreeModelOptions, type TreeTarget } from './tree-model';

export const OPEN_SOURCE_COMMAND = 'asyncLeakLens.tree.openSource';
export const SHOW_MORE_COMMAND = 'asyncLeakLens.tree.showMore';

/** At most two refreshes a second, however often targets report. */
const REFRESH_INTERVAL_MS = 500;

const ICONS: Record<NodeIcon, string> = {
  target: 'vm-running',
  snapshots: 'history',
  snapshot: 'device-camera',
  type: 'symbol-class',
  blocked: 'debug-pause',
  abandoned: 'debug-disconnect',
  created: 'symbol-constructor',
  example: 'circle-outline',
  stack: 'list-tree',
  frame: 'debug-stackframe',
  'frame-internal': 'debug-stackframe-dot',
  more: 'ellipsis',
  unsited: 'circle-small',
  library: 'library',
  note: 'info',
};

export class LensTreeProvider implements vscode.TreeDataProvider<LensNode>, vscode.Disposable {
  readonly model: TreeModel;
  private readonly changeEmitter = new vscode.EventEmitter<LensNode | LensNode[] | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly throttle = new Throttle(() => this.refreshChanged(), REFRESH_INTERVAL_MS);
  private readonly tracker: TreeChangeTracker;
  private readonly targetListeners = new Map<string, vscode.Disposable[]>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly targets: TargetRegistry,
    snapshots: SnapshotStore,
    options: TreeModelOptions,
  ) {
    const data: TreeData = {
      targets: () => targets.list().map(toTreeTarget),
      snapshots: () => snapshots.list(),
    };
    this.model = new TreeModel(data, options);
    this.tracker = new TreeChangeTracker(this.model);
    this.disposables.push(
      targets.onDidChangeTargets(() => {
        this.followTargets();
        this.refreshSoon();
      }),
      snapshots.onDidChange(() => this.refreshSoon()),
    );
    this.followTargets();
  }

  getChildren(node?: LensNode): LensNode[] {
    if (!node) {
      const roots = this.model.roots();
      this.tracker.rootsListed(roots);
      return roots;
    }
    const children = this.model.children(node);
    this.tracker.childrenListed(node, children);
    return children;
  }

  getTreeItem(node: LensNode): vscode.TreeItem {
    const p = this.model.present(node);
    this.tracker.itemShown(node, p);
    const state = {
      none: vscode.TreeItemCollapsibleState.None,
      collapsed: vscode.TreeItemCollapsibleState.Collapsed,
      expanded: vscode.TreeItemCollapsibleState.Expanded,
    }[p.collapsible];
    const item = new vscode.TreeItem(p.label, state);
    item.id = p.id;
    item.description = p.description;
    // Plain text: nothing the target reported is rendered as markdown.
    if (p.tooltip) item.tooltip = p.tooltip.join('\n');
    item.iconPath = new vscode.ThemeIcon(ICONS[p.icon], p.alarming ? new vscode.ThemeColor('charts.red') : undefined);
    item.contextValue = p.contextValue;
    if (p.open && canOpenFrame(p.open)) {
      item.command = { command: OPEN_SOURCE_COMMAND, title: 'Open Source', arguments: [p.open] };
    } else if (node.kind === 'more') {
      item.command = { command: SHOW_MORE_COMMAND, title: 'Show More', arguments: [node] };
    }
    return item;
  }

  /** Lists more sites under the type of a "Show more" node. */
  showMore(node: LensNode): void {
    if (node.kind !== 'more') return;
    this.changeEmitter.fire([this.model.showMore(node.source, node.type)]);
  }

  setOptions(options: TreeModelOptions): void {
    this.model.setOptions(options);
    this.refreshAll();
  }

  refreshSoon(): void {
    this.throttle.schedule();
  }

  /** Refreshes only the rows whose text or children changed (a whole refresh closes tooltips). */
  private refreshChanged(): void {
    const changes = this.tracker.changes();
    if (changes.all) this.refreshAll();
    else if (changes.nodes.length > 0) this.changeEmitter.fire(changes.nodes);
  }

  private refreshAll(): void {
    this.tracker.reset();
    this.changeEmitter.fire(undefined);
  }

  dispose(): void {
    this.throttle.dispose();
    for (const listeners of this.targetListeners.values()) for (const l of listeners) l.dispose();
    for (const d of this.disposables) d.dispose();
    this.changeEmitter.dispose();
  }

  /** Listens to each attached target's samples, site readings and growth verdicts. */
  private followTargets(): void {
    const current = new Set(this.targets.list().map((t) => t.id));
    for (const [id, listeners] of this.targetListeners) {
      if (current.has(id)) continue;
      for (const l of listeners) l.dispose();
      this.targetListeners.delete(id);
    }
    for (const target of this.targets.list()) {
      if (this.targetListeners.has(target.id)) continue;
      this.targetListeners.set(target.id, [
        target.onDidSample(() => this.refreshSoon()),
        target.onDidUpdateSites(() => this.refreshSoon()),
        target.onDidChangeGrowth(() => this.refreshSoon()),
      ]);
    }
  }
}

function toTreeTarget(target: ReturnType<TargetRegistry['list']>[number]): TreeTarget {
  return {
    id: target.id,
    label: target.label,
    details: `pid ${target.pid}, Node ${target.session.info.nodeVersion}`,
    samples: target.samples,
    latestSites: target.latestSites,
    previousSites: target.previousSites,
    growingSites: target.growingSites,
    growingTypes: target.growingTypes,
    recentSites: target.recentSites,
  };
}
