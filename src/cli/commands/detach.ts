import { parseArgs } from 'node:util';
import { AgentClient } from '../../core/agent-client';
import { closeInspector } from '../../core/close-inspector';
import { InspectorConnection } from '../../core/inspector-connection';
import { Session } from '../../core/session';
import { EXIT_OK, UsageError } from '../cli-error';
import { inspectorLeftOpenNote, inspectorUrlOf, targetHelp, targetOptions } from '../connect';
import type { Output } from '../output';

export const detachHelp = `Usage: async-leak-lens detach --target <addr> [--close-inspector]

Removes the agent (its hooks and everything it holds) from the target and its worker threads.

${targetHelp}
  --close-inspector       also close the target's inspector (e.g. one SIGUSR1 opened, which stays
                          open otherwise); every client still connected to it is disconnected`;

export const detachOptions = { ...targetOptions, 'close-inspector': { type: 'boolean', default: false } } as const;

export async function detachCommand(args: string[], io: Output): Promise<number> {
  const { values } = parseArgs({ args, options: detachOptions, strict: true });
  if (!values.target) throw new UsageError('--target is required (a port, host:port, ws:// URL or pid:<n>).', 'detach');
  const url = await inspectorUrlOf(values.target, values);
  const allowRemote = values['allow-remote'] ?? false;
  // Look before attaching: attaching would install an agent only to remove it again.
  const connection = await InspectorConnection.open(url, undefined, allowRemote);
  let present: boolean;
  try {
    present = await new AgentClient(connection.main).isInstalled();
    if (!present && values['close-inspector']) await closeInspector(connection.main);
  } finally {
    await connection.close();
  }
  if (!present) {
    io.err(`No agent in the target: nothing to remove.${values['close-inspector'] ? ' Its inspector closes now.' : ''}`);
    return EXIT_OK;
  }
  const session = await Session.attach(url, { allowRemote });
  if (values['close-inspector']) await closeInspector(session.connection.main);
  await session.detach();
  io.err(`Detached: the agent was removed from pid ${session.info.pid}.`);
  if (values['close-inspector']) io.err(`The inspector of pid ${session.info.pid} closes now.`);
  else {
    const note = inspectorLeftOpenNote(session);
    if (note) io.err(note);
  }
  return EXIT_OK;
}
