// Extension entry point. Keep activate() thin: build objects, register each feature, and push
// every disposable into context.subscriptions.
import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  registerAttachCommands(context);
}

export function deactivate(): void {}

// Placeholder until attaching is implemented: the command exists so menus and tests can rely on it.
function registerAttachCommands(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('asyncLeakLens.attachByAddress', () =>
      vscode.window.showInformationMessage('Async Leak Lens: attaching by address is not implemented yet.'),
    ),
  );
}
