// What tracking costs a running program: each workload runs in a fresh target process per mode,
// modes alternate within every round (their order rotates), and each round's ratios are taken
// against that round's own untracked run, so slow drifts of a shared machine cancel out.
//
// Modes: untracked (inspector open, nobody attached); attached (the real inspector path: core's
// Session injects the agent, polls counts every second and reads sites every 5 s, as the
// extension does); detached (attached, then detached before the workload); peer
// (why-is-node-running's async hook, imported at start); production (async-leak-lens/register
// preloaded with its defaults and a metrics endpoint, so the growth timer runs too).
//
// Two ratios per run: wall time (throughput, what "slower" means on an idle machine) and CPU
// time of the target process (robust to other processes competing for the cores).
import { Session } from '../../src/core/inspector/session';
import { round, spread, type Spread } from './stats';
import { join } from 'node:path';
import { repoRoot, runToResult, TargetProcess, targetScript } from './target-process';

export type WorkloadName = 'http' | 'timers_fs' | 'await';
export type ModeName = 'untracked' | 'attached' | 'detached' | 'peer' | 'production';
export const WORKLOADS: WorkloadName[] = ['http', 'timers_fs', 'await'];
export const MODES: ModeName[] = ['untracked', 'attached', 'detached', 'peer', 'production'];

export interface WorkloadSize {
  /** Awaits, timers+immediates, or HTTP requests. */
  size: number;
  warmup: number;
}

export const FULL_SIZES: Record<WorkloadName, WorkloadSize> = {
  await: { size: 2_000_000, warmup: 200_000 },
  timers_fs: { size: 200_000, warmup: 20_000 },
  http: { size: 20_000, warmup: 2_000 },
};

export const QUICK_SIZES: Record<WorkloadName, WorkloadSize> = {
  await: { size: 500_000, warmup: 100_000 },
  timers_fs: { size: 50_000, warmup: 10_000 },
  http: { size: 5_000, warmup: 1_000 },
};

const HTTP_CONCURRENCY = 50;
const POLL_INTERVAL_MS = 1000;
const SITES_INTERVAL_MS = 5000;

export interface Measurement {
  wallMs: number;
  cpuMs: number;
}

export interface WorkloadResult {
  workload: WorkloadName;
  /** Per mode, one measurement per round. */
  runs: Record<ModeName, Measurement[]>;
  /** Per mode other than untracked: ratios to the same round's untracked run. */
  wallRatio: Partial<Record<ModeName, Spread>>;
  cpuRatio: Partial<Record<ModeName, Spread>>;
}

export interface OverheadOptions {
  node: string;
  rounds: number;
  sizes: Record<WorkloadName, WorkloadSize>;
  workloads: WorkloadName[];
  log: (line: string) => void;
}

export async function runOverhead(options: OverheadOptions): Promise<WorkloadResult[]> {
  const results: WorkloadResult[] = [];
  for (const workload of options.workloads) {
    const runs = Object.fromEntries(MODES.map((m) => [m, [] as Measurement[]])) as Record<ModeName, Measurement[]>;
    for (let r = 0; r < options.rounds; r++) {
      const order = MODES.map((_, i) => MODES[(i + r) % MODES.length]);
      for (const mode of order) {
        const m = await measureOnce(workload, mode, options);
        runs[mode].push(m);
        options.log(
          `  ${workload} round ${r + 1}/${options.rounds} ${mode.padEnd(9)} wall ${m.wallMs.toFixed(0)} ms, cpu ${m.cpuMs.toFixed(0)} ms`,
        );
      }
    }
    const ratios = (key: keyof Measurement) =>
      Object.fromEntries(
        MODES.filter((m) => m !== 'untracked').map((mode) => [mode, spread(runs[mode].map((m, i) => m[key] / runs.untracked[i][key]))]),
      );
    results.push({ workload, runs, wallRatio: ratios('wallMs'), cpuRatio: ratios('cpuMs') });
  }
  return results;
}

async function measureOnce(workload: WorkloadName, mode: ModeName, options: OverheadOptions): Promise<Measurement> {
  const { size, warmup } = options.sizes[workload];
  const args = [workload, ...(mode === 'peer' ? ['--peer'] : [])];
  const production =
    mode === 'production'
      ? { nodeFlags: ['-r', join(repoRoot(), 'dist', 'register.js')], env: { ASYNC_LEAK_LENS_METRICS: '127.0.0.1:0' } }
      : {};
  const { target, ready, inspectorUrl } = await TargetProcess.start(targetScript('workload-target.mjs'), {
    node: options.node,
    args,
    ...production,
  });
  let session: Session | undefined;
  let sitesTimer: NodeJS.Timeout | undefined;
  try {
    if (mode === 'attached' || mode === 'detached') {
      session = await Session.attach(inspectorUrl);
      session.on('error', () => undefined);
      if (mode === 'detached') {
        await session.detach();
        session = undefined;
      } else {
        const attached = session;
        attached.startPolling(POLL_INTERVAL_MS);
        let reading = false;
        sitesTimer = setInterval(() => {
          if (reading) return;
          reading = true;
          attached
            .snapshot({ collectGarbage: false })
            .catch(() => undefined)
            .finally(() => (reading = false));
        }, SITES_INTERVAL_MS);
      }
    }
    if (workload === 'http') {
      await runToResult(options.node, targetScript('http-load.mjs'), [String(ready.port), String(warmup), String(HTTP_CONCURRENCY)]);
      const before = await target.call('cpu', 'CPU');
      const load = await runToResult(options.node, targetScript('http-load.mjs'), [
        String(ready.port),
        String(size),
        String(HTTP_CONCURRENCY),
      ]);
      const after = await target.call('cpu', 'CPU');
      if (load.failed > 0) throw new Error(`http ${mode}: ${load.failed} of ${size} requests failed`);
      return { wallMs: load.wallMs, cpuMs: after.cpuMs - before.cpuMs };
    }
    await target.call(`run ${warmup}`, 'RESULT');
    return await target.call(`run ${size}`, 'RESULT');
  } finally {
    clearInterval(sitesTimer);
    if (session) await session.detach().catch(() => undefined);
    await target.stop();
  }
}

export function describeRatio(s: Spread | undefined): string {
  if (!s || s.n === 0) return 'n/a';
  return s.n > 1 ? `${s.median.toFixed(2)}x (${s.min.toFixed(2)}–${s.max.toFixed(2)})` : `${s.median.toFixed(2)}x`;
}

export function medianRatio(s: Spread | undefined): number | null {
  return s && s.n > 0 ? round(s.median, 3) : null;
}
