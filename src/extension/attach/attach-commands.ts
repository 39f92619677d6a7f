// Command-palette attach flows (by inspector address, by process) and detach.
import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import type { LensContext } from '../lens-context';
import type { AttachedTarget } from '../targets/attached-target';
import { addressFromInput } from './picker-text';
import { attachToProcess } from './process-picker';

/** Set while at least one target is attached (menus and the command palette use it). */
export const HAS_TARGETS_CONTEXT = 'asyncLeakLens.hasTargets';

export function registerAttachCommands(lens: LensContext): void {
  const updateContext = () => void vscode.commands.executeCommand('setContext', HAS_TARGETS_CONTEXT, lens.targets.list().length > 0);
  updateContext();
  lens.extension.subscriptions.push(
    lens.targets.onDidChangeTargets(updateContext),
    vscode.commands.registerCommand('asyncLeakLens.attachByAddress', (address?: string) =>
      reportFailure(lens, () => attachByAddress(lens, address)),
    ),
    vscode.commands.registerCommand('asyncLeakLens.attachToProcess', (pid?: number) =>
      reportFailure(lens, () => attachToProcess(lens, typeof pid === 'number' ? pid : undefined)),
    ),
    vscode.commands.registerCommand('asyncLeakLens.detach', async (target?: unknown) => {
      const id = targetIdOf(target) ?? (await pickTarget(lens));
      if (id) await lens.targets.detach(id);
    }),
    vscode.commands.registerCommand('asyncLeakLens.detachAll', () => lens.targets.detachAll()),
  );
}

async function attachByAddress(lens: LensContext, address: string | undefined): Promise<AttachedTarget | undefined> {
  const value =
    address ??
    (await vscode.window.showInputBox({
      title: 'Attach by Inspector Address',
      prompt: 'A port on this machine (9229), host:port (127.0.0.1:9229), a ws:// URL of a Node inspector, or pid:N',
      placeHolder: '9229',
      ignoreFocusOut: true,
    }));
  if (!value) return undefined;
  const target = addressFromInput(value);
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Attaching to ${target}…` }, () =>
    lens.targets.attach({ address: target, source: 'address' }),
  );
}

/** Runs an attach flow; answers the target id, or shows the error and answers undefined. */
export async function reportFailure(lens: LensContext, flow: () => Promise<AttachedTarget | undefined>): Promise<string | undefined> {
  try {
    return (await flow())?.id;
  } catch (error) {
    lens.output.error(`Attach failed: ${describeError(error)}`);
    void vscode.window.showErrorMessage(`Async Leak Lens: ${describeError(error)}`);
    return undefined;
  }
}

/** A target id from a command argument: the id itself, or a tree element carrying it. */
function targetIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg && typeof arg === 'object') {
    const o = arg as { targetId?: unknown; target?: { id?: unknown }; id?: unknown };
    for (const candidate of [o.targetId, o.target?.id, o.id]) if (typeof candidate === 'string') return candidate;
  }
  return undefined;
}

async function pickTarget(lens: LensContext): Promise<string | undefined> {
  const targets = lens.targets.list();
  if (targets.length <= 1) return targets[0]?.id;
  const picked = await vscode.window.showQuickPick(
    targets.map((t) => ({ label: t.label, id: t.id })),
    { title: 'Detach', placeHolder: 'Which target? The agent is removed from it.' },
  );
  return picked?.id;
}
