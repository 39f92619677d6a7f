// The snapshot model shared by core, the CLI and the extension. Plain JSON data only.

export const SNAPSHOT_SCHEMA = 'async-leak-lens/snapshot@1';

/** Where a site lives: `created` = where the resource was made; `blocked` = the `await` where an async function is suspended. */
export type SiteKind = 'created' | 'blocked';

export interface Frame {
  /** Absolute file path (file:// URLs are converted); `node:...` for built-ins; '' when unknown. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  function: string;
}

export interface ExampleResource {
  /** async id for async_hooks resources, the agent's own sequence number for promises. */
  id: number;
  ageMs: number;
  /** Id of the resource that caused this one (async_hooks triggerAsyncId or the parent promise). */
  triggerId: number;
}

export interface Site {
  /** Stable across snapshots of one process (and across processes running the same code). */
  id: string;
  kind: SiteKind;
  /** async_hooks resource type (`Timeout`, `TCPWRAP`, ...) or `PROMISE`. */
  type: string;
  /** Thread the site lives in: 0 for the main thread, otherwise the worker's threadId. */
  thread: number;
  /** Estimated live count (exact when `sampled === count`). */
  count: number;
  /** Resources actually observed with a stack (the rest is estimated from the sampling rate). */
  sampled: number;
  oldestAgeMs: number;
  /** True when the site frame is user code (not node_modules, not node:internal). */
  userCode: boolean;
  /** Original source position (after source maps). */
  frame: Frame;
  /** Compiled position, present when a source map moved the frame. */
  generatedFrame?: Frame;
  /** One example creation stack, site frame included, outermost last. */
  stack: Frame[];
  examples: ExampleResource[];
  /**
   * Tasks collected by the GC while suspended at this await since the agent arrived (blocked sites;
   * estimated when sampled): they can never resume. Absent in files written before it existed.
   */
  abandoned?: number;
  /** When the first and the latest abandoned task here were seen (ISO 8601), when any was. */
  abandonedSeen?: { first: string; last: string };
  /** 'census' when the census found resources of this site pending before the agent arrived. */
  origin?: 'census';
  /** Of `count`, how many the census found that are still pending (estimated like `count`). */
  census?: number;
}

export interface TargetInfo {
  pid: number;
  nodeVersion: string;
  title: string;
  /** How we reached it: ws URL (never includes secrets). */
  url: string;
  argv?: string[];
}

export interface ThreadInfo {
  thread: number;
  title: string;
}

export interface AgentStats {
  /** Resources seen by the hooks since attach, by type. */
  created: Record<string, number>;
  /** Samples that could not be kept because a cap was reached, by type (never silent). */
  dropped: Record<string, number>;
  /** Distinct stacks not kept because the stack cap was reached. */
  droppedStacks: number;
  /** Current sampling probability per type (1 = every resource has a stack). */
  samplingRate: Record<string, number>;
}

/**
 * The full GC before a snapshot: done, skipped because the target did not answer in time (its
 * event loop blocked or busy; finished tasks not yet collected may then be counted), or not asked.
 */
export interface SnapshotGc {
  status: 'collected' | 'skipped' | 'off';
  /** Why it was skipped, for people. */
  reason?: string;
}

export interface Snapshot {
  schema: typeof SNAPSHOT_SCHEMA;
  takenAt: string;
  label?: string;
  /** Absent in snapshots written before it was recorded. */
  gc?: SnapshotGc;
  target: TargetInfo;
  threads: ThreadInfo[];
  /** Live count per resource type (all threads). */
  totals: Record<string, number>;
  /** Resources already alive when the agent was injected, by type (from process.getActiveResourcesInfo()). */
  baseline: Record<string, number>;
  sites: Site[];
  stats: AgentStats;
  /**
   * Set when the target cannot give stacks (e.g. --frozen-intrinsics): why. Totals still count
   * everything, but no site is known, so no check by site can pass on this snapshot.
   */
  sitesUnavailable?: string;
  /** Present when a census ran in this session (see census.ts). */
  census?: CensusInfo;
}

/** What the census found and what it cost. */
export interface CensusInfo {
  takenAt: string;
  heapBytes: number;
  durationMs: number;
  /** Time spent writing heap snapshots (the target is paused meanwhile). */
  snapshotMs: number;
  tasks: number;
  timers: number;
  /** Found in Node's own code or dependencies: counted here, not listed as sites. */
  elsewhere: number;
  resolved: number;
}

/** One poll: counts only, cost independent of how many resources are alive. */
export interface CountSample {
  /** ms since epoch. */
  t: number;
  /** Per resource type, summed over threads. */
  counts: Record<string, number>;
  total: number;
}

export interface DiffSite extends Site {
  before: number;
  after: number;
  delta: number;
}

export interface SnapshotDiff {
  before: { takenAt: string; label?: string };
  after: { takenAt: string; label?: string };
  totals: Record<string, { before: number; after: number; delta: number }>;
  sites: DiffSite[];
  /** Set when either snapshot had no sites: why (see Snapshot.sitesUnavailable). */
  sitesUnavailable?: string;
  /** Sites whose abandoned count changed (or is non-zero): before/after/delta are abandoned counts. */
  abandoned: DiffSite[];
}
