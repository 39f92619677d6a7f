// Entry of the agent bundle. Core declares the registry (a global `const`) and then evaluates the
// bundle inside the target to call install(). Install is all-or-nothing: it either leaves one
// working agent in the registry or nothing at all.
import { AGENT_BINDING, LEGACY_AGENT_GLOBAL_KEY, type AgentConfig, type AgentInfo, type AgentRefusal } from './protocol';
import { isHandle, isRegistry, type AgentHandle } from './registry';
import { startTracker, type Builtins, type Tracker } from './tracker';

declare const require: ((id: string) => unknown) | undefined;

export function install(config: AgentConfig, lookupRegistry: () => unknown): AgentInfo | AgentRefusal {
  let registry: unknown;
  try {
    registry = lookupRegistry();
  } catch {
    return {
      refused: `the global ${AGENT_BINDING} exists but cannot be read (declared by something else, or never initialised)`,
      tampered: true,
    };
  }
  if (!isRegistry(registry))
    return {
      refused: `the global ${AGENT_BINDING} is not an Async Leak Lens agent registry (something else declared that name)`,
      tampered: true,
    };
  const existing = registry.current();
  if (existing !== undefined) {
    const reused = reuseExisting(existing, config);
    if (reused !== undefined) return reused.answer;
  }
  if (Object.getOwnPropertyDescriptor(globalThis, Symbol.for(LEGACY_AGENT_GLOBAL_KEY)) !== undefined) {
    return {
      refused: `globalThis[Symbol.for('${LEGACY_AGENT_GLOBAL_KEY}')] already holds something: an agent of an older Async Leak Lens, or an object posing as one. Remove it with the tool that put it there, or restart the target.`,
    };
  }
  let tracker: Tracker | undefined;
  try {
    const builtins = loadBuiltins();
    const threadId = (builtins.workerThreads.threadId as number | undefined) ?? 0;
    tracker = startTracker({ ...config }, builtins, threadId);
    const handle = makeHandle(config.version, tracker, threadId, (self) => (registry as { release(h: AgentHandle): void }).release(self));
    registry.put(handle);
    if (registry.current() !== handle) {
      // A registry that does not keep what it is given is not ours: leave nothing behind.
      tracker.stop();
      return { refused: `the global ${AGENT_BINDING} does not keep the agent (something else declared that name)`, tampered: true };
    }
    return handle.info(false);
  } catch (error) {
    // Nothing stays behind: the hooks of a half-made agent would run with nothing to remove them.
    try {
      tracker?.stop();
    } catch {
      // Already stopped as far as it got.
    }
    throw error;
  }
}

/**
 * The answer when the installed agent is reused (its info, checked by core) or must not be (a
 * refusal); undefined when it is older and was detached to be replaced.
 */
function reuseExisting(existing: AgentHandle, config: AgentConfig): { answer: AgentInfo | AgentRefusal } | undefined {
  const refuse = (refused: string, tampered = true) => ({ answer: { refused, tampered } });
  if (!isHandle(existing)) return refuse('the agent registry holds something that is not an Async Leak Lens agent');
  const order = compareVersions(existing.version, config.version);
  if (order === undefined)
    return refuse(
      `the agent in the target calls itself version ${JSON.stringify(String(existing.version).slice(0, 40))}, not a version of Async Leak Lens`,
    );
  if (order > 0) {
    return refuse(
      `an agent of a newer Async Leak Lens (${existing.version}) is in the target; this is ${config.version}. Use the newer version, or detach it with that version first.`,
      false,
    );
  }
  if (order === 0) {
    existing.reuse(config);
    return { answer: existing.info(true) };
  }
  existing.detach();
  return undefined;
}

function makeHandle(version: string, tracker: Tracker, threadId: number, release: (self: AgentHandle) => void): AgentHandle {
  let detached = false;
  // Set once a census was handed over, so a later attach does not take another.
  let censusTaken = false;
  const handle: AgentHandle = Object.freeze({
    version,
    info: (reused: boolean): AgentInfo => ({
      version,
      reused,
      pid: process.pid,
      threadId,
      nodeVersion: process.version,
      title: process.title,
      argv: process.argv.slice(),
      censusTaken,
    }),
    poll: () => tracker.poll(),
    snapshot: () => tracker.snapshot(),
    read: (limit: number) => tracker.read(limit),
    census(input: Parameters<Tracker['census']>[0], objects: Parameters<Tracker['census']>[1]) {
      censusTaken = true;
      return tracker.census(input, objects);
    },
    reuse(config: AgentConfig) {
      // A preloaded production agent keeps its settings unless the client asks for a profile.
      if (tracker.config.profile === 'production' && config.profile === undefined) return;
      Object.assign(tracker.config, config, { version });
    },
    detach() {
      if (detached) return false;
      detached = true;
      release(handle);
      tracker.stop();
      return true;
    },
  });
  return handle;
}

function loadBuiltins(): Builtins & { workerThreads: { threadId?: number } } {
  // process.getBuiltinModule works in CommonJS and ESM alike (Node >= 20.16); the inspector's
  // command-line `require` covers older versions.
  const get = (process as unknown as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  const load = (id: string): any => (typeof get === 'function' ? get.call(process, id) : require!(id));
  return { asyncHooks: load('node:async_hooks'), v8: load('node:v8'), workerThreads: load('node:worker_threads') };
}

/** Undefined when either is not a plain x.y.z version. */
function compareVersions(a: unknown, b: string): number | undefined {
  const plain = /^\d{1,9}\.\d{1,9}\.\d{1,9}$/;
  if (typeof a !== 'string' || !plain.test(a) || !plain.test(b)) return undefined;
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = pa[i] - pb[i];
    if (d !== 0) return d;
  }
  return 0;
}
