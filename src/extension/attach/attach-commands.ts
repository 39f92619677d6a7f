// Command-palette attach flows: by inspector address, and detach.
import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import type { LensContext } from '../extension';

export function registerAttachCommands(lens: LensContext): void {
  lens.extension.subscriptions.push(
    vscode.commands.registerCommand('asyncLeakLens.attachByAddress', async (address?: string) => {
      const value =
        address ??
        (await vscode.window.showInputBox({
          title: 'Attach by Inspector Address',
          prompt: 'A port (9229), host:port (127.0.0.1:9229) or ws:// URL of a Node inspector',
          placeHolder: '9229',
          ignoreFocusOut: true,
        }));
      if (!value) return undefined;
      try {
        const target = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Attaching to ${value}…` }, () =>
          lens.targets.attach({ address: value, source: 'address' }),
        );
        return target.id;
      } catch (error) {
        void vscode.window.showErrorMessage(`Async Leak Lens: ${describeError(error)}`);
        return undefined;
      }
    }),
    vscode.commands.registerCommand('asyncLeakLens.detachAll', () => lens.targets.detachAll()),
  );
}
