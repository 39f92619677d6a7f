// Costs that grow with what is alive: snapshot time with 100k and 1M pending promises, the
// agent's memory per tracked live resource, and the cost of a poll as live resources grow.
// Every figure comes from a target process (bench/targets/pending-target.mjs) driven over the
// real inspector by core's Session.
import { AGENT_BINDING } from '../../src/agent/protocol';
import { Session } from '../../src/core/inspector/session';
import { spread, timed, type Spread } from './stats';
import { TargetProcess, targetScript } from './target-process';

const PENDING_TARGET = 'pending-target.mjs';

export interface SnapshotFigures {
  /** The agent's snapshot over the inspector (Runtime.evaluate of snapshot() and the JSON), no GC. */
  live100kFirstMs: Spread;
  live100kNextMs: Spread;
  live1mMs: Spread;
  /** Same, 100k promises every one with a stack (budget raised): the most records to report. */
  live100kAllSampledMs: Spread;
  /** Session.snapshot() as the CLI runs it: a full GC through the inspector, 50 ms, then the read. */
  live100kWithGcMs: Spread;
  live1mWithGcMs: Spread;
  /** What the 1M snapshot reported, to show nothing was dropped silently. */
  live1mCheck: { totalPromises: number; dropped: number; sites: number; sampled: number };
}

export interface MemoryFigures {
  resources: number;
  /** (heap after GC with the agent − heap after GC untracked) / resources, default settings. */
  promiseBytes: number;
  /** Same with every promise sampled (stack budget raised): the worst case. */
  promiseBytesAllSampled: number;
  /** Same for live intervals (non-promise resources), default settings. */
  timerBytes: number;
  /** Absolute heap after GC / resources with the agent (includes the promises themselves). */
  absolutePromiseBytes: number;
}

export interface PollFigures {
  /** Live promises (+ a tenth as many intervals) -> median cost of one poll inside the target, µs. */
  rows: { promises: number; timers: number; agentPollUs: number; roundTripMs: number }[];
}

interface Started {
  target: TargetProcess;
  session?: Session;
}

async function start(node: string, agent?: Record<string, number>): Promise<Started> {
  const { target, inspectorUrl } = await TargetProcess.start(targetScript(PENDING_TARGET), { node, nodeFlags: ['--expose-gc'] });
  if (!agent) return { target };
  try {
    const session = await Session.attach(inspectorUrl, { agent, workers: false });
    return { target, session };
  } catch (error) {
    await target.stop();
    throw error;
  }
}

async function stop({ target, session }: Started): Promise<void> {
  await session?.detach().catch(() => undefined);
  await target.stop();
}

export async function runSnapshots(node: string, rounds: number, log: (line: string) => void): Promise<SnapshotFigures> {
  const first: number[] = [];
  const next: number[] = [];
  const million: number[] = [];
  const allSampled: number[] = [];
  const withGc100k: number[] = [];
  const withGc1m: number[] = [];
  let check: SnapshotFigures['live1mCheck'] = { totalPromises: 0, dropped: 0, sites: 0, sampled: 0 };
  const light = { collectGarbage: false };
  for (let r = 0; r < rounds; r++) {
    const started = await start(node, {});
    const session = started.session!;
    try {
      await started.target.call('promises 100000', 'DONE');
      const a = await timed(() => session.snapshot(light));
      const b = await timed(() => session.snapshot(light));
      const c = await timed(() => session.snapshot());
      first.push(a.ms);
      next.push(b.ms);
      withGc100k.push(c.ms);
      if ((a.value.totals.PROMISE ?? 0) < 100_000) throw new Error(`100k snapshot counted ${a.value.totals.PROMISE} promises`);
      await started.target.call('promises 900000', 'DONE');
      const d = await timed(() => session.snapshot(light));
      const e = await timed(() => session.snapshot());
      million.push(d.ms);
      withGc1m.push(e.ms);
      const s = e.value;
      check = {
        totalPromises: s.totals.PROMISE ?? 0,
        dropped: Object.values(s.stats.dropped).reduce((x, y) => x + y, 0) + s.stats.droppedStacks,
        sites: s.sites.length,
        sampled: s.sites.reduce((sum, site) => sum + site.sampled, 0),
      };
      log(
        `  snapshot round ${r + 1}/${rounds}: 100k first ${a.ms.toFixed(0)} ms, next ${b.ms.toFixed(0)} ms, with GC ${c.ms.toFixed(0)} ms; 1M ${d.ms.toFixed(0)} ms, with GC ${e.ms.toFixed(0)} ms`,
      );
    } finally {
      await stop(started);
    }
    const every = await start(node, { stackCapturesPerSecond: 1e9, maxTrackedResources: 1e7 });
    try {
      await every.target.call('promises 100000', 'DONE');
      const f = await timed(() => every.session!.snapshot(light));
      allSampled.push(f.ms);
      log(
        `  snapshot round ${r + 1}/${rounds}: 100k with a stack each ${f.ms.toFixed(0)} ms (${f.value.sites.reduce((sum, site) => sum + site.sampled, 0)} records)`,
      );
    } finally {
      await stop(every);
    }
  }
  return {
    live100kFirstMs: spread(first),
    live100kNextMs: spread(next),
    live1mMs: spread(million),
    live100kAllSampledMs: spread(allSampled),
    live100kWithGcMs: spread(withGc100k),
    live1mWithGcMs: spread(withGc1m),
    live1mCheck: check,
  };
}

