// Which attached target a command acts on: the one named by its argument (a target id or a tree
// node), the only one attached, or the user's pick; with none attached, an offer to attach.
import * as vscode from 'vscode';
import { LensError } from '../../core/errors';
import { targetIdOf } from '../command-arguments';
import type { AttachedTarget } from './attached-target';
import type { TargetRegistry } from './target-registry';

export interface ChooseTargetOptions {
  title: string;
  placeHolder: string;
  /** Shown when nothing is attached, before the attach buttons. */
  noneAttached: string;
  /** Throw for an unknown target id instead of showing a message (callers with arguments). */
  quiet?: boolean;
}

export async function chooseTarget(
  registry: TargetRegistry,
  arg: unknown,
  options: ChooseTargetOptions,
): Promise<AttachedTarget | undefined> {
  const id = targetIdOf(arg);
  if (id !== undefined) {
    const target = registry.get(id);
    if (!target) {
      const message = `No attached target "${id}" (it may have exited or been detached).`;
      if (options.quiet) throw new LensError('target-gone', message);
      void vscode.window.showErrorMessage(`Async Leak Lens: ${message}`);
    }
    return target;
  }
  const targets = registry.list();
  if (targets.length === 1) return targets[0];
  if (targets.length === 0) {
    const byProcess = 'Attach to Node Process…';
    const byAddress = 'Attach by Inspector Address…';
    const choice = await vscode.window.showErrorMessage(`Async Leak Lens: ${options.noneAttached}`, byProcess, byAddress);
    if (choice === byProcess) void vscode.commands.executeCommand('asyncLeakLens.attachToProcess');
    if (choice === byAddress) void vscode.commands.executeCommand('asyncLeakLens.attachByAddress');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    targets.map((target) => ({
      label: target.label,
      detail: `${target.samples.at(-1)?.total ?? '?'} pending async resources, Node ${target.session.info.nodeVersion}`,
      target,
    })),
    { title: options.title, placeHolder: options.placeHolder },
  );
  return picked?.target;
}
