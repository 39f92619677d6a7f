// Shows a comparison report in a webview (strict CSP, nonce script, theme colours) and opens
// the source of a site when the page asks; only sites of this diff, resolved here by id.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { openFrame, canOpenFrame } from '../source/open-frame';
import { buildDiffReport, frameForRequest, type DiffReportModel, type ReportSnapshot } from './report-model';
import { renderReportHtml } from './report-html';
import { parseReportMessage } from '../../shared/report-protocol';

export class DiffReportPanel implements vscode.Disposable {
  readonly model: DiffReportModel;
  private readonly panel: vscode.WebviewPanel;
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  constructor(extensionUri: vscode.Uri, before: ReportSnapshot, after: ReportSnapshot) {
    this.model = buildDiffReport(before, after, {
      displayPath: (file) => vscode.workspace.asRelativePath(file, false),
      canOpen: canOpenFrame,
    });
    const styles = vscode.Uri.joinPath(extensionUri, 'media', 'report');
    this.panel = vscode.window.createWebviewPanel(
      'asyncLeakLens.comparison',
      `Comparison: ${before.name} → ${after.name}`,
      vscode.ViewColumn.Active,
      {
        enableScripts: true,
        enableFindWidget: true,
        localResourceRoots: [styles],
      },
    );
    const webview = this.panel.webview;
    webview.html = renderReportHtml(this.model, {
      cspSource: webview.cspSource,
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(styles, 'report.css')).toString(),
      nonce: randomBytes(18).toString('base64'),
    });
    this.disposables.push(
      webview.onDidReceiveMessage((message: unknown) => this.onMessage(message)),
      this.panel.onDidDispose(() => this.dispose()),
    );
  }

  /** The page as rendered (for tests and checks). */
  get html(): string {
    return this.panel.webview.html;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** What a click on a site link does; false when the request names nothing openable in this diff. */
  async open(siteId: string, frameIndex?: number): Promise<boolean> {
    const frame = frameForRequest(this.model, siteId, frameIndex);
    return frame ? (await openFrame(frame)) !== undefined : false;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
  }

  private onMessage(value: unknown): void {
    const message = parseReportMessage(value);
    if (message) void this.open(message.siteId, message.frame);
  }
}
