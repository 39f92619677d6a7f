// Snapshots taken or imported in this window, named by time and label, newest last.
import * as vscode from 'vscode';
import type { Snapshot } from '../../core/sites/model';

export interface StoredSnapshot {
  id: string;
  /** "14:02:11 before load" — time of day and label. */
  name: string;
  /** Which target it came from ("pid 123"), or the file it was imported from. */
  origin: string;
  snapshot: Snapshot;
}

export class SnapshotStore implements vscode.Disposable {
  private readonly items: StoredSnapshot[] = [];
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changeEmitter.event;
  private nextId = 1;

  list(): readonly StoredSnapshot[] {
    return this.items;
  }

  get(id: string): StoredSnapshot | undefined {
    return this.items.find((s) => s.id === id);
  }

  add(snapshot: Snapshot, origin: string): StoredSnapshot {
    const time = new Date(snapshot.takenAt).toLocaleTimeString();
    const item: StoredSnapshot = {
      id: `snapshot-${this.nextId++}`,
      name: snapshot.label ? `${time} ${snapshot.label}` : time,
      origin,
      snapshot,
    };
    this.items.push(item);
    this.changeEmitter.fire();
    return item;
  }

  remove(id: string): void {
    const index = this.items.findIndex((s) => s.id === id);
    if (index >= 0) {
      this.items.splice(index, 1);
      this.changeEmitter.fire();
    }
  }

  /** The newest two, oldest first, when there are two. */
  lastTwo(): [StoredSnapshot, StoredSnapshot] | undefined {
    const n = this.items.length;
    return n >= 2 ? [this.items[n - 2], this.items[n - 1]] : undefined;
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }
}
