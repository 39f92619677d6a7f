// Probe reports as read-only Markdown documents (a virtual scheme: nothing to save on close),
// shown in VS Code's Markdown preview. The Markdown escapes everything that came from the target.
import * as vscode from 'vscode';

export const PROBE_REPORT_SCHEME = 'async-leak-lens-probe';

export class ProbeReportDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly reports = new Map<string, string>();
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(PROBE_REPORT_SCHEME, this);
  private next = 1;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.reports.get(uri.path) ?? '# Leak probe\n\nThis report is no longer available (reports last as long as the window).\n';
  }

  /** Stores the report and returns its document's URI. */
  add(markdown: string, title: string): vscode.Uri {
    const path = `/${this.next++}/${title.replace(/[^\w.-]+/g, '-')}.md`;
    this.reports.set(path, markdown);
    return vscode.Uri.from({ scheme: PROBE_REPORT_SCHEME, path });
  }

  /** Opens the report in the Markdown preview (falls back to the plain document). */
  async show(uri: vscode.Uri): Promise<void> {
    try {
      await vscode.commands.executeCommand('markdown.showPreview', uri);
    } catch {
      await vscode.window.showTextDocument(uri, { preview: true });
    }
  }

  dispose(): void {
    this.registration.dispose();
    this.reports.clear();
  }
}
