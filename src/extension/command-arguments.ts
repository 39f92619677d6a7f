// What snapshot and target commands receive: an id (from tests and other commands), a tree
// node (context menus and inline buttons), or nothing (command palette). No `vscode` import, and
// no import of the tree: a node is read by its shape (tree/tree-model.ts's LensNode has it).

/** The parts of a tree node that name a target or a snapshot. */
interface NodeLike {
  kind: string;
  targetId?: string;
  snapshotId?: string;
  source?: { from: string; targetId?: string; snapshotId?: string };
}

function isNode(value: unknown): value is NodeLike {
  return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string';
}

/** The target a command argument names: an id, a target node, or any node under a target. */
export function targetIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (!isNode(arg)) return undefined;
  if (arg.kind === 'target') return arg.targetId;
  if (arg.source?.from === 'target') return arg.source.targetId;
  return undefined;
}

/** The snapshot a command argument names: an id, a snapshot node, or any node under one. */
export function snapshotIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (!isNode(arg)) return undefined;
  if (arg.kind === 'snapshot') return arg.snapshotId;
  if (arg.source?.from === 'snapshot') return arg.source.snapshotId;
  return undefined;
}

/** Snapshot ids of a context-menu call: the clicked node and the other selected ones, no repeats. */
export function selectedSnapshotIds(clicked: unknown, selection: unknown): string[] {
  const ids: string[] = [];
  const add = (value: unknown) => {
    const id = isNode(value) && value.kind === 'snapshot' ? value.snapshotId : undefined;
    if (id && !ids.includes(id)) ids.push(id);
  };
  add(clicked);
  if (Array.isArray(selection)) selection.forEach(add);
  return ids;
}
