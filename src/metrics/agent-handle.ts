// How the metrics find the agent of this thread: the handle it keeps on a global symbol (the same
// one a client attaching through the inspector finds). Read at every collection, so an agent that
// was detached (the kill switch) or installed later by the CLI is seen as it is now.
import { AGENT_GLOBAL_KEY, type AgentReadout } from '../agent/protocol';

interface ReadableAgent {
  read?: (limit: number) => AgentReadout;
  poll?: () => unknown;
}

const KEY = Symbol.for(AGENT_GLOBAL_KEY);

/** The agent's readout, or undefined when no agent (or one without `read`) is installed. */
export function readAgent(limit: number): AgentReadout | undefined {
  const agent = (globalThis as unknown as Record<symbol, ReadableAgent | undefined>)[KEY];
  if (!agent || typeof agent.read !== 'function') return undefined;
  return agent.read(limit);
}

/** Lets the agent check a bounded batch of its records for resources that finished (what a client's poll does). */
export function pollAgent(): void {
  const agent = (globalThis as unknown as Record<symbol, ReadableAgent | undefined>)[KEY];
  if (agent && typeof agent.poll === 'function') agent.poll();
}
