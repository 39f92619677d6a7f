// Production figures besides the workload ratios (those are the `production` mode in overhead.ts):
// what a metrics scrape costs with many sites alive, and what the preloaded agent keeps in memory
// with a million pending promises (its heap after GC minus an untracked run's).
import { join } from 'node:path';
import { round } from './stats';
import { repoRoot, TargetProcess, targetScript } from './target-process';

export interface ProductionFigures {
  /** Sites alive when scraping. */
  sites: number;
  scrapeMedianMs: number;
  scrapeMaxMs: number;
  scrapeBytes: number;
  pending: number;
  agentMemoryMB: number;
}

const register = () => join(repoRoot(), 'dist', 'register.js');
const metricsModule = () => join(repoRoot(), 'dist', 'metrics.js');

async function start(node: string, tracked: boolean, env: Record<string, string> = {}): Promise<TargetProcess> {
  const { target } = await TargetProcess.start(targetScript('production-target.mjs'), {
    node,
    inspect: false,
    nodeFlags: ['--expose-gc', ...(tracked ? ['-r', register()] : [])],
    env: { BENCH_METRICS_MODULE: metricsModule(), ...env },
  });
  return target;
}

export async function runProduction(node: string, log: (line: string) => void): Promise<ProductionFigures> {
  const sites = 20_000;
  // Every site sampled (a raised budget and caps): the scrape must stay cheap however many there are.
  const many = await start(node, true, {
    ASYNC_LEAK_LENS_STACK_CAPTURES_PER_SECOND: '100000',
    ASYNC_LEAK_LENS_CPU_SHARE: '0.5',
    ASYNC_LEAK_LENS_MAX_SITES: '40000',
    ASYNC_LEAK_LENS_MAX_TRACKED: '100000',
  });
  let scrape: { medianMs: number; maxMs: number; bytes: number };
  try {
    await many.call(`sites ${sites}`, 'DONE');
    // Warm up past the garbage of making 20k sites (a GC in the middle of a scrape is not its cost).
    await many.call('heap', 'HEAP');
    await many.call('scrape 20', 'SCRAPE');
    scrape = await many.call('scrape 200', 'SCRAPE');
  } finally {
    await many.stop();
  }
  log(
    `  scrape with ${sites} sites alive: median ${scrape.medianMs.toFixed(2)} ms, max ${scrape.maxMs.toFixed(2)} ms, ${scrape.bytes} bytes of text`,
  );

  const pending = 1_000_000;
  const heapWith = async (tracked: boolean): Promise<number> => {
    const target = await start(node, tracked);
    try {
      await target.call(`promises ${pending}`, 'DONE');
      return (await target.call('heap', 'HEAP')).heapUsed;
    } finally {
      await target.stop();
    }
  };
  const untracked = await heapWith(false);
  const tracked = await heapWith(true);
  const agentMemoryMB = (tracked - untracked) / 2 ** 20;
  log(`  agent memory with ${pending} pending promises (production profile): ${agentMemoryMB.toFixed(2)} MB`);
  return {
    sites,
    scrapeMedianMs: round(scrape.medianMs, 2),
    scrapeMaxMs: round(scrape.maxMs, 2),
    scrapeBytes: scrape.bytes,
    pending,
    agentMemoryMB: round(agentMemoryMB, 2),
  };
}
