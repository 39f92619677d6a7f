import { parseArgs } from 'node:util';
import { closeInspector } from '../../core/close-inspector';
import { EXIT_OK } from '../cli-error';
import { attachFromOptions, attachHelp, attachOptions, inspectorLeftOpenNote } from '../connect';
import type { Output } from '../output';

export const detachHelp = `Usage: async-leak-lens detach --target <addr> [--close-inspector]

Removes the agent (its hooks and everything it holds) from the target and its worker threads.

${attachHelp}
  --close-inspector       also close the target's inspector (e.g. one SIGUSR1 opened, which stays
                          open otherwise); every client still connected to it is disconnected`;

export async function detachCommand(args: string[], io: Output): Promise<number> {
  const { values } = parseArgs({ args, options: { ...attachOptions, 'close-inspector': { type: 'boolean', default: false } }, strict: true });
  const session = await attachFromOptions(values, 'detach', io);
  if (values['close-inspector']) await closeInspector(session);
  await session.detach();
  io.err(`Detached: the agent was removed from pid ${session.info.pid}.`);
  if (values['close-inspector']) io.err(`The inspector of pid ${session.info.pid} closes now.`);
  else {
    const note = inspectorLeftOpenNote(session);
    if (note) io.err(note);
  }
  return EXIT_OK;
}