async function heapWith(node: string, agent: Record<string, number> | undefined, command: string): Promise<number> {
  const started = await start(node, agent);
  try {
    await started.target.call(command, 'DONE');
    // A snapshot first, as a user would: it also lets the agent drop what it no longer needs.
    if (started.session) await started.session.snapshot();
    return (await started.target.call('heap', 'HEAP')).heapUsed;
  } finally {
    await stop(started);
  }
}

export async function runMemory(node: string, log: (line: string) => void): Promise<MemoryFigures> {
  const n = 100_000;
  const untrackedPromises = await heapWith(node, undefined, `promises ${n}`);
  const trackedPromises = await heapWith(node, {}, `promises ${n}`);
  const allSampled = await heapWith(node, { stackCapturesPerSecond: 1e9, maxTrackedResources: 1e7 }, `promises ${n}`);
  const untrackedTimers = await heapWith(node, undefined, `timers ${n}`);
  const trackedTimers = await heapWith(node, {}, `timers ${n}`);
  const figures: MemoryFigures = {
    resources: n,
    promiseBytes: (trackedPromises - untrackedPromises) / n,
    promiseBytesAllSampled: (allSampled - untrackedPromises) / n,
    timerBytes: (trackedTimers - untrackedTimers) / n,
    absolutePromiseBytes: trackedPromises / n,
  };
  log(
    `  memory: promises ${figures.promiseBytes.toFixed(0)} B (all sampled ${figures.promiseBytesAllSampled.toFixed(0)} B), intervals ${figures.timerBytes.toFixed(0)} B per resource`,
  );
  return figures;
}

/** Median time of one poll() inside the target, in µs, measured there over `calls` calls. */
async function agentPollMicros(session: Session, calls: number): Promise<number> {
  const expression = `(() => {
    const agent = ${AGENT_BINDING}.current();
    const times = [];
    for (let i = 0; i < ${calls}; i++) { const t = performance.now(); agent.poll(); times.push(performance.now() - t); }
    times.sort((a, b) => a - b);
    return times[times.length >> 1] * 1000;
  })()`;
  const answer = await session.connection.main.send<{ result: { value: number } }>('Runtime.evaluate', { expression, returnByValue: true });
  return answer.result.value;
}

export async function runPollCost(node: string, log: (line: string) => void): Promise<PollFigures> {
  const started = await start(node, {});
  const session = started.session!;
  const rows: PollFigures['rows'] = [];
  try {
    let promises = 0;
    let timers = 0;
    for (const total of [0, 10_000, 100_000, 1_000_000]) {
      if (total > promises) {
        await started.target.call(`promises ${total - promises}`, 'DONE');
        await started.target.call(`timers ${total / 10 - timers}`, 'DONE');
        promises = total;
        timers = total / 10;
      }
      const agentPollUs = await agentPollMicros(session, 200);
      const trips: number[] = [];
      for (let i = 0; i < 20; i++) trips.push((await timed(() => session.poll())).ms);
      const roundTripMs = spread(trips).median;
      rows.push({ promises, timers, agentPollUs, roundTripMs });
      log(
        `  poll with ${promises} promises + ${timers} intervals: ${agentPollUs.toFixed(1)} µs in the target, ${roundTripMs.toFixed(2)} ms round trip`,
      );
    }
  } finally {
    await stop(started);
  }
  return { rows };
}
