import { parseArgs } from 'node:util';
import { EXIT_OK, EXIT_USAGE } from '../cli-error';
import type { Session } from '../../core/session';
import { attachFromOptions, attachHelp, attachOptions, type AttachValues } from '../connect';
import { runLiveView } from '../live-view';
import type { Output } from '../output';
import { positiveInt } from './diff';

export const watchHelp = `Usage: async-leak-lens watch --target <addr> [--interval MS] [--duration S]

Attaches and shows live counts of pending async resources by type, refreshed every second, and
the sites that grew since the start. Ctrl-C detaches cleanly (the agent leaves the target).

${attachHelp}
  --interval <ms>         poll interval (default 1000)
  --sites-every <ms>      how often sites are re-read (default 5000)
  --duration <s>          stop after s seconds (default: until Ctrl-C)
  --top <n>               growing sites shown (default 10)
  --reconnect             when the target goes away (a restart, nodemon style), wait for it at the
                          same address and attach again
  --reconnect-timeout <s> how long to wait for it to come back (default 60)`;

export const liveOptions = {
  interval: { type: 'string' },
  'sites-every': { type: 'string' },
  duration: { type: 'string' },
  top: { type: 'string' },
} as const;

export function liveViewOptions(values: { interval?: string; 'sites-every'?: string; duration?: string; top?: string }) {
  return {
    intervalMs: positiveInt(values.interval, '--interval') ?? 1000,
    sitesEveryMs: positiveInt(values['sites-every'], '--sites-every') ?? 5000,
    durationMs: (positiveInt(values.duration, '--duration') ?? 0) * 1000,
    top: positiveInt(values.top, '--top') ?? 10,
  };
}

export async function watchCommand(args: string[], io: Output): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { ...attachOptions, ...liveOptions, reconnect: { type: 'boolean', default: false }, 'reconnect-timeout': { type: 'string' } },
    strict: true,
  });
  const options = liveViewOptions(values);
  const reconnectMs = (positiveInt(values['reconnect-timeout'], '--reconnect-timeout') ?? 60) * 1000;
  let session = await attachFromOptions(values, 'watch');
  for (;;) {
    const result = await runLiveView(session, io, options);
    if (!result.targetEnded) break;
    io.err(result.reason);
    if (!values.reconnect) return EXIT_USAGE;
    io.err(`Waiting up to ${reconnectMs / 1000} s for a target at ${values.target} ...`);
    const next = await reattach(values, reconnectMs);
    if (!next) {
      io.err('No target came back: giving up.');
      return EXIT_USAGE;
    }
    session = next;
    io.err(`Reconnected to pid ${session.info.pid}.`);
  }
  await session.detach();
  io.err('Detached: the agent was removed from the target.');
  return EXIT_OK;
}

async function reattach(values: AttachValues, timeoutMs: number): Promise<Session | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      return await attachFromOptions({ ...values, 'no-open-inspector': true }, 'watch');
    } catch {
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  return undefined;
}
