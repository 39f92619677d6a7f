// How the metrics find the agent of this thread: in the registry under AGENT_BINDING (a global
// `const`, the one a client attaching through the inspector reads too). Read at every collection,
// so an agent that was detached (the kill switch) or installed later by the CLI is seen as it is now.
import * as vm from 'node:vm';
import { AGENT_BINDING, type AgentReadout } from '../agent/protocol';
import { isRegistry } from '../agent/registry';

interface ReadableAgent {
  read?: (limit: number) => AgentReadout;
  poll?: () => unknown;
}

let lookup: (() => unknown) | undefined;

/** The agent in this thread's registry; undefined without a registry (or a foreign one) or an agent. */
function currentAgent(): ReadableAgent | undefined {
  // A script sees the global lexical scope: the function reads the binding whenever it is called.
  lookup ??= vm.runInThisContext(`(() => ${AGENT_BINDING})`) as () => unknown;
  let registry: unknown;
  try {
    registry = lookup();
  } catch {
    // Not declared yet (or never initialised): no agent.
    return undefined;
  }
  if (!isRegistry(registry)) return undefined;
  const agent: unknown = registry.current();
  return typeof agent === 'object' && agent !== null ? (agent as ReadableAgent) : undefined;
}

/** The agent's readout, or undefined when no agent (or one without `read`) is installed. */
export function readAgent(limit: number): AgentReadout | undefined {
  const agent = currentAgent();
  if (!agent || typeof agent.read !== 'function') return undefined;
  return agent.read(limit);
}

/** Lets the agent check a bounded batch of its records for resources that finished (what a client's poll does). */
export function pollAgent(): void {
  const agent = currentAgent();
  if (agent && typeof agent.poll === 'function') agent.poll();
}
