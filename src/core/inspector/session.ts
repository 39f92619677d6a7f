// A live attachment to one target: the agent in every thread, a poll loop, snapshots, detach.
import { EventEmitter } from 'node:events';
import type { AgentConfig, AgentInfo } from '../../agent/protocol';
import { AgentClient, DEFAULT_AGENT_CONFIG } from './agent-client';
import { inspectorAnswers } from './discovery';
import { describeError, LensError } from '../errors';
import { InspectorConnection, type DisconnectKind, type WorkerAttached } from './inspector-connection';
import type { CountSample, Snapshot, SnapshotGc, ThreadInfo } from '../sites/model';
import { takeCensus, type CensusOptions, type CensusSummary } from '../census/census';
import { isStopped, pidListeningOn, stoppedMessage } from './process-tree';
import { buildSnapshot, type ThreadAnswer } from '../sites/snapshot-builder';
import { SourceMapResolver } from '../sites/source-maps';
import { addCount, countMap, plainCounts } from '../sites/count-map';

export interface SessionOptions {
  agent?: Partial<Omit<AgentConfig, 'version'>>;
  /** Timeout of each call into the target. */
  callTimeoutMs?: number;
  /** Track worker threads too (through the NodeWorker domain where the inspector has it). */
  workers?: boolean;
  /** Allow a non-loopback inspector address (the user opted in). */
  allowRemote?: boolean;
}

export interface SnapshotOptions {
  label?: string;
  /** Run a full GC first so finished-but-uncollected resources are not reported (default true). */
  collectGarbage?: boolean;
}

interface ThreadState {
  agent: AgentClient;
  thread: ThreadInfo;
}

/** Time for destroy hooks queued by a GC to run before the snapshot is read. */
const AFTER_GC_SETTLE_MS = 50;

export interface SessionEvents {
  sample: [CountSample];
  snapshot: [Snapshot];
  error: [Error];
  /** Something people should know that is not an error. */
  notice: [string];
  /** The session is over; the reason is meant for people. */
  end: [string];
}

export class Session extends EventEmitter<SessionEvents> {
  private readonly threads = new Map<string, ThreadState>();
  private readonly resolver = new SourceMapResolver();
  private pollTimer: NodeJS.Timeout | undefined;
  private pollIntervalMs = 0;
  private pollPaused = false;
  private ended = false;
  private lastSample: CountSample | undefined;
  private censusSummary: CensusSummary | undefined;
  /** Agent installs in workers that are still under way. */
  private readonly workerInstalls = new Set<Promise<void>>();
  private owner: boolean;
  /** See localPid(); null: not local, or unknown. */
  private checkedPid: number | null | undefined;

  private constructor(
    readonly connection: InspectorConnection,
    readonly info: AgentInfo,
    private readonly config: AgentConfig,
    private readonly callTimeoutMs: number,
  ) {
    super();
    this.owner = !info.reused;
    // The client that put the agent there removed it (it ended): this session injects it again and
    // owns it from now on, so it leaves with this session instead of staying with no owner.
    const reinstalled = () => {
      this.owner = true;
      this.emit(
        'notice',
        `Another client removed the agent from pid ${info.pid}; it was injected again, so counts and sites restart now (this session owns it now and removes it when it ends).`,
      );
    };
    this.threads.set('main', { agent: new AgentClient(connection.main, reinstalled).adopt(config), thread: { thread: 0, title: 'main' } });
    connection.on('disconnect', (reason: string, kind: DisconnectKind) => {
      if (kind === 'detached') this.finish('detached');
      else if (kind === 'exited') this.finish(`Target ${info.pid} is gone: ${reason}.`);
      else void this.explainLoss(reason);
    });
    connection.on('worker', (worker: WorkerAttached) => {
      const install = this.addWorker(worker).finally(() => this.workerInstalls.delete(install));
      this.workerInstalls.add(install);
    });
    connection.on('worker-gone', (sessionId: string) => this.threads.delete(sessionId));
  }

  /** Connects to an inspector WebSocket URL and installs the agent. */
  static async attach(url: string, options: SessionOptions = {}): Promise<Session> {
    const callTimeoutMs = options.callTimeoutMs ?? 10_000;
    // A target stopped (SIGSTOP) before or during the attach is told within seconds, not after
    // each call's timeout.
    let pid: number | undefined;
    const watch = watchStopped(() => (pid ??= localPidOf(url)));
    let connection: InspectorConnection;
    try {
      connection = await Promise.race([watch.stopped, InspectorConnection.open(url, callTimeoutMs, options.allowRemote ?? false)]);
    } catch (error) {
      watch.cancel();
      throw error;
    }
    const config: AgentConfig = { ...DEFAULT_AGENT_CONFIG, ...options.agent, version: DEFAULT_AGENT_CONFIG.version };
    try {
      return await Promise.race([watch.stopped, Session.install(connection, config, callTimeoutMs, options)]);
    } catch (error) {
      await connection.close();
      throw error instanceof LensError ? error : new LensError('agent', `Cannot install the agent: ${describeError(error)}`);
    } finally {
      watch.cancel();
    }
  }

