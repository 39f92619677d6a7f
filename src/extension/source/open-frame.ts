// Opens a frame's source at its original position (frames are source-mapped already): from the
// tree, the comparison report, a hover or CodeLens link, a growth notification. Only files that
// exist on disk are opened: a path reported by the target is never run or trusted further.
import { existsSync, statSync } from 'node:fs';
import * as vscode from 'vscode';
import type { Frame } from '../../core/sites/model';
import { isOpenableFrame } from '../../core/sites/site-presentation';

/** A line of a file, as frames and command links name it. */
export type FrameLocation = Pick<Frame, 'file' | 'line'> & { column?: number };

/** True when the frame names a line of a regular file on this machine. */
export function canOpenFrame(frame: FrameLocation): boolean {
  if (!isOpenableFrame(frame)) return false;
  try {
    return existsSync(frame.file) && statSync(frame.file).isFile();
  } catch {
    return false;
  }
}

export interface OpenFrameOptions {
  /** Keep the keyboard focus where it is (a tree click: arrow keys keep moving through the tree). */
  preserveFocus?: boolean;
}

/** Shows the frame's line in an editor; undefined (with a message) when there is no file to open. */
export async function openFrame(frame: FrameLocation, options: OpenFrameOptions = {}): Promise<vscode.TextEditor | undefined> {
  if (!canOpenFrame(frame)) {
    const where = frame.file ? `${frame.file}${frame.line > 0 ? `:${frame.line}` : ''}` : 'an unknown location';
    void vscode.window.showInformationMessage(
      frame.file.startsWith('node:')
        ? `${where} is inside Node.js itself; there is no file to open.`
        : `Cannot open ${where}: the file does not exist on this machine.`,
    );
    return undefined;
  }
  try {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(frame.file));
    // The file may have changed since the target loaded it: stay inside it.
    const position = new vscode.Position(Math.min(frame.line, document.lineCount) - 1, Math.max(0, (frame.column ?? 1) - 1));
    return await vscode.window.showTextDocument(document, {
      selection: new vscode.Range(position, position),
      preview: true,
      preserveFocus: options.preserveFocus ?? false,
    });
  } catch (error) {
    void vscode.window.showErrorMessage(
      `Async Leak Lens: cannot open ${frame.file}:${frame.line}: ${error instanceof Error ? error.message : String(error)}`,
    );
    return undefined;
  }
}
