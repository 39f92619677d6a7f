// Options every attaching command shares, and the attach itself.
import type { ParseArgsConfig } from 'node:util';
import { resolveInspectorUrl, wasOpenedBySignal } from '../core/inspector/discovery';
import { Session } from '../core/inspector/session';
import { parseTargetAddress } from '../core/inspector/target-address';
import { describeError } from '../core/errors';
import { UsageError } from './cli-error';
import { EXIT_INTERRUPTED, Interrupted, setLeftover } from './interrupt';
import type { Output } from './output';

/** How to reach the target: every attaching command (detach included). */
export const targetOptions = {
  target: { type: 'string', short: 't' },
  'allow-remote': { type: 'boolean', default: false },
  'no-open-inspector': { type: 'boolean', default: false },
} satisfies ParseArgsConfig['options'];

export const targetHelp = `  -t, --target <addr>     ws://URL, host:port, port, or pid:<n> (a bare number is tried as a port,
                          then as a pid; a pid with a closed inspector gets SIGUSR1 to open it)
  --allow-remote          allow a non-loopback inspector address (an inspector is full control)
  --no-open-inspector     never send SIGUSR1 to open a closed inspector`;

/** How the agent records sites: the commands that read them (not detach). */
export const agentOptions = {
  'stack-depth': { type: 'string' },
  'node-modules-sites': { type: 'boolean', default: false },
} satisfies ParseArgsConfig['options'];

export const agentHelp = `  --stack-depth <n>       frames kept per example stack (default 12)
  --node-modules-sites    let frames under node_modules be sites (default: the first frame of your code)`;

export const attachOptions = { ...targetOptions, ...agentOptions } satisfies ParseArgsConfig['options'];

export const attachHelp = `${targetHelp}\n${agentHelp}`;

export interface AttachValues {
  target?: string;
  'allow-remote'?: boolean;
  'stack-depth'?: string;
  'node-modules-sites'?: boolean;
  'no-open-inspector'?: boolean;
}

export async function attachFromOptions(values: AttachValues, command: string, io: Output): Promise<Session> {
  if (!values.target) throw new UsageError('--target is required (a port, host:port, ws:// URL or pid:<n>).', command);
  return attachTo(values.target, values, io);
}

/** The inspector WebSocket URL of `target`, with the attach options' rules. */
export async function inspectorUrlOf(target: string, values: AttachValues): Promise<string> {
  return resolveInspectorUrl(parseTargetAddress(target), {
    allowRemote: values['allow-remote'],
    openInspector: !values['no-open-inspector'],
  });
}

/**
 * Attaches and installs the agent. Ctrl-C meanwhile does not leave a half-done attach behind: the
 * attach under way (bounded by its timeouts) finishes, the agent it installed is removed again,
 * and Interrupted says so; a second Ctrl-C quits at once and says what may have stayed.
 */
export async function attachTo(target: string, values: AttachValues, io: Output): Promise<Session> {
  const stackDepth = values['stack-depth'] === undefined ? undefined : Number(values['stack-depth']);
  if (stackDepth !== undefined && !(Number.isInteger(stackDepth) && stackDepth >= 1 && stackDepth <= 100)) {
    throw new UsageError('--stack-depth must be a whole number from 1 to 100.');
  }
  const detachHint = `async-leak-lens detach --target ${target}`;
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      io.err('Interrupted while attaching: finishing the step under way to leave the target as it was (Ctrl-C again to quit now).');
      return;
    }
    io.err(`Quit while attaching: the agent may be left in the target; check and remove it with: ${detachHint}`);
    process.exit(EXIT_INTERRUPTED);
  };
  process.on('SIGINT', onSigint);
  try {
    let session: Session;
    try {
      const url = await inspectorUrlOf(target, values);
      if (interrupts) throw new Interrupted('Interrupted before attaching: nothing was changed in the target.');
      session = await Session.attach(url, {
        allowRemote: values['allow-remote'],
        agent: { ...(stackDepth ? { stackDepth } : {}), nodeModulesAsSites: values['node-modules-sites'] ?? false },
      });
    } catch (error) {
      if (interrupts && !(error instanceof Interrupted))
        throw new Interrupted(
          `Interrupted while attaching; the attach did not complete (${describeError(error)}), so no agent was installed.`,
        );
      throw error;
    }
    if (interrupts) {
      if (session.ownsAgent) {
        await session.detach();
        throw new Interrupted(
          `Interrupted while attaching: the agent was removed again from pid ${session.info.pid}; the target is as it was.`,
        );
      }
      await session.disconnect();
      throw new Interrupted(
        `Interrupted while attaching: the agent that was already in pid ${session.info.pid} stays there for its owner; nothing else changed.`,
      );
    }
    setLeftover(session.ownsAgent ? `the agent stays in pid ${session.info.pid}; remove it with: ${detachHint}` : undefined);
    return session;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/**
 * Ends a command's session. The agent is removed, unless it was already there when the command
 * attached (the editor or another CLI put it there): then it stays for them. Says which.
 */
export async function letGo(session: Session, io: Output, target: string): Promise<void> {
  setLeftover(undefined);
  if (!session.ownsAgent) {
    await session.disconnect();
    io.err(
      `Disconnected: the agent was in pid ${session.info.pid} before this command and stays there for whoever put it (remove it with: async-leak-lens detach --target ${target}).`,
    );
  } else {
    await session.detach();
    io.err('Detached: the agent was removed from the target.');
  }
  const note = inspectorLeftOpenNote(session);
  if (note) io.err(note);
}

/**
 * Node cannot close by a signal the inspector SIGUSR1 opened: it listens (on loopback) until the
 * process ends. Says so, and how to close it, when this command opened it.
 */
export function inspectorLeftOpenNote(session: Session): string | undefined {
  if (!wasOpenedBySignal(session.connection.url)) return undefined;
  const { host } = new URL(session.connection.url);
  return `The inspector that SIGUSR1 opened in pid ${session.info.pid} stays listening on ${host} until the process ends (a signal cannot close it). Close it with: async-leak-lens detach --target ${host} --close-inspector (or require('inspector').close() inside the program).`;
}