  private static async install(
    connection: InspectorConnection,
    config: AgentConfig,
    callTimeoutMs: number,
    options: SessionOptions,
  ): Promise<Session> {
    const info = await new AgentClient(connection.main).install(config);
    const session = new Session(connection, info, config, callTimeoutMs);
    if (options.workers !== false && (await connection.watchWorkers())) {
      // Workers that already run are announced right after NodeWorker.enable.
      await new Promise((r) => setImmediate(r));
      await session.workersReady();
    }
    return session;
  }

  /**
   * Whether this session put the agent in the target (or put it back after its owner removed it):
   * then it should remove it when done. False when it found the agent there (another client owns it).
   */
  get ownsAgent(): boolean {
    return this.owner;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  get latestSample(): CountSample | undefined {
    return this.lastSample;
  }

  threadList(): ThreadInfo[] {
    return [...this.threads.values()].map((t) => t.thread);
  }

  /** Polls counts every intervalMs; the next poll is scheduled only after the previous answer. */
  startPolling(intervalMs: number): void {
    this.pollIntervalMs = intervalMs;
    if (!this.pollTimer && !this.ended) this.schedulePoll(0);
  }

  stopPolling(): void {
    clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    this.pollIntervalMs = 0;
  }

  /** Holds polls off while the target is paused in a debugger (a call could hang until resume). */
  setPaused(paused: boolean): void {
    this.pollPaused = paused;
  }

  async poll(): Promise<CountSample> {
    this.assertLive();
    const answers = await Promise.allSettled([...this.threads.values()].map((t) => t.agent.poll(this.callTimeoutMs)));
    if (answers[0]?.status === 'rejected') throw answers[0].reason;
    const counts = countMap();
    let total = 0;
    for (const answer of answers) {
      if (answer.status !== 'fulfilled') continue; // a worker exiting mid-poll
      for (const [type, n] of Object.entries(answer.value.counts)) {
        addCount(counts, type, n);
        total += n;
      }
    }
    const sample: CountSample = { t: Date.now(), counts: plainCounts(counts), total };
    this.lastSample = sample;
    this.emit('sample', sample);
    return sample;
  }

  /** True when no census was taken in the target yet (by this attach or an earlier one). */
  get needsCensus(): boolean {
    return this.info.censusTaken !== true && this.censusSummary === undefined;
  }

  /**
   * Finds what is pending in every thread now, created before the agent came too, and hands it to
   * the agents so that later snapshots go on from it. Pauses each thread while V8 writes its heap
   * snapshot: check the cost with estimateCensus first.
   */
  async census(options: CensusOptions = {}): Promise<CensusSummary> {
    this.assertLive();
    // A heap snapshot has no time limit a big heap could hit, so a stopped target is told this way.
    const watch = watchStopped(() => this.localPid());
    try {
      return await Promise.race([this.takeCensus(options), watch.stopped]);
    } finally {
      watch.cancel();
    }
  }

  private async takeCensus(options: CensusOptions): Promise<CensusSummary> {
    await this.workersReady();
    let summary: CensusSummary | undefined;
    for (const t of [...this.threads.values()]) {
      let found;
      try {
        found = await takeCensus(t.agent.channel, { nodeModulesAsSites: this.config.nodeModulesAsSites, ...options });
      } catch (error) {
        if (t.thread.thread === 0) throw error;
        continue; // A worker that exits mid-census is simply not in it.
      }
      const s = found.summary;
      summary = summary
        ? {
            ...summary,
            heapBytes: summary.heapBytes + s.heapBytes,
            durationMs: Date.now() - Date.parse(summary.takenAt),
            snapshotMs: summary.snapshotMs + s.snapshotMs,
            tasks: summary.tasks + s.tasks,
            timers: summary.timers + s.timers,
            elsewhere: summary.elsewhere + s.elsewhere,
            resolved: summary.resolved + s.resolved,
          }
        : s;
    }
    this.censusSummary = summary!;
    return summary!;
  }

  /** Resolves once every announced worker has its agent (or failed to get one). */
  async workersReady(): Promise<void> {
    await Promise.all(this.workerInstalls);
  }

  /**
   * Takes a snapshot. A stopped target (SIGSTOP, Ctrl-Z) is told within seconds instead of after
   * every call's timeout; a full GC that gets no answer in time is skipped, and the snapshot says so.
   */
  async snapshot(options: SnapshotOptions = {}): Promise<Snapshot> {
    this.assertLive();
    const watch = watchStopped(() => this.localPid());
    try {
      return await Promise.race([this.takeSnapshot(options), watch.stopped]);
    } finally {
      watch.cancel();
    }
  }

  private async takeSnapshot(options: SnapshotOptions): Promise<Snapshot> {
    await this.workersReady();
    const threads = [...this.threads.values()];
    let gc: SnapshotGc = { status: 'off' };
    if (options.collectGarbage !== false) {
      const results = await Promise.allSettled(threads.map((t) => t.agent.collectGarbage(this.callTimeoutMs)));
      // A worker may exit meanwhile; the main thread's answer decides.
      const main = results[0];
      gc =
        main?.status === 'rejected'
          ? {
              status: 'skipped',
              reason: `the full GC got no answer (${describeError(main.reason)}): the target's event loop was blocked or busy, so the snapshot was taken without it and may count finished tasks not yet collected`,
            }
          : { status: 'collected' };
      await new Promise((r) => setTimeout(r, AFTER_GC_SETTLE_MS));
    }
    const answers: ThreadAnswer[] = [];
    for (const t of threads) {
      try {
        answers.push({ thread: t.thread, snapshot: await t.agent.snapshot(this.callTimeoutMs * 3) });
      } catch (error) {
        if (t.thread.thread === 0) throw error;
        // A worker that exits mid-snapshot simply is not in it.
      }
    }
    const snapshot: Snapshot = { ...buildSnapshot(this.info, this.connection.url, answers, this.resolver, options.label), gc };
    if (this.censusSummary) snapshot.census = this.censusSummary;
    this.emit('snapshot', snapshot);
    return snapshot;
  }

  /** Closes the connection but leaves the agent tracking in the target, for a later attach. */
  async disconnect(): Promise<void> {
    if (this.ended) return;
    this.stopPolling();
    await this.connection.close();
    this.finish('detached');
  }

  /** Removes the agent from every thread and closes the connection. */
  async detach(): Promise<void> {
    if (this.ended) return;
    this.stopPolling();
    await Promise.all([...this.threads.values()].map((t) => t.agent.detach(this.callTimeoutMs).catch(() => false)));
    await this.connection.close();
    this.finish('detached');
  }

  /** The target's pid when it runs on this machine, in this pid namespace (seen listening on its port). */
  private localPid(): number | undefined {
    if (this.checkedPid === undefined) {
      const { hostname, port } = new URL(this.connection.url);
      const local = ['127.0.0.1', 'localhost', '[::1]'].includes(hostname);
      this.checkedPid = local && pidListeningOn(Number(port)) === this.info.pid ? this.info.pid : null;
    }
    return this.checkedPid ?? undefined;
  }

  private assertLive(): void {
    if (this.ended) throw new LensError('target-gone', 'The target is no longer connected (the session ended). Attach again.');
  }

  private async addWorker(worker: WorkerAttached): Promise<void> {
    const agent = new AgentClient(worker.channel, () =>
      this.emit(
        'notice',
        `Another client removed the agent from worker "${worker.title}"; it was injected again, so tracking there restarts now.`,
      ),
    );
    try {
      const info = await agent.install(this.config);
      if (this.ended) return;
      this.threads.set(worker.sessionId, { agent, thread: { thread: info.threadId, title: worker.title } });
    } catch (error) {
      if (!this.ended) this.emit('error', new LensError('agent', `Cannot track worker "${worker.title}": ${describeError(error)}`));
    }
  }

  private schedulePoll(delayMs: number): void {
    this.pollTimer = setTimeout(async () => {
      if (this.ended || this.pollIntervalMs === 0) return;
      if (!this.pollPaused) {
        try {
          await this.poll();
        } catch (error) {
          if (this.connection.isClosed) return; // 'end' says why.
          this.emit('error', error as Error);
        }
      }
      if (!this.ended && this.pollIntervalMs > 0) this.schedulePoll(this.pollIntervalMs);
    }, delayMs);
  }

  /** A connection lost without a detach: the process exited, or only the connection dropped. */
  private async explainLoss(reason: string): Promise<void> {
    this.stopPolling();
    const pid = this.info.pid;
    const stillRunning = await inspectorAnswers(this.connection.url);
    this.finish(
      stillRunning
        ? `Lost the inspector connection to pid ${pid}, which is still running with the agent in it: attach again to go on (the agent is reused), or attach and detach to remove it.`
        : `Target ${pid} is gone: ${reason}.`,
    );
  }

  private finish(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.stopPolling();
    this.threads.clear();
    this.emit('end', reason);
  }
}

/** How often a call under way checks whether the target was stopped. */
const STOPPED_CHECK_MS = 1000;

/** `stopped` rejects with a clear message once the process `pidOf` names is seen stopped. */
function watchStopped(pidOf: () => number | undefined): { stopped: Promise<never>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const stopped = new Promise<never>((_, reject) => {
    timer = setInterval(() => {
      const pid = pidOf();
      if (pid !== undefined && isStopped(pid)) reject(new LensError('timeout', `The target is not answering. ${stoppedMessage(pid)}`));
    }, STOPPED_CHECK_MS);
  });
  stopped.catch(() => undefined);
  return { stopped, cancel: () => clearInterval(timer) };
}

/** The pid listening on a loopback inspector URL's port, or undefined. */
function localPidOf(url: string): number | undefined {
  const { hostname, port } = new URL(url);
  return ['127.0.0.1', 'localhost', '[::1]'].includes(hostname) ? pidListeningOn(Number(port)) : undefined;
}
