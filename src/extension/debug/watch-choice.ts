// Whether to watch a debug session, per the asyncLeakLens.autoAttach setting. In "ask" mode the
// user answers once per debug session tree (a launch and its child processes/workers).
import * as vscode from 'vscode';
import { readSettings } from '../settings';

export class WatchChoice {
  /** Answers of "ask", by root session id. */
  private readonly byRoot = new Map<string, Promise<boolean>>();

  shouldWatch(session: vscode.DebugSession): Promise<boolean> {
    const mode = readSettings().autoAttach;
    if (mode !== 'ask') return Promise.resolve(mode === 'always');
    const root = rootSession(session);
    let answer = this.byRoot.get(root.id);
    if (!answer) {
      answer = ask(root);
      this.byRoot.set(root.id, answer);
    }
    return answer;
  }

  /** The user chose for this session (e.g. with the Watch command): ask no more for its tree. */
  remember(session: vscode.DebugSession, watch: boolean): void {
    this.byRoot.set(rootSession(session).id, Promise.resolve(watch));
  }

  forget(session: vscode.DebugSession): void {
    this.byRoot.delete(session.id);
  }
}

export function rootSession(session: vscode.DebugSession): vscode.DebugSession {
  let root = session;
  while (root.parentSession) root = root.parentSession;
  return root;
}

async function ask(root: vscode.DebugSession): Promise<boolean> {
  const answer = await vscode.window.showInformationMessage(
    `Watch the async resources of "${root.name}" with Async Leak Lens?`,
    'Watch',
    'Always',
    'Never',
  );
  if (answer === 'Always' || answer === 'Never') {
    await vscode.workspace.getConfiguration('asyncLeakLens').update('autoAttach', answer.toLowerCase(), vscode.ConfigurationTarget.Global);
  }
  return answer === 'Watch' || answer === 'Always';
}
