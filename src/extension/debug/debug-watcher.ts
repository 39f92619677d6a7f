// Watches Node debug sessions of the built-in JavaScript debugger (launch or attach, child
// processes and workers included) through the debugger's CDP proxy, so the debugger and the
// lens share one inspector connection. Nothing sent over the proxy disables a domain: the
// debugger shares the target's session with us.
import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import type { LensContext } from '../lens-context';
import type { AttachedTarget } from '../targets/attached-target';
import { isNodeDebuggee, requestCdpProxyUrl } from './cdp-proxy';
import { readSettings } from '../settings';
import { ownInspectorUrl, removeAgentDirectly } from './direct-cleanup';
import { followPauses } from './pause-following';
import { WatchChoice } from './watch-choice';

/** How long removing the agent may take when a session ends before the socket is just closed. */
const RELEASE_TIMEOUT_MS = 3000;

export function registerDebugIntegration(lens: LensContext): void {
  const watcher = new DebugSessionWatcher(lens);
  lens.extension.subscriptions.push(
    vscode.debug.onDidStartDebugSession((session) => watcher.onStarted(session)),
    vscode.debug.onDidTerminateDebugSession((session) => watcher.onTerminated(session)),
    // Every type: the stop request may go to a parent session of another type than its debuggees.
    vscode.debug.registerDebugAdapterTrackerFactory('*', { createDebugAdapterTracker: (session) => watcher.trackerFor(session) }),
    vscode.commands.registerCommand('asyncLeakLens.watchDebugSession', (sessionId?: string) => watcher.watchOnRequest(sessionId)),
  );
}

class DebugSessionWatcher {
  /** Concrete Node debuggee sessions that are running. */
  private readonly debuggees = new Map<string, vscode.DebugSession>();
  /** Attaching or attached, by debug session id. */
  private readonly watching = new Map<string, Promise<AttachedTarget | undefined>>();
  /** The debuggee's own inspector, by debug session id, while the agent may still be in it. */
  private readonly ownInspectors = new Map<string, string>();
  /** Sessions the user is stopping (their debuggees are being let go). */
  private readonly stoppingIds = new Set<string>();
  private readonly choice = new WatchChoice();

  constructor(private readonly lens: LensContext) {}

  onStarted(session: vscode.DebugSession): void {
    if (!isNodeDebuggee(session)) return;
    this.debuggees.set(session.id, session);
    void this.choice.shouldWatch(session).then(
      (watch) => (watch ? this.watch(session) : undefined),
      (error) => this.lens.output.error(`Auto-attach to "${session.name}": ${describeError(error)}`),
    );
  }

  onTerminated(session: vscode.DebugSession): void {
    this.choice.forget(session);
    if (this.debuggees.delete(session.id)) void this.release(session.id);
    this.stoppingIds.delete(session.id);
  }

  trackerFor(session: vscode.DebugSession): vscode.DebugAdapterTracker {
    return {
      onWillReceiveMessage: (message: { type?: string; command?: string }) => {
        if (message.type === 'request' && (message.command === 'disconnect' || message.command === 'terminate')) this.stopping(session);
      },
    };
  }

  /** "Watch Debug Session": the given or active session, or every debuggee under it. */
  async watchOnRequest(sessionId?: string): Promise<string[]> {
    const base = sessionId ? this.findSession(sessionId) : vscode.debug.activeDebugSession;
    if (!base) {
      void vscode.window.showInformationMessage('Async Leak Lens: no debug session to watch. Start debugging a Node.js program first.');
      return [];
    }
    const debuggees = [...this.debuggees.values()].filter((d) => isInTree(d, base));
    if (debuggees.length === 0) {
      void vscode.window.showInformationMessage(
        `Async Leak Lens: "${base.name}" is not a Node.js session of the built-in JavaScript debugger, the only kind it can watch.`,
      );
      return [];
    }
    this.choice.remember(base, true);
    const targets = await Promise.all(debuggees.map((d) => this.watch(d)));
    return targets.filter((t): t is AttachedTarget => t !== undefined).map((t) => t.id);
  }

