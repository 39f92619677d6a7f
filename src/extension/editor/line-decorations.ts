// Gutter icon, end-of-line hint and overview-ruler mark on every site line of the visible
// editors. One decoration type per (kind, severity); the hint text is per line.
import * as vscode from 'vscode';
import { fileKey, hintText, type LineMark, type MarkKind, type Severity } from './line-marks';

/** What was last drawn on one line (for the extension-host tests and for people debugging). */
export interface AppliedMark {
  /** 1-based. */
  line: number;
  kind: MarkKind;
  severity: Severity;
  count: number;
  hint: string;
}

const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high'];
const KINDS: readonly MarkKind[] = ['blocked', 'created', 'abandoned'];

/** charts.* theme colours by severity, and the same colours as fixed values for the gutter SVGs. */
const SEVERITY_COLORS: Record<Severity, { token: string; dark: string; light: string }> = {
  low: { token: 'charts.blue', dark: '#3794ff', light: '#1a85ff' },
  medium: { token: 'charts.yellow', dark: '#cca700', light: '#bf8803' },
  high: { token: 'charts.red', dark: '#f14c4c', light: '#e51400' },
};

/** Blocked: a filled square with pause bars (a suspended task). Created: a ring. Abandoned: a dashed square with a cross (a task that will never resume). */
function gutterIcon(kind: MarkKind, color: string): vscode.Uri {
  const shape =
    kind === 'blocked'
      ? `<rect x="3" y="3" width="10" height="10" rx="2" fill="${color}"/><rect x="6" y="5.5" width="1.5" height="5" fill="#fff"/><rect x="8.5" y="5.5" width="1.5" height="5" fill="#fff"/>`
      : kind === 'abandoned'
        ? `<rect x="3" y="3" width="10" height="10" rx="2" fill="none" stroke="${color}" stroke-width="1.5" stroke-dasharray="2 1.5"/><path d="M5.5 5.5l5 5M10.5 5.5l-5 5" stroke="${color}" stroke-width="1.5"/>`
        : `<circle cx="8" cy="8" r="4" fill="none" stroke="${color}" stroke-width="2"/>`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16">${shape}</svg>`;
  return vscode.Uri.parse(`data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`);
}

function createType(kind: MarkKind, severity: Severity): vscode.TextEditorDecorationType {
  const colors = SEVERITY_COLORS[severity];
  const color = new vscode.ThemeColor(colors.token);
  return vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    overviewRulerColor: color,
    overviewRulerLane: vscode.OverviewRulerLane.Right,
    after: {
      color,
      margin: '0 0 0 2em',
      fontStyle: kind === 'blocked' ? 'normal' : 'italic',
      fontWeight: kind === 'blocked' ? 'bold' : 'normal',
    },
    dark: { gutterIconPath: gutterIcon(kind, colors.dark), gutterIconSize: '80%' },
    light: { gutterIconPath: gutterIcon(kind, colors.light), gutterIconSize: '80%' },
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });
}

export class LineDecorations implements vscode.Disposable {
  private readonly types = new Map<string, vscode.TextEditorDecorationType>();
  /** file key -> marks last drawn in that file's editors. */
  private readonly applied = new Map<string, AppliedMark[]>();

  constructor() {
    for (const kind of KINDS) for (const severity of SEVERITIES) this.types.set(`${kind}/${severity}`, createType(kind, severity));
  }

  /** Draws `marks` in `editor` of the file `key` (an empty list clears it). */
  apply(editor: vscode.TextEditor, key: string, marks: readonly LineMark[]): void {
    const byType = new Map<string, vscode.DecorationOptions[]>();
    const drawn: AppliedMark[] = [];
    const lineCount = editor.document.lineCount;
    for (const mark of marks) {
      if (mark.line > lineCount) continue;
      const hint = hintText(mark);
      const key = `${mark.kind}/${mark.severity}`;
      let list = byType.get(key);
      if (!list) byType.set(key, (list = []));
      list.push({ range: editor.document.lineAt(mark.line - 1).range, renderOptions: { after: { contentText: hint } } });
      drawn.push({ line: mark.line, kind: mark.kind, severity: mark.severity, count: mark.count, hint });
    }
    for (const [key, type] of this.types) editor.setDecorations(type, byType.get(key) ?? []);
    if (drawn.length) this.applied.set(key, drawn);
    else this.applied.delete(key);
  }

  /** The file's marks are out of date and it is not visible: nothing of it is drawn any more. */
  forget(key: string): void {
    this.applied.delete(key);
  }

  appliedTo(key: string): AppliedMark[] {
    return this.applied.get(key) ?? [];
  }

  dispose(): void {
    for (const type of this.types.values()) type.dispose();
    this.types.clear();
    this.applied.clear();
  }
}

/** The key under which a document's marks are indexed, or undefined for non-file documents. */
export function documentKey(document: vscode.TextDocument): string | undefined {
  return document.uri.scheme === 'file' ? fileKey(document.uri.fsPath) : undefined;
}
