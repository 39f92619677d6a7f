// The probe report in a webview (strict CSP, nonce script, theme colours), one panel per target:
// a run shows its progress in the panel at once (the previous result is cleared), then its verdict.
// Clicks on locations open the source through the extension, resolved here by index.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { ProbeResult } from '../../core/probe';
import { canOpenFrame, openFrame } from '../source/open-frame';
import { renderProbeHtml } from './probe-report-html';
import { buildProbeView, probeFrameForRequest, probeTitle, type ProbePage, type ProbeRequestText } from './probe-report-model';
import { parseProbePageMessage, type ProbeProgressMessage } from './probe-report-protocol';

export class ProbeReportPanel implements vscode.Disposable {
  private readonly panel: vscode.WebviewPanel;
  private readonly disposables: vscode.Disposable[] = [];
  private result: ProbeResult | undefined;
  private disposed = false;
  private page: ProbePage;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly targetLabel: string,
    request: ProbeRequestText,
    private readonly onRerun: () => void,
    private readonly onDispose: () => void,
  ) {
    const styles = vscode.Uri.joinPath(extensionUri, 'media', 'report');
    this.panel = vscode.window.createWebviewPanel('asyncLeakLens.probeReport', probeTitle(targetLabel), vscode.ViewColumn.Active, {
      enableScripts: true,
      enableFindWidget: true,
      retainContextWhenHidden: false,
      localResourceRoots: [styles],
    });
    this.page = { state: 'running', target: targetLabel, request, message: 'Starting…', percent: 0 };
    this.render();
    this.disposables.push(
      this.panel.webview.onDidReceiveMessage((message: unknown) => this.onMessage(message)),
      this.panel.onDidDispose(() => this.dispose()),
    );
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** The page's state and its HTML (for tests and checks). */
  get state(): ProbePage['state'] {
    return this.page.state;
  }

  get html(): string {
    return this.panel.webview.html;
  }

  /** A new run: the old result goes away at once. */
  running(request: ProbeRequestText): void {
    this.result = undefined;
    this.page = { state: 'running', target: this.targetLabel, request, message: 'Starting…', percent: 0 };
    this.render();
    this.panel.reveal(undefined, true);
  }

  progress(message: string, percent: number): void {
    if (this.page.state !== 'running') return;
    this.page = { ...this.page, message, percent };
    const update: ProbeProgressMessage = { type: 'progress', message, percent };
    void this.panel.webview.postMessage(update);
  }

  done(result: ProbeResult): void {
    this.result = result;
    const view = buildProbeView(result, { displayPath: (file) => vscode.workspace.asRelativePath(file, false), canOpen: canOpenFrame });
    this.page = { state: 'done', target: this.targetLabel, request: this.page.request, view };
    this.render();
  }

  failed(message: string): void {
    this.page = { state: 'failed', target: this.targetLabel, request: this.page.request, message };
    this.render();
  }

  cancelled(): void {
    this.page = { state: 'cancelled', target: this.targetLabel, request: this.page.request };
    this.render();
  }

  /** What a click on a location does; false when the request names nothing openable in this result. */
  async open(leak: number, frame?: number): Promise<boolean> {
    const found = this.result && probeFrameForRequest(this.result, leak, frame);
    return found ? (await openFrame(found)) !== undefined : false;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
    this.onDispose();
  }

  private render(): void {
    const webview = this.panel.webview;
    webview.html = renderProbeHtml(this.page, {
      cspSource: webview.cspSource,
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'report', 'report.css')).toString(),
      nonce: randomBytes(18).toString('base64'),
    });
  }

  private onMessage(value: unknown): void {
    const message = parseProbePageMessage(value);
    if (!message) return;
    if (message.type === 'rerun') {
      if (this.page.state !== 'running') this.onRerun();
    } else void this.open(message.leak, message.frame);
  }
}
