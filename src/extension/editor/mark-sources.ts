// Keeps the editor's SiteIndex in step with what is attached and stored:
// - every attached target's latest light snapshot (updated on onDidUpdateSites, removed when
//   the target ends: marks are cleared on detach);
// - the newest stored snapshot, unless it is of a process that is attached (its live data is
//   newer and would be counted twice) or of one that was detached since.
import * as vscode from 'vscode';
import type { Snapshot } from '../../core/sites/model';
import type { LensContext } from '../lens-context';
import type { StoredSnapshot } from '../snapshots/snapshot-store';
import type { AttachedTarget } from '../targets/attached-target';
import { SiteIndex } from './line-marks';

const STORED_SOURCE = 'snapshot';

export class MarkSources implements vscode.Disposable {
  readonly index = new SiteIndex();
  private readonly changeEmitter = new vscode.EventEmitter<Set<string>>();
  /** Marks changed in these files (file keys, see fileKey). */
  readonly onDidChangeFiles = this.changeEmitter.event;
  private readonly watched = new Map<string, vscode.Disposable[]>();
  /** Stored snapshots not to show again (their process was detached). */
  private readonly dismissed = new Set<string>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly lens: LensContext) {
    this.subscriptions.push(
      lens.targets.onDidChangeTargets(() => this.watchTargets()),
      lens.snapshots.onDidChange(() => this.showStoredSnapshot()),
    );
    this.watchTargets();
    this.showStoredSnapshot();
  }

  dispose(): void {
    for (const list of this.watched.values()) for (const d of list) d.dispose();
    this.watched.clear();
    for (const d of this.subscriptions) d.dispose();
    this.changeEmitter.dispose();
  }

  private watchTargets(): void {
    for (const target of this.lens.targets.list()) {
      if (this.watched.has(target.id) || target.isEnded) continue;
      this.watched.set(target.id, [
        target.onDidUpdateSites(() => this.showTargetSites(target)),
        target.onDidChangeGrowth(() => this.showTargetSites(target)),
        target.onDidEnd(() => this.forgetTarget(target)),
      ]);
      if (target.latestSites) this.showTargetSites(target);
    }
    // A stored snapshot of a process that just got attached yields to its live data.
    this.showStoredSnapshot();
  }

  private showTargetSites(target: AttachedTarget): void {
    const snapshot = target.latestSites;
    if (!snapshot) return;
    const growing = new Map(target.growingSites.map((g) => [g.siteId, g.rateText]));
    this.changed(
      this.index.setSource({ id: `target:${target.id}`, label: target.label, snapshot, previous: target.previousSites, growing }),
    );
  }

  private forgetTarget(target: AttachedTarget): void {
    for (const d of this.watched.get(target.id) ?? []) d.dispose();
    this.watched.delete(target.id);
    for (const stored of this.lens.snapshots.list()) if (stored.snapshot.target.pid === target.pid) this.dismissed.add(stored.id);
    const files = this.index.removeSource(`target:${target.id}`);
    for (const file of this.index.removeSource(STORED_SOURCE)) files.add(file);
    this.changed(files);
    this.showStoredSnapshot();
  }

  private showStoredSnapshot(): void {
    const stored = this.lens.snapshots.list();
    const newest = stored[stored.length - 1];
    const livePids = new Set(this.lens.targets.list().map((t) => t.pid));
    if (!newest || this.dismissed.has(newest.id) || livePids.has(newest.snapshot.target.pid)) {
      if (this.index.hasSource(STORED_SOURCE)) this.changed(this.index.removeSource(STORED_SOURCE));
      return;
    }
    this.changed(
      this.index.setSource({
        id: STORED_SOURCE,
        label: `snapshot ${newest.name}`,
        snapshot: newest.snapshot,
        previous: previousOf(stored, newest),
      }),
    );
  }

  private changed(files: Set<string>): void {
    if (files.size) this.changeEmitter.fire(files);
  }
}

/** The stored snapshot of the same process taken before `item`, for growth. */
function previousOf(stored: readonly StoredSnapshot[], item: StoredSnapshot): Snapshot | undefined {
  const pid = item.snapshot.target.pid;
  const takenAt = Date.parse(item.snapshot.takenAt);
  let best: Snapshot | undefined;
  for (const other of stored) {
    const t = Date.parse(other.snapshot.takenAt);
    if (other !== item && other.snapshot.target.pid === pid && t < takenAt && (!best || t > Date.parse(best.takenAt)))
      best = other.snapshot;
  }
  return best;
}
