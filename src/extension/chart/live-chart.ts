// The live chart's extension side: one webview panel showing one target's counts per type.
// It follows the registry (another live target takes over when the shown one ends), sends the
// samples as they arrive and the store's snapshots of that target as markers. The page asks
// for everything with 'ready' each time it (re)loads, so nothing is kept in the page.
import * as vscode from 'vscode';
import type { LensContext } from '../lens-context';
import type { AttachedTarget } from '../targets/attached-target';
import { chartPageHtml } from './chart-html';
import {
  parseWebviewMessage,
  type ChartMarker,
  type ChartTarget,
  type HostMessage,
  type WebviewMessage,
} from '../../shared/chart-protocol';

export const CHART_VIEW_TYPE = 'asyncLeakLens.liveChart';

/** What the extension-host tests see of the chart. */
export interface LiveChartProbe {
  /** Every valid message from the page (after validation). */
  readonly onDidReceiveMessage: vscode.Event<WebviewMessage>;
  isOpen(): boolean;
  shownTargetId(): string | undefined;
  /** Closes the panel (it can be opened again). */
  close(): void;
}

export class LiveChart implements vscode.Disposable, LiveChartProbe {
  private panel: vscode.WebviewPanel | undefined;
  private target: AttachedTarget | undefined;
  private endReason: string | undefined;
  private targetSubscriptions: vscode.Disposable[] = [];
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly messageEmitter = new vscode.EventEmitter<WebviewMessage>();
  readonly onDidReceiveMessage = this.messageEmitter.event;

  constructor(private readonly lens: LensContext) {
    this.subscriptions.push(
      lens.targets.onDidChangeTargets(() => this.followRegistry()),
      lens.snapshots.onDidChange(() => this.postMarkers()),
    );
  }

  isOpen(): boolean {
    return this.panel !== undefined;
  }

  shownTargetId(): string | undefined {
    return this.target?.id;
  }

  close(): void {
    this.panel?.dispose();
  }

  /** Opens (or reveals) the panel; shows `target` when given, else keeps or picks one. */
  show(target?: AttachedTarget): void {
    if (!this.panel) this.panel = this.createPanel();
    else this.panel.reveal(undefined, true);
    if (target && target !== this.target) this.select(target);
    else if (!this.target || this.target.isEnded) this.followRegistry();
  }

  dispose(): void {
    this.panel?.dispose();
    this.unwatchTarget();
    for (const d of this.subscriptions) d.dispose();
    this.messageEmitter.dispose();
  }

  private createPanel(): vscode.WebviewPanel {
    const webviewRoot = vscode.Uri.joinPath(this.lens.extension.extensionUri, 'dist', 'webview');
    const panel = vscode.window.createWebviewPanel(
      CHART_VIEW_TYPE,
      'Async Leak Lens: Live Chart',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, localResourceRoots: [webviewRoot] },
    );
    panel.iconPath = vscode.Uri.joinPath(this.lens.extension.extensionUri, 'media', 'activity-icon.svg');
    const webview = panel.webview;
    webview.html = chartPageHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(webviewRoot, 'chart.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(webviewRoot, 'chart.css')).toString(),
    });
    webview.onDidReceiveMessage((raw) => this.receive(raw));
    panel.onDidDispose(() => {
      this.panel = undefined;
      this.unwatchTarget();
      this.target = undefined;
    });
    return panel;
  }

  private receive(raw: unknown): void {
    const message = parseWebviewMessage(raw);
    if (!message) {
      this.lens.output.warn(`Live chart: ignored a malformed message from the page: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    switch (message.type) {
      case 'ready':
        this.postState();
        break;
      case 'selectTarget': {
        const target = this.lens.targets.get(message.targetId);
        if (target) this.select(target);
        break;
      }
      case 'attach':
        void vscode.commands.executeCommand('asyncLeakLens.attachByAddress');
        break;
      case 'error':
        this.lens.output.error(`Live chart: ${message.message}`);
        break;
      case 'rendered':
        break;
    }
    this.messageEmitter.fire(message);
  }

  /** Keeps a live target shown: the current one while it lives, else the first live one. */
  private followRegistry(): void {
    if (!this.panel) return;
    const live = this.lens.targets.list();
    if (this.target && !this.target.isEnded)
      this.post({ type: 'targets', targets: this.chartTargets(), targetId: this.target.id, status: this.status() });
    else if (live.length) this.select(live[0]);
    else this.post({ type: 'targets', targets: this.chartTargets(), targetId: this.target?.id, status: this.status() });
  }

  private select(target: AttachedTarget): void {
    this.unwatchTarget();
    this.target = target;
    this.endReason = undefined;
    this.targetSubscriptions.push(
      target.onDidSample((sample) => this.post({ type: 'samples', targetId: target.id, samples: [sample] })),
      target.onDidEnd((reason) => {
        this.endReason = reason;
        this.followRegistry();
      }),
      target.onDidChangeGrowth(() =>
        this.post({ type: 'targets', targets: this.chartTargets(), targetId: target.id, status: this.status() }),
      ),
    );
    this.postState();
  }

  private unwatchTarget(): void {
    for (const d of this.targetSubscriptions) d.dispose();
    this.targetSubscriptions = [];
  }

  private chartTargets(): ChartTarget[] {
    const list: ChartTarget[] = this.lens.targets.list().map((t) => ({ id: t.id, label: t.label, ended: false }));
    if (this.target?.isEnded) list.push({ id: this.target.id, label: this.target.label, ended: true });
    return list;
  }

  private status(): string {
    const t = this.target;
    if (!t) return 'No target attached.';
    if (t.isEnded) return this.endReason && this.endReason !== 'detached' ? this.endReason : `Detached from ${t.label}.`;
    const growing = t.growingTypes.map((g) => `${g.type} ${g.rateText}`).join(', ');
    return `Live counts of ${t.label} (Node ${t.session.info.nodeVersion}).${growing ? ` Growing: ${growing}.` : ''}`;
  }

  private markers(): ChartMarker[] {
    const pid = this.target?.pid;
    if (pid === undefined) return [];
    return this.lens.snapshots
      .list()
      .filter((s) => s.snapshot.target.pid === pid)
      .map((s) => ({ t: Date.parse(s.snapshot.takenAt), label: s.snapshot.label ?? 'snapshot' }))
      .filter((m) => Number.isFinite(m.t));
  }

  private postState(): void {
    this.post({
      type: 'state',
      targets: this.chartTargets(),
      targetId: this.target?.id,
      samples: this.target ? [...this.target.samples] : [],
      markers: this.markers(),
      status: this.status(),
    });
  }

  private postMarkers(): void {
    if (this.target) this.post({ type: 'markers', targetId: this.target.id, markers: this.markers() });
  }

  private post(message: HostMessage): void {
    // Dropped while the page is hidden or loading: it asks again with 'ready'.
    void this.panel?.webview.postMessage(message);
  }
}
