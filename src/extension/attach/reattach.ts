// A target that ends without a detach (a crash, a restart, a dropped connection) can be attached
// again on the same inspector port, where a program restarted nodemon style comes back. The
// asyncLeakLens.reattach setting says whether to offer it (ask), do it at once (always) or only
// say why the target ended (never).
import * as vscode from 'vscode';
import { waitForInspector } from '../../core/inspector/discovery';
import { LensError } from '../../core/errors';
import { reportFailure } from './attach-commands';
import type { LensContext } from '../lens-context';
import { readSettings } from '../settings';

export const REATTACH_COMMAND = 'asyncLeakLens.reattach';

export interface ReattachRequest {
  /** host:port of the inspector. */
  address: string;
  /** How long to wait for it to answer (default: the asyncLeakLens.reattachTimeoutSeconds setting). */
  timeoutMs?: number;
}

/** What the extension-host tests can observe: every lost target and where it may come back. */
export interface ReattachOffers {
  readonly offered: ReadonlyArray<{ targetId: string; address: string; reason: string }>;
}

export function registerReattach(lens: LensContext): ReattachOffers {
  const offered: { targetId: string; address: string; reason: string }[] = [];
  lens.extension.subscriptions.push(
    vscode.commands.registerCommand(REATTACH_COMMAND, (request?: ReattachRequest) => reportFailure(lens, () => reattach(lens, request))),
    lens.targets.onDidLoseTarget(({ target, reason }) => {
      // A debug session's target is the debugger's to restart; its end is handled there.
      if (target.source === 'debug') return;
      const { hostname, port } = new URL(target.session.connection.url);
      const address = `${hostname}:${port}`;
      offered.push({ targetId: target.id, address, reason });
      const mode = readSettings().reattach;
      const request: ReattachRequest = { address };
      if (mode === 'always') {
        void vscode.commands.executeCommand(REATTACH_COMMAND, request);
        return;
      }
      const actions = mode === 'ask' ? ['Attach Again'] : [];
      void vscode.window.showWarningMessage(`Async Leak Lens: ${target.label}: ${reason}`, ...actions).then((choice) => {
        if (choice) void vscode.commands.executeCommand(REATTACH_COMMAND, request);
      });
    }),
  );
  return { offered };
}

async function reattach(lens: LensContext, request: ReattachRequest | undefined) {
  if (typeof request?.address !== 'string')
    throw new LensError('bad-target', 'Attach Again needs the inspector address (host:port) the target had.');
  const { hostname, port } = new URL(`ws://${request.address}`);
  const timeoutMs = request.timeoutMs ?? readSettings().reattachTimeoutSeconds * 1000;
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Waiting for a Node program on ${request.address}…`, cancellable: true },
    async (_progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      const url = await waitForInspector(hostname.replace(/^\[|\]$/g, ''), Number(port), { timeoutMs, signal: controller.signal });
      return lens.targets.attach({ address: url, source: 'address' });
    },
  );
}