  private watch(session: vscode.DebugSession): Promise<AttachedTarget | undefined> {
    let watching = this.watching.get(session.id);
    if (!watching) {
      watching = this.attach(session).catch((error) => {
        this.watching.delete(session.id);
        const message = `Async Leak Lens could not watch "${session.name}": ${describeError(error)}`;
        this.lens.output.error(message);
        // A short-lived process (a build step in a debug terminal) that exited meanwhile is no news.
        if (this.debuggees.has(session.id)) void vscode.window.showWarningMessage(message);
        return undefined;
      });
      this.watching.set(session.id, watching);
    }
    return watching;
  }

  private async attach(session: vscode.DebugSession): Promise<AttachedTarget | undefined> {
    const url = await requestCdpProxyUrl(session);
    if (!this.debuggees.has(session.id)) return undefined; // it ended while we asked
    const target = await this.lens.targets.attach({ address: url, source: 'debug', debugSessionName: launchName(session), workers: false });
    target.onDidEnd(() => {
      this.watching.delete(session.id);
      // Detached while the session runs: done through the live proxy, nothing left to clean.
      if (this.debuggees.has(session.id) && !this.stoppingIds.has(session.id)) this.ownInspectors.delete(session.id);
    });
    if (!this.debuggees.has(session.id)) {
      await target.detach();
      return undefined;
    }
    try {
      await followPauses(target);
    } catch (error) {
      this.lens.output.warn(
        `${session.name}: cannot follow the debugger's pauses (${describeError(error)}); polls time out while it is paused.`,
      );
    }
    const own = await ownInspectorUrl(target).catch(() => undefined);
    if (own && !target.isEnded) this.ownInspectors.set(session.id, own);
    this.lens.output.info(`Watching debug session "${session.name}" through the debugger's CDP proxy`);
    return target;
  }

  /** The user stops a session: try to remove the agents of its debuggees while the proxy answers. */
  private stopping(session: vscode.DebugSession): void {
    for (const [id, debuggee] of this.debuggees) {
      if (!isInTree(debuggee, session)) continue;
      this.stoppingIds.add(id);
      void this.watching.get(id)?.then((target) => target?.detach());
    }
  }

  /**
   * The debuggee's session ended. Close our socket (the proxy leaves client sockets open but
   * dead), then make sure no agent stays in a debuggee that lives on (attach sessions): through
   * its own inspector, since the proxy is gone.
   */
  private async release(sessionId: string): Promise<void> {
    const target = await this.watching.get(sessionId);
    if (target && !target.isEnded) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([target.detach(), new Promise((resolve) => (timer = setTimeout(resolve, RELEASE_TIMEOUT_MS)))]);
      clearTimeout(timer);
      if (!target.isEnded) await target.session.disconnect();
    }
    const own = this.ownInspectors.get(sessionId);
    this.ownInspectors.delete(sessionId);
    if (!own) return;
    try {
      if (await removeAgentDirectly(own, readSettings().allowRemoteInspector))
        this.lens.output.info(`Removed the agent through ${own} after its debug session ended`);
    } catch (error) {
      // Usually the debuggee exited with its session (launch): nothing to clean.
      this.lens.output.debug(`No agent cleanup through ${own}: ${describeError(error)}`);
    }
  }

  private findSession(id: string): vscode.DebugSession | undefined {
    const active = vscode.debug.activeDebugSession;
    if (active?.id === id) return active;
    for (const d of this.debuggees.values()) {
      for (let s: vscode.DebugSession | undefined = d; s; s = s.parentSession) if (s.id === id) return s;
    }
    return undefined;
  }
}

/**
 * The name of the launch configuration a debuggee runs under (its top session), for its label;
 * undefined when it has no parent (the debugger then names it after script and pid itself).
 */
function launchName(session: vscode.DebugSession): string | undefined {
  let top = session;
  while (top.parentSession) top = top.parentSession;
  return top === session ? undefined : top.name;
}

/** True when `session` is `ancestor` or runs under it. */
function isInTree(session: vscode.DebugSession, ancestor: vscode.DebugSession): boolean {
  for (let s: vscode.DebugSession | undefined = session; s; s = s.parentSession) if (s.id === ancestor.id) return true;
  return false;
}
