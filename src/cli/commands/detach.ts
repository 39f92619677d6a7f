import { parseArgs } from 'node:util';
import { EXIT_OK } from '../cli-error';
import { attachFromOptions, targetHelp, targetOptions } from '../connect';
import type { Output } from '../output';

export const detachHelp = `Usage: async-leak-lens detach --target <addr>

Removes the agent (its hooks and everything it holds) from the target and its worker threads.

${targetHelp}`;

export const detachOptions = targetOptions;

export async function detachCommand(args: string[], io: Output): Promise<number> {
  const { values } = parseArgs({ args, options: detachOptions, strict: true });
  const session = await attachFromOptions(values, 'detach', io);
  await session.detach();
  io.err(`Detached: the agent was removed from pid ${session.info.pid}.`);
  return EXIT_OK;
}
