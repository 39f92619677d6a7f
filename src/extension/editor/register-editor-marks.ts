// Editor features over the sites: gutter marks with an end-of-line hint, a hover with counts and
// an example stack, and a "N tasks blocked here" CodeLens over functions with blocked tasks.
// All of it follows the setting asyncLeakLens.decorations.enabled ("Toggle Editor Decorations").
import * as vscode from 'vscode';
import type { LensContext } from '../lens-context';
import { readSettings } from '../settings';
import { openFrame, type FrameLocation } from '../source/open-frame';
import { blockedFunctions, blockedLensTitle } from './blocked-functions';
import { hoverMarkdown } from './hover-content';
import { documentKey, LineDecorations, type AppliedMark } from './line-decorations';
import { fileKey, type LineMark } from './line-marks';
import { MarkSources } from './mark-sources';

export const OPEN_FRAME_COMMAND = 'asyncLeakLens.openFrame';
export const SHOW_BLOCKED_SITE_COMMAND = 'asyncLeakLens.showBlockedSite';
export const TOGGLE_DECORATIONS_COMMAND = 'asyncLeakLens.toggleEditorDecorations';

/** What the extension-host tests see of the editor marks. */
export interface EditorMarksProbe {
  /** Marks last drawn in the visible editors of this file. */
  appliedMarks(uri: vscode.Uri): AppliedMark[];
  /** Marks the index holds for this file (drawn or not). */
  indexedMarks(uri: vscode.Uri): LineMark[];
  /** Fires after marks were redrawn in the visible editors. */
  readonly onDidRedraw: vscode.Event<void>;
}

/** Arguments of the open-frame and show-site commands (they come from command links: check them). */
function parseFrameArgs(value: unknown): FrameLocation | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { file, line, column } = value as Record<string, unknown>;
  if (typeof file !== 'string' || !file || typeof line !== 'number' || !Number.isInteger(line) || line < 1) return undefined;
  return { file, line, column: typeof column === 'number' && Number.isInteger(column) && column >= 1 ? column : undefined };
}

export function registerEditorMarks(lens: LensContext): EditorMarksProbe {
  const sources = new MarkSources(lens);
  const decorations = new LineDecorations();
  const redrawEmitter = new vscode.EventEmitter<void>();
  const lensesEmitter = new vscode.EventEmitter<void>();
  let enabled = readSettings().decorationsEnabled;

  const marksOf = (document: vscode.TextDocument): LineMark[] => {
    const key = documentKey(document);
    return enabled && key ? sources.index.marksForFile(key) : [];
  };

  /** Redraws the visible editors of these files (all visible editors when omitted). */
  const redraw = (files?: Set<string>) => {
    const visible = new Set<string>();
    for (const editor of vscode.window.visibleTextEditors) {
      const key = documentKey(editor.document);
      if (!key) continue;
      visible.add(key);
      if (!files || files.has(key)) decorations.apply(editor, key, marksOf(editor.document));
    }
    for (const key of files ?? []) if (!visible.has(key)) decorations.forget(key);
    lensesEmitter.fire();
    redrawEmitter.fire();
  };

  const hovers: vscode.HoverProvider = {
    provideHover(document, position) {
      const mark = marksOf(document).find((m) => m.line === position.line + 1);
      if (!mark) return undefined;
      const markdown = new vscode.MarkdownString(
        hoverMarkdown(mark, { openFrameCommand: OPEN_FRAME_COMMAND, displayPath: (file) => vscode.workspace.asRelativePath(file, false) }),
      );
      // Only our own command may run from this hover; no HTML.
      markdown.isTrusted = { enabledCommands: [OPEN_FRAME_COMMAND] };
      markdown.supportHtml = false;
      return new vscode.Hover(markdown, document.lineAt(position.line).range);
    },
  };

  const codeLenses: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: lensesEmitter.event,
    provideCodeLenses(document) {
      const marks = marksOf(document);
      if (!marks.some((m) => m.blockedCount > 0)) return [];
      const lineAt = (line: number) => (line >= 1 && line <= document.lineCount ? document.lineAt(line - 1).text : undefined);
      return blockedFunctions(marks, lineAt).map(
        (fn) =>
          new vscode.CodeLens(document.lineAt(fn.declarationLine - 1).range, {
            title: blockedLensTitle(fn.count),
            tooltip: `${fn.name}: invocations suspended at an await that has not resumed. Click to see where.`,
            command: SHOW_BLOCKED_SITE_COMMAND,
            arguments: [{ file: document.uri.fsPath, line: fn.topSiteLine }],
          }),
      );
    },
  };

  const files = [{ scheme: 'file' }];
  lens.extension.subscriptions.push(
    sources,
    decorations,
    redrawEmitter,
    lensesEmitter,
    sources.onDidChangeFiles((changed) => redraw(changed)),
    vscode.window.onDidChangeVisibleTextEditors(() => redraw()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('asyncLeakLens.decorations.enabled')) return;
      enabled = readSettings().decorationsEnabled;
      redraw();
    }),
    vscode.languages.registerHoverProvider(files, hovers),
    vscode.languages.registerCodeLensProvider(files, codeLenses),
    vscode.commands.registerCommand(OPEN_FRAME_COMMAND, async (raw: unknown) => {
      const args = parseFrameArgs(raw);
      if (args) await openFrame(args);
    }),
    // CodeLens click: go to the function's busiest blocked line and show its hover there.
    vscode.commands.registerCommand(SHOW_BLOCKED_SITE_COMMAND, async (raw: unknown) => {
      const args = parseFrameArgs(raw);
      if (!args || !(await openFrame(args))) return;
      await vscode.commands.executeCommand('editor.action.showHover');
    }),
    vscode.commands.registerCommand(TOGGLE_DECORATIONS_COMMAND, async () => {
      const config = vscode.workspace.getConfiguration('asyncLeakLens');
      const inspected = config.inspect<boolean>('decorations.enabled');
      const scope =
        inspected?.workspaceFolderValue !== undefined
          ? vscode.ConfigurationTarget.WorkspaceFolder
          : inspected?.workspaceValue !== undefined
            ? vscode.ConfigurationTarget.Workspace
            : vscode.ConfigurationTarget.Global;
      await config.update('decorations.enabled', !readSettings().decorationsEnabled, scope);
    }),
  );
  redraw();

  return {
    appliedMarks: (uri) => decorations.appliedTo(fileKey(uri.fsPath)),
    indexedMarks: (uri) => sources.index.marksForFile(fileKey(uri.fsPath)),
    onDidRedraw: redrawEmitter.event,
  };
}
