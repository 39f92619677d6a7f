// Entry of the agent bundle. Core evaluates the bundle inside the target and calls install();
// the installed agent lives on a non-enumerable global symbol so that a second injection finds it.
import { AGENT_GLOBAL_KEY, type AgentConfig, type AgentInfo } from './protocol';
import { startTracker, type Builtins, type Tracker } from './tracker';

declare const require: ((id: string) => unknown) | undefined;

export interface InstalledAgent {
  readonly version: string;
  readonly tracker: Tracker;
  info(reused: boolean): AgentInfo;
  poll: Tracker['poll'];
  snapshot: Tracker['snapshot'];
  read: Tracker['read'];
  census: Tracker['census'];
  /** True once a census was handed over (a later attach does not need one). */
  censusTaken: boolean;
  detach(): boolean;
}

const KEY = Symbol.for(AGENT_GLOBAL_KEY);

export function install(config: AgentConfig): AgentInfo {
  const global = globalThis as unknown as Record<symbol, InstalledAgent | undefined>;
  const existing = global[KEY];
  if (existing) {
    if (compareVersions(existing.version, config.version) >= 0) {
      // A preloaded production agent keeps its settings unless the client asks for a profile.
      if (existing.tracker.config.profile === 'production' && config.profile === undefined) return existing.info(true);
      Object.assign(existing.tracker.config, config, { version: existing.version });
      return existing.info(true);
    }
    existing.detach();
  }
  const builtins = loadBuiltins();
  const threadId = (builtins.workerThreads.threadId as number | undefined) ?? 0;
  const tracker = startTracker({ ...config }, builtins, threadId);
  const agent: InstalledAgent = {
    version: config.version,
    tracker,
    info: (reused) => ({
      version: config.version,
      reused,
      pid: process.pid,
      threadId,
      nodeVersion: process.version,
      title: process.title,
      argv: process.argv.slice(),
      censusTaken: agent.censusTaken,
    }),
    poll: () => tracker.poll(),
    snapshot: () => tracker.snapshot(),
    read: (limit) => tracker.read(limit),
    census(input, objects) {
      agent.censusTaken = true;
      return tracker.census(input, objects);
    },
    censusTaken: false,
    detach() {
      tracker.stop();
      if (global[KEY] === agent) delete global[KEY];
      return true;
    },
  };
  Object.defineProperty(global, KEY, { value: agent, configurable: true, enumerable: false, writable: false });
  return agent.info(false);
}

function loadBuiltins(): Builtins & { workerThreads: { threadId?: number } } {
  // process.getBuiltinModule works in CommonJS and ESM alike (Node >= 20.16); the inspector's
  // command-line `require` covers older versions.
  const get = (process as unknown as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  const load = (id: string): any => (typeof get === 'function' ? get.call(process, id) : require!(id));
  return { asyncHooks: load('node:async_hooks'), v8: load('node:v8'), workerThreads: load('node:worker_threads') };
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] || 0) - (pb[i] || 0);
    if (d !== 0) return d;
  }
  return 0;
}
