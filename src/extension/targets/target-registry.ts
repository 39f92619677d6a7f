// The attached targets, whichever way they were attached. Features read targets from here and
// listen to its events; only the attach flows add targets.
import * as vscode from 'vscode';
import { resolveInspectorUrl } from '../../core/inspector/discovery';
import { LensError } from '../../core/errors';
import { Session } from '../../core/inspector/session';
import { parseTargetAddress, remoteHostOf } from '../../core/inspector/target-address';
import { readGrowthSettings, readSettings, sessionOptions } from '../settings';
import { AttachedTarget, type AttachSource } from './attached-target';
import { targetLabel } from './target-label';

export interface AttachRequest {
  /** ws URL, host:port, port or pid:<n> (see parseTargetAddress). */
  address: string;
  source: AttachSource;
  /** The debug session the process runs under, part of its label (see targetLabel). */
  debugSessionName?: string;
  /** May send SIGUSR1 to a pid whose inspector is closed (the user agreed). */
  openInspector?: boolean;
  /**
   * Track worker threads through the NodeWorker domain (default true). False over a debugger's
   * CDP proxy: NodeWorker.enable would reach the debugger's own session (the debugger reports
   * workers as sessions of their own).
   */
  workers?: boolean;
}

/** A target that ended without a detach: it exited, crashed, or its connection dropped. */
export interface LostTarget {
  target: AttachedTarget;
  reason: string;
}

export class TargetRegistry implements vscode.Disposable {
  private readonly targets = new Map<string, AttachedTarget>();
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  private readonly lostEmitter = new vscode.EventEmitter<LostTarget>();
  /** A target was added or removed. */
  readonly onDidChangeTargets = this.changeEmitter.event;
  readonly onDidLoseTarget = this.lostEmitter.event;
  private nextId = 1;

  constructor(
    private readonly log: (message: string) => void,
    private readonly beforeRemoteAttach: (host: string) => void,
  ) {}

  list(): AttachedTarget[] {
    return [...this.targets.values()];
  }

  get(id: string): AttachedTarget | undefined {
    return this.targets.get(id);
  }

  async attach(request: AttachRequest): Promise<AttachedTarget> {
    const settings = readSettings();
    const address = parseTargetAddress(request.address);
    const remoteHost = remoteHostOf(address);
    if (remoteHost !== undefined && settings.allowRemoteInspector) this.beforeRemoteAttach(remoteHost);
    const url = await resolveInspectorUrl(address, {
      allowRemote: settings.allowRemoteInspector,
      openInspector: request.openInspector ?? false,
    });
    const session = await Session.attach(url, {
      ...sessionOptions(settings),
      workers: request.workers ?? true,
      allowRemote: settings.allowRemoteInspector,
    });
    const twin = this.list().find((t) => t.pid === session.info.pid && t.session.info.threadId === session.info.threadId);
    if (twin) {
      // One agent per thread: a second session would remove it for both on detach. Keep the agent.
      await session.disconnect();
      throw new LensError('bad-target', `Process ${session.info.pid} is already attached as "${twin.label}".`);
    }
    const id = `target-${this.nextId++}`;
    const label = targetLabel({ pid: session.info.pid, argv: session.info.argv, debugSessionName: request.debugSessionName });
    const target = new AttachedTarget(id, label, request.source, session, settings.sitesIntervalMs, readGrowthSettings().options, this.log);
    this.targets.set(id, target);
    target.onDidEnd((reason) => {
      this.targets.delete(id);
      this.changeEmitter.fire();
      if (reason !== 'detached') {
        this.log(reason);
        this.lostEmitter.fire({ target, reason });
      }
    });
    target.start(settings.pollIntervalMs);
    this.log(`Attached to ${label} (${session.info.nodeVersion}) at ${url}`);
    this.changeEmitter.fire();
    return target;
  }

  async detach(id: string): Promise<void> {
    await this.targets.get(id)?.detach();
  }

  async detachAll(): Promise<void> {
    await Promise.all(this.list().map((t) => t.detach()));
  }

  applySettings(): void {
    const settings = readSettings();
    for (const target of this.targets.values()) target.setIntervals(settings.pollIntervalMs, settings.sitesIntervalMs);
  }

  dispose(): void {
    void this.detachAll();
    this.changeEmitter.dispose();
    this.lostEmitter.dispose();
  }
}
