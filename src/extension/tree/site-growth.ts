// Which sites the tree flags as growing: their count rose between the previous and the latest
// light snapshot (a site new in the latest one rose from 0). No `vscode` import.
import type { Snapshot } from '../../core/model';

export function growingSiteIds(previous: Snapshot, latest: Snapshot): Set<string> {
  const before = new Map<string, number>();
  for (const site of previous.sites) before.set(site.id, (before.get(site.id) ?? 0) + site.count);
  const after = new Map<string, number>();
  for (const site of latest.sites) after.set(site.id, (after.get(site.id) ?? 0) + site.count);
  const growing = new Set<string>();
  for (const [id, count] of after) if (count > (before.get(id) ?? 0)) growing.add(id);
  return growing;
}
