import { parseArgs } from 'node:util';
import { EXIT_OK, EXIT_USAGE } from '../cli-error';
import { attachFromOptions, attachHelp, attachOptions } from '../connect';
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
  --top <n>               growing sites shown (default 10)`;

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
  const { values } = parseArgs({ args, options: { ...attachOptions, ...liveOptions }, strict: true });
  const options = liveViewOptions(values);
  const session = await attachFromOptions(values, 'watch');
  const result = await runLiveView(session, io, options);
  if (result.targetEnded) {
    io.err(result.reason);
    return EXIT_USAGE;
  }
  await session.detach();
  io.err('Detached: the agent was removed from the target.');
  return EXIT_OK;
}
