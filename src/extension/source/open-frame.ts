// Opens a frame's source at its original position (frames are source-mapped already). Only files
// that exist on disk are opened: a path reported by the target is never run or trusted further.
import { existsSync, statSync } from 'node:fs';
import * as vscode from 'vscode';
import type { Frame } from '../../core/model';
import { isSourceFrame } from '../tree/tree-model';

/** True when the frame names a regular file on this machine. */
export function canOpenFrame(frame: Frame): boolean {
  if (!isSourceFrame(frame)) return false;
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

/** Shows the frame's line in an editor; false (with a message) when there is no file to open. */
export async function openFrame(frame: Frame, options: OpenFrameOptions = {}): Promise<boolean> {
  if (!canOpenFrame(frame)) {
    const where = frame.file ? `${frame.file}${frame.line > 0 ? `:${frame.line}` : ''}` : 'an unknown location';
    void vscode.window.showInformationMessage(
      frame.file.startsWith('node:') ? `${where} is inside Node.js itself; there is no file to open.` : `Cannot open ${where}: the file does not exist on this machine.`,
    );
    return false;
  }
  const position = new vscode.Position(frame.line - 1, Math.max(0, frame.column - 1));
  await vscode.window.showTextDocument(vscode.Uri.file(frame.file), { selection: new vscode.Range(position, position), preview: true, preserveFocus: options.preserveFocus ?? false });
  return true;
}
