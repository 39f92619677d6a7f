// When a debug session ends, the debugger's CDP proxy goes away, often before the agent could be
// removed through it. A debuggee that lives on (an attach session) is then cleaned up through
// its own inspector, whose URL was read while the proxy still answered.
import { AgentClient } from '../../core/inspector/agent-client';
import { resolveInspectorUrl } from '../../core/inspector/discovery';
import { InspectorConnection } from '../../core/inspector/inspector-connection';
import { parseTargetAddress } from '../../core/inspector/target-address';
import type { AttachedTarget } from '../targets/attached-target';

const CALL_TIMEOUT_MS = 3000;

/** The debuggee's own inspector URL, or undefined (closed, or a worker thread). */
export async function ownInspectorUrl(target: AttachedTarget): Promise<string | undefined> {
  const answer = await target.session.connection.main.send<{ result?: { value?: unknown } }>(
    'Runtime.evaluate',
    {
      expression: "(() => { try { return require('node:inspector').url() ?? null; } catch { return null; } })()",
      includeCommandLineAPI: true,
      returnByValue: true,
      silent: true,
    },
    CALL_TIMEOUT_MS,
  );
  const url = answer.result?.value;
  // Only a ws URL is used, and only as an address to connect to (never evaluated).
  return typeof url === 'string' && /^wss?:\/\/[^\s]+$/.test(url) ? url : undefined;
}

/** Removes the agent through the inspector at `url`; true when there was one to remove. */
export async function removeAgentDirectly(url: string, allowRemote: boolean): Promise<boolean> {
  const address = await resolveInspectorUrl(parseTargetAddress(url), { allowRemote });
  const connection = await InspectorConnection.open(address, CALL_TIMEOUT_MS, allowRemote);
  try {
    return await new AgentClient(connection.main).detach(CALL_TIMEOUT_MS);
  } finally {
    await connection.close();
  }
}
