// The opt-in for inspectors on other hosts (asyncLeakLens.allowRemoteInspector). It is
// machine-scoped, so a cloned repository's settings cannot turn it on; and whoever reaches such an
// inspector controls the process over an unencrypted protocol. Said when the setting is turned on
// and before each attach to another host, in a notification and in the output channel.
import * as vscode from 'vscode';

const SETTING = 'asyncLeakLens.allowRemoteInspector';

/** What the extension-host tests can observe: every warning given, oldest first. */
export interface RemoteInspectorWarnings {
  readonly given: readonly string[];
  /** Warns before attaching to `host` (the setting allowed it). */
  beforeRemoteAttach(host: string): void;
}

export function registerRemoteInspectorWarnings(
  output: vscode.LogOutputChannel,
  subscriptions: vscode.Disposable[],
): RemoteInspectorWarnings {
  const given: string[] = [];
  const warn = (message: string) => {
    given.push(message);
    output.warn(message);
    void vscode.window.showWarningMessage(message);
  };
  subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(SETTING) || !vscode.workspace.getConfiguration().get<boolean>(SETTING)) return;
      warn(
        `${SETTING} is on: Async Leak Lens may attach to inspectors on other hosts. Anyone who can reach such an inspector port controls that process, and the connection is not encrypted; use it only on a network you trust, or tunnel the port to 127.0.0.1 (ssh -L) instead.`,
      );
    }),
  );
  return {
    given,
    beforeRemoteAttach: (host) =>
      warn(
        `Attaching to the inspector on ${host}, another host (allowed by ${SETTING}): the connection is not encrypted, and anyone who can reach that port controls the process.`,
      ),
  };
}
