import { parseArgs } from 'node:util';
import { AgentClient } from '../../core/agent-client';
import { InspectorConnection } from '../../core/inspector-connection';
import { Session } from '../../core/session';
import { EXIT_OK, UsageError } from '../cli-error';
import { attachHelp, attachOptions, inspectorUrlOf } from '../connect';
import type { Output } from '../output';

export const detachHelp = `Usage: async-leak-lens detach --target <addr>

Removes the agent (its hooks and everything it holds) from the target and its worker threads.

${attachHelp}`;

export async function detachCommand(args: string[], io: Output): Promise<number> {
  const { values } = parseArgs({ args, options: attachOptions, strict: true });
  if (!values.target) throw new UsageError('--target is required (a port, host:port, ws:// URL or pid:<n>).', 'detach');
  const url = await inspectorUrlOf(values.target, values);
  // Look before attaching: attaching would install an agent only to remove it again.
  const connection = await InspectorConnection.open(url);
  let present: boolean;
  try {
    present = await new AgentClient(connection.main).isInstalled();
  } finally {
    await connection.close();
  }
  if (!present) {
    io.err('No agent in the target: nothing to remove.');
    return EXIT_OK;
  }
  const session = await Session.attach(url);
  await session.detach();
  io.err(`Detached: the agent was removed from pid ${session.info.pid}.`);
  return EXIT_OK;
}
