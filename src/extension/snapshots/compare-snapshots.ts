// "Compare Snapshots...": pick two (or the last two) and open the comparison report.
import * as vscode from 'vscode';
import type { LensContext } from '../lens-context';
import { DiffReportPanel } from '../report/diff-report-panel';
import { selectedSnapshotIds, snapshotIdOf } from '../command-arguments';
import type { StoredSnapshot } from './snapshot-store';

export class SnapshotComparer implements vscode.Disposable {
  private readonly panels = new Set<DiffReportPanel>();

  constructor(private readonly lens: LensContext) {}

  /**
   * (beforeId, afterId) compares without asking; a snapshot node (with others selected)
   * compares the selection or asks for the other one; nothing asks for both.
   */
  async compare(first?: unknown, second?: unknown): Promise<DiffReportPanel | undefined> {
    const pair = await this.choosePair(first, second);
    if (!pair) return undefined;
    const [before, after] = pair;
    const panel = new DiffReportPanel(this.lens.extension.extensionUri, before, after);
    this.panels.add(panel);
    return panel;
  }

  dispose(): void {
    for (const panel of this.panels) panel.dispose();
    this.panels.clear();
  }

  private async choosePair(first: unknown, second: unknown): Promise<[StoredSnapshot, StoredSnapshot] | undefined> {
    const store = this.lens.snapshots;
    if (typeof first === 'string' && typeof second === 'string') {
      const before = store.get(first);
      const after = store.get(second);
      const missing = [first, second].filter((id) => !store.get(id));
      if (!before || !after) {
        void vscode.window.showErrorMessage(`Async Leak Lens: no snapshot ${missing.map((id) => `"${id}"`).join(' or ')} to compare.`);
        return undefined;
      }
      return [before, after];
    }
    for (const panel of this.panels) if (panel.isDisposed) this.panels.delete(panel);

    if (store.list().length < 2) {
      const take = 'Take Snapshot';
      const load = 'Import Snapshot…';
      const choice = await vscode.window.showErrorMessage(
        `Async Leak Lens: comparing needs two snapshots; there ${store.list().length === 1 ? 'is one' : 'are none'}. Take one before and one after your load, or import them.`,
        take,
        load,
      );
      if (choice === take) void vscode.commands.executeCommand('asyncLeakLens.takeSnapshot');
      if (choice === load) void vscode.commands.executeCommand('asyncLeakLens.importSnapshot');
      return undefined;
    }

    const selected = selectedSnapshotIds(first, second)
      .map((id) => store.get(id))
      .filter((s): s is StoredSnapshot => !!s);
    if (selected.length >= 2) return inTimeOrder(selected[0], selected[1]);
    const clicked = snapshotIdOf(first) !== undefined ? store.get(snapshotIdOf(first)!) : undefined;
    if (clicked) {
      const other = await pickSnapshot(
        store.list().filter((s) => s !== clicked),
        `Compare ${clicked.name} with…`,
      );
      return other && inTimeOrder(clicked, other);
    }

    const lastTwo = store.lastTwo()!;
    const before = await pickSnapshot(store.list(), 'Compare Snapshots: the BEFORE snapshot', {
      label: '$(history) The last two',
      description: `${lastTwo[0].name} → ${lastTwo[1].name}`,
    });
    if (before === 'last-two') return lastTwo;
    if (!before) return undefined;
    const after = await pickSnapshot(
      store.list().filter((s) => s !== before),
      `Compare ${before.name} with: the AFTER snapshot`,
    );
    return after ? [before, after] : undefined;
  }
}

async function pickSnapshot(snapshots: readonly StoredSnapshot[], title: string): Promise<StoredSnapshot | undefined>;
async function pickSnapshot(
  snapshots: readonly StoredSnapshot[],
  title: string,
  lastTwo: { label: string; description: string },
): Promise<StoredSnapshot | 'last-two' | undefined>;
async function pickSnapshot(
  snapshots: readonly StoredSnapshot[],
  title: string,
  lastTwo?: { label: string; description: string },
): Promise<StoredSnapshot | 'last-two' | undefined> {
  type Item = vscode.QuickPickItem & { pick: StoredSnapshot | 'last-two' };
  const items: Item[] = [];
  if (lastTwo) items.push({ ...lastTwo, pick: 'last-two' }, { label: '', kind: vscode.QuickPickItemKind.Separator, pick: 'last-two' });
  // Newest first: the one people most often want is at the top.
  for (const s of [...snapshots].reverse()) {
    const total = Object.values(s.snapshot.totals).reduce((sum, n) => sum + n, 0);
    items.push({
      label: s.name,
      description: s.origin,
      detail: `${total} pending in ${s.snapshot.sites.length} sites, taken ${s.snapshot.takenAt}`,
      pick: s,
    });
  }
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: 'Pick a snapshot', matchOnDescription: true });
  return picked?.pick;
}

function inTimeOrder(a: StoredSnapshot, b: StoredSnapshot): [StoredSnapshot, StoredSnapshot] {
  return Date.parse(a.snapshot.takenAt) <= Date.parse(b.snapshot.takenAt) ? [a, b] : [b, a];
}
