// Whether two snapshots come from one process. A diff compares sites of one process: between two
// processes (a restart, another instance, a reused pid) every count restarts, so its growth means
// nothing and a check built on it passes or fails by chance.
import type { Snapshot } from './model';
import { escapeControl } from '../terminal-text';

/** Undefined when both snapshots come from the same process; otherwise why not, for people. */
export function differentProcesses(before: Pick<Snapshot, 'target'>, after: Pick<Snapshot, 'target'>): string | undefined {
  const a = before.target;
  const b = after.target;
  if (a.pid !== b.pid) return `the snapshots come from two different processes (pid ${a.pid} and pid ${b.pid})`;
  if (a.nodeVersion !== b.nodeVersion)
    return `the snapshots come from two different processes (pid ${a.pid} ran Node ${escapeControl(a.nodeVersion)}, then ${escapeControl(b.nodeVersion)})`;
  // Node gives each process's inspector a fresh id: the same pid with another id is a new process.
  const idA = inspectorId(a.url);
  const idB = inspectorId(b.url);
  if (idA && idB && idA !== idB)
    return `the snapshots come from two different processes that had the same pid ${a.pid} (their inspector ids differ: the process restarted)`;
  return undefined;
}

/** The UUID a Node inspector puts in its WebSocket path ("ws://127.0.0.1:9229/<uuid>"). */
function inspectorId(url: string): string | undefined {
  return /^wss?:\/\/[^/]+\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i.exec(url ?? '')?.[1]?.toLowerCase();
}
