// The census at the start of snapshot, watch and probe: find what was already pending before the
// agent came (once per process: a later attach finds it taken), after saying what it costs.
import { estimateCensus } from '../core/census';
import type { Session } from '../core/session';
import { UsageError } from './cli-error';
import type { Output } from './output';

/** Above this heap size the census (a heap snapshot, which pauses the target) needs --census-large-heap. */
export const CENSUS_HEAP_LIMIT_BYTES = 128 * 1024 * 1024;

export const censusOptions = {
  'no-census': { type: 'boolean', default: false },
  'census-large-heap': { type: 'boolean', default: false },
} as const;

export const censusHelp = `  --no-census             skip the census of what was already pending before the agent came
                          (it runs on a process's first attach: one heap snapshot, which pauses
                          the target about 1 s per 8 MB of heap and needs up to 10x its heap
                          in memory meanwhile; both are printed first)
  --census-large-heap     run the census even on a heap over ${CENSUS_HEAP_LIMIT_BYTES / 1024 / 1024} MB (a longer pause)`;

export interface CensusValues {
  'no-census'?: boolean;
  'census-large-heap'?: boolean;
}

/** Runs the census when the process has had none; says what it costs and what it found. */
export async function censusStep(session: Session, values: CensusValues, io: Output): Promise<void> {
  if (values['no-census'] || !session.needsCensus) return;
  try {
    await runCensus(session, values, io);
  } catch (error) {
    // The agent stays (like after any command); the connection must not keep the CLI alive.
    await session.disconnect();
    throw error;
  }
}

async function runCensus(session: Session, values: CensusValues, io: Output): Promise<void> {
  const cost = await estimateCensus(session.connection.main);
  const heap = megabytes(cost.heapBytes);
  if (cost.heapBytes > CENSUS_HEAP_LIMIT_BYTES && !values['census-large-heap']) {
    throw new UsageError(
      `the census of what is already pending would pause pid ${session.info.pid} for about ${seconds(cost.pauseMs)} (a heap snapshot of ${heap}). Add --census-large-heap to run it anyway, or --no-census to skip it.`,
    );
  }
  io.err(
    `Census: looking for what is already pending (${heap} heap; pid ${session.info.pid} pauses about ${seconds(cost.pauseMs)} and needs up to ${megabytes(cost.targetBytes)} more memory while V8 writes a heap snapshot)...`,
  );
  const summary = await session.census();
  io.err(
    `Census: ${summary.tasks} suspended async function${summary.tasks === 1 ? '' : 's'} and ${summary.timers} active timer${summary.timers === 1 ? '' : 's'} in your code (${summary.elsewhere} more in Node or dependencies), in ${seconds(summary.durationMs)}.`,
  );
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
