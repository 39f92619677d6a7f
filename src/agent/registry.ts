// The one place the installed agent is found again by later calls and later clients. Core declares
// it once per thread as a global `const` (see AGENT_BINDING and core's agent-expressions): target
// code can read it but can neither delete nor replace it, nor the frozen handle it holds.
import {
  AGENT_REGISTRY_SCHEMA,
  type AgentConfig,
  type AgentCounts,
  type AgentInfo,
  type AgentReadout,
  type AgentSnapshot,
  type CensusSiteInput,
} from './protocol';

export interface AgentHandle {
  readonly version: string;
  info(reused: boolean): AgentInfo;
  poll(): AgentCounts;
  snapshot(): AgentSnapshot;
  /** Counts and the `limit` sites with most pending or abandoned, for metrics (cheap: no stacks, no GC). */
  read(limit: number): AgentReadout;
  /** Takes over what a census found: its sites and sample objects to follow. */
  census(input: { sites: CensusSiteInput[] }, objects: unknown[]): number;
  /** Another client attaches with its settings. */
  reuse(config: AgentConfig): void;
  /** Stops every hook and forgets everything; false when already detached. */
  detach(): boolean;
}

export interface AgentRegistry {
  readonly schema: string;
  current(): AgentHandle | undefined;
  put(handle: AgentHandle): void;
  release(handle: AgentHandle): void;
}

/** What a registry made by this code looks like; anything else under the binding is foreign. */
export function isRegistry(value: unknown): value is AgentRegistry {
  if (typeof value !== 'object' || value === null || !Object.isFrozen(value)) return false;
  const r = value as Partial<AgentRegistry>;
  return (
    r.schema === AGENT_REGISTRY_SCHEMA && typeof r.current === 'function' && typeof r.put === 'function' && typeof r.release === 'function'
  );
}

/** What a handle made by this code looks like. */
export function isHandle(value: unknown): value is AgentHandle {
  if (typeof value !== 'object' || value === null || !Object.isFrozen(value)) return false;
  const h = value as Partial<AgentHandle>;
  return (
    typeof h.version === 'string' &&
    ['info', 'poll', 'snapshot', 'reuse', 'detach'].every((name) => typeof (h as Record<string, unknown>)[name] === 'function')
  );
}
