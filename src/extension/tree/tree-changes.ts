// Which tree elements to refresh: only those whose text, icon or children changed since VS Code
// last asked for them. Refreshing the whole tree every second re-rendered every row and closed
// any open tooltip; a row whose numbers did not move is now left alone. No `vscode` import.
import type { LensNode, NodePresentation, TreeModel } from './tree-model';

export interface TreeChanges {
  /** The list of roots changed: refresh everything. */
  all: boolean;
  /** Elements to refresh (the same objects the model handed out). */
  nodes: LensNode[];
}

export class TreeChangeTracker {
  private rootIds: string[] | undefined;
  /** What each element looked like when VS Code last rendered it. */
  private readonly shown = new Map<string, { node: LensNode; key: string }>();
  /** The children VS Code last asked for, per parent. */
  private readonly listed = new Map<string, { node: LensNode; ids: string[] }>();

  constructor(private readonly model: TreeModel) {}

  rootsListed(roots: readonly LensNode[]): void {
    this.rootIds = roots.map((n) => this.model.idOf(n));
  }

  childrenListed(parent: LensNode, children: readonly LensNode[]): void {
    this.listed.set(this.model.idOf(parent), { node: parent, ids: children.map((n) => this.model.idOf(n)) });
  }

  itemShown(node: LensNode, presentation: NodePresentation): void {
    this.shown.set(presentation.id, { node, key: keyOf(presentation) });
  }

  /** Everything was refreshed (a root change, new options): VS Code asks again for what it shows. */
  reset(): void {
    this.rootIds = undefined;
    this.shown.clear();
    this.listed.clear();
  }

  /** Compares what the model says now with what was last rendered. */
  changes(): TreeChanges {
    const roots = this.model.roots().map((n) => this.model.idOf(n));
    if (this.rootIds === undefined || !sameList(roots, this.rootIds)) return { all: true, nodes: [] };
    const changed = new Map<string, LensNode>();
    // Parents first: listing children again also brings the kept child nodes' data up to date.
    for (const [id, { node, ids }] of this.listed) {
      const now = this.model.children(node).map((n) => this.model.idOf(n));
      if (!sameList(now, ids)) {
        changed.set(id, node);
        for (const gone of ids) if (!now.includes(gone)) this.drop(gone);
      }
    }
    for (const [id, { node, key }] of this.shown) {
      if (changed.has(id)) continue;
      if (keyOf(this.model.present(node)) !== key) changed.set(id, node);
    }
    return { all: false, nodes: [...changed.values()] };
  }

  private drop(id: string): void {
    for (const key of [...this.shown.keys()]) if (key === id || key.startsWith(`${id}/`)) this.shown.delete(key);
    for (const key of [...this.listed.keys()]) if (key === id || key.startsWith(`${id}/`)) this.listed.delete(key);
  }
}

function keyOf(p: NodePresentation): string {
  return JSON.stringify([p.label, p.description, p.tooltip, p.icon, p.alarming, p.collapsible, p.contextValue, p.open]);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
