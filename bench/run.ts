// `npm run bench`: what tracking costs, measured against untracked runs of the same workloads in
// the same run. Progress goes to stderr; stdout gets a Markdown report, or with --json one JSON
// object (one line) for scripts. Not part of `npm test`.
//
//   npm run bench [-- --json] [--quick] [--rounds N] [--node PATH] [--only overhead,snapshot,memory,poll,extension,production]
import { cpus, loadavg, totalmem } from 'node:os';
import {
  describeRatio,
  FULL_SIZES,
  medianRatio,
  QUICK_SIZES,
  runOverhead,
  WORKLOADS,
  type WorkloadName,
  type WorkloadResult,
} from './lib/overhead';
import { runMemory, runPollCost, runSnapshots, type MemoryFigures, type PollFigures, type SnapshotFigures } from './lib/live-resources';
import { round, type Spread } from './lib/stats';
import { runTreeBench } from './lib/tree-figures';
import { runMarksBench } from './lib/marks-figures';
import { execFileSync } from 'node:child_process';
import { runProduction, type ProductionFigures } from './lib/production';

const SECTIONS = ['overhead', 'snapshot', 'memory', 'poll', 'extension', 'production'] as const;
type Section = (typeof SECTIONS)[number];

/** The ratio the targets and the JSON use; the other one is shown beside it. */
const PRIMARY: 'cpu' | 'wall' = 'cpu';

interface Options {
  json: boolean;
  quick: boolean;
  rounds: number;
  node: string;
  sections: Set<Section>;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { json: false, quick: false, rounds: 0, node: process.execPath, sections: new Set(SECTIONS) };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) usage(`${arg} needs a value`);
      return v;
    };
    if (arg === '--json') options.json = true;
    else if (arg === '--quick') options.quick = true;
    else if (arg === '--rounds') options.rounds = Number(value());
    else if (arg === '--node') options.node = value();
    else if (arg === '--only') {
      const wanted = value().split(',');
      for (const s of wanted) if (!SECTIONS.includes(s as Section)) usage(`unknown section "${s}" (${SECTIONS.join(', ')})`);
      options.sections = new Set(wanted as Section[]);
    } else usage(`unknown argument "${arg}"`);
  }
  if (!options.rounds) options.rounds = options.quick ? 1 : 5;
  if (!(options.rounds >= 1)) usage('--rounds must be 1 or more');
  return options;
}

function usage(message: string): never {
  process.stderr.write(
    `${message}\nusage: npm run bench -- [--json] [--quick] [--rounds N] [--node PATH] [--only ${SECTIONS.join(',')}]\n`,
  );
  process.exit(2);
}

const log = (line: string) => process.stderr.write(`${line}\n`);

interface Report {
  machine: string;
  node: string;
  date: string;
  loadBefore: number[];
  loadAfter?: number[];
  rounds: number;
  quick: boolean;
  overhead?: WorkloadResult[];
  snapshot?: SnapshotFigures;
  memory?: MemoryFigures;
  poll?: PollFigures;
  tree?: ReturnType<typeof runTreeBench>;
  marks?: ReturnType<typeof runMarksBench>;
  production?: ProductionFigures;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const nodeVersion = execFileSync(options.node, ['--version']).toString().trim();
  const report: Report = {
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, ${process.platform}`,
    node: nodeVersion,
    date: new Date().toISOString(),
    loadBefore: loadavg().map((l) => round(l, 1)),
    rounds: options.rounds,
    quick: options.quick,
  };
  log(
    `bench: Node ${nodeVersion}, ${report.machine}, load ${report.loadBefore.join(' ')}, ${options.rounds} round(s)${options.quick ? ', quick' : ''}`,
  );
  if (options.sections.has('overhead')) {
    log("overhead (each mode in a fresh target; ratios against the same round's untracked run):");
    report.overhead = await runOverhead({
      node: options.node,
      rounds: options.rounds,
      sizes: options.quick ? QUICK_SIZES : FULL_SIZES,
      workloads: WORKLOADS,
      log,
    });
  }
  if (options.sections.has('snapshot')) {
    log('snapshots of pending promises:');
    report.snapshot = await runSnapshots(options.node, options.quick ? 1 : 3, log);
  }
  if (options.sections.has('memory')) {
    log('memory per tracked live resource:');
    report.memory = await runMemory(options.node, log);
  }
  if (options.sections.has('poll')) {
    log('poll cost as live resources grow:');
    report.poll = await runPollCost(options.node, log);
  }
  if (options.sections.has('extension')) {
    log('extension side (pure models, in this process):');
    report.tree = runTreeBench(10_000, options.quick ? 5 : 20);
    report.marks = runMarksBench(10_000, options.quick ? 5 : 20);
    log(
      `  tree of ${report.tree.sites} sites opens in ${report.tree.openMs.median.toFixed(1)} ms; marks of a file with ${report.marks.sitesInFile} sites update in ${report.marks.updateMs.median.toFixed(1)} ms`,
    );
  }
  if (options.sections.has('production')) {
    log('production profile (async-leak-lens/register):');
    report.production = await runProduction(options.node, log);
  }
  report.loadAfter = loadavg().map((l) => round(l, 1));
  process.stdout.write(options.json ? `${JSON.stringify(toJson(report))}\n` : markdown(report));
}

function ratioOf(result: WorkloadResult | undefined, mode: 'attached' | 'detached' | 'peer' | 'production'): number | null {
  return medianRatio(result?.[PRIMARY === 'cpu' ? 'cpuRatio' : 'wallRatio'][mode]);
}

/** The machine-readable summary, names as the performance issue gives them (plus `details`). */
function toJson(report: Report) {
  const workloads: Record<string, { attached: number | null; detached: number | null; peer: number | null }> = {};
  for (const result of report.overhead ?? []) {
    workloads[result.workload] = {
      attached: ratioOf(result, 'attached'),
      detached: ratioOf(result, 'detached'),
      peer: ratioOf(result, 'peer'),
    };
  }
  const ms = (s: Spread | undefined) => (s && s.n > 0 ? round(s.median, 1) : null);
  const production = (name: WorkloadName) =>
    ratioOf(
      report.overhead?.find((r) => r.workload === name),
      'production',
    );
  return {
    workloads,
    production: {
      http: production('http'),
      timers_fs: production('timers_fs'),
      await: production('await'),
      scrape_ms_20k_sites: report.production?.scrapeMedianMs ?? null,
      agent_memory_mb_1m_pending: report.production?.agentMemoryMB ?? null,
    },
    snapshot: {
      live100k_first_ms: ms(report.snapshot?.live100kFirstMs),
      live100k_next_ms: ms(report.snapshot?.live100kNextMs),
      live1m_ms: ms(report.snapshot?.live1mMs),
    },
    memory: { bytes_per_resource: report.memory ? round(report.memory.promiseBytes, 1) : null },
  };
}

const TARGETS: Record<WorkloadName, { attached: number; production: number; label: string }> = {
  http: { attached: 1.25, production: 1.03, label: 'HTTP server, keep-alive, 50 in flight' },
  timers_fs: { attached: 1.4, production: 1.1, label: 'timers + fs' },
  await: { attached: 2.5, production: 1.25, label: '2M awaits' },
};

function markdown(report: Report): string {
  const out: string[] = [];
  out.push(
    `Measured ${report.date.slice(0, 10)} on ${report.machine}, Node ${report.node}, load average ${report.loadBefore.join(' ')} before and ${report.loadAfter?.join(' ')} after; ${report.rounds} round(s)${report.quick ? ' (--quick)' : ''}.`,
    '',
  );
  if (report.overhead) {
    const other = PRIMARY === 'cpu' ? 'wall' : 'cpu';
    out.push(
      `Slowdown against an untracked run of the same workload in the same round: median (min–max) of the target's ${PRIMARY === 'cpu' ? 'CPU time' : 'wall time'} ratio; the ${other}-time median in brackets.`,
      '',
    );
    out.push(
      '| workload | attached (target) | detached (target 1.00) | why-is-node-running | production preload (target) |',
      '|---|---|---|---|---|',
    );
    for (const result of report.overhead) {
      const cell = (mode: 'attached' | 'detached' | 'peer' | 'production') => {
        const primary = result[PRIMARY === 'cpu' ? 'cpuRatio' : 'wallRatio'][mode];
        const secondary = result[PRIMARY === 'cpu' ? 'wallRatio' : 'cpuRatio'][mode];
        return `${describeRatio(primary)} [${other} ${secondary && secondary.n ? secondary.median.toFixed(2) : 'n/a'}]`;
      };
      const target = TARGETS[result.workload];
      out.push(
        `| ${target.label} | ${cell('attached')} (≤ ${target.attached}) | ${cell('detached')} | ${cell('peer')} | ${cell('production')} (≤ ${target.production}) |`,
      );
    }
    out.push('');
  }
  if (report.snapshot) {
    const s = report.snapshot;
    const f = (x: Spread) => `${x.median.toFixed(0)} ms${x.n > 1 ? ` (${x.min.toFixed(0)}–${x.max.toFixed(0)})` : ''}`;
    out.push(
      '| snapshot of pending promises | agent snapshot over the inspector | target | with the full GC first (as the CLI) |',
      '|---|---|---|---|',
    );
    out.push(`| 100,000, first | ${f(s.live100kFirstMs)} | ≤ 100 ms | ${f(s.live100kWithGcMs)} |`);
    out.push(`| 100,000, next | ${f(s.live100kNextMs)} | ≤ 20 ms | |`);
    out.push(`| 1,000,000 | ${f(s.live1mMs)} | ≤ 1 s | ${f(s.live1mWithGcMs)} |`);
    out.push(`| 100,000, every one with a stack (budget raised) | ${f(s.live100kAllSampledMs)} | | |`);
    const c = s.live1mCheck;
    out.push(
      '',
      `The 1M snapshot counted ${c.totalPromises.toLocaleString('en-US')} pending promises in ${c.sites} sites from ${c.sampled.toLocaleString('en-US')} stack samples (weighted estimates per site), ${c.dropped} samples dropped at caps.`,
      '',
    );
  }
  if (report.memory) {
    const m = report.memory;
    out.push('| agent memory per tracked live resource (heap after GC, tracked − untracked) | bytes | target |', '|---|---|---|');
    out.push(`| 100,000 pending promises, default settings | ${m.promiseBytes.toFixed(0)} | ≤ 150 |`);
    out.push(`| 100,000 pending promises, every one with a stack (budget raised) | ${m.promiseBytesAllSampled.toFixed(0)} | ≤ 150 |`);
    out.push(`| 100,000 live intervals, default settings | ${m.timerBytes.toFixed(0)} | ≤ 150 |`);
    out.push(
      '',
      `Whole heap after GC / resources with 100,000 tracked pending promises: ${m.absolutePromiseBytes.toFixed(0)} B (the promises themselves included).`,
      '',
    );
  }
  if (report.poll) {
    out.push('| live promises + intervals | one poll inside the target | poll round trip over the inspector |', '|---|---|---|');
    for (const row of report.poll.rows) {
      out.push(
        `| ${row.promises.toLocaleString('en-US')} + ${row.timers.toLocaleString('en-US')} | ${row.agentPollUs.toFixed(1)} µs | ${row.roundTripMs.toFixed(2)} ms |`,
      );
    }
    out.push('');
  }
  if (report.production) {
    const p = report.production;
    out.push('| production profile | measured | target |', '|---|---|---|');
    out.push(
      `| one metrics collection (Prometheus text) with ${p.sites.toLocaleString('en-US')} sites alive, median / max of 200 | ${p.scrapeMedianMs} / ${p.scrapeMaxMs} ms | ≤ 5 ms |`,
    );
    out.push(
      `| agent memory with ${p.pending.toLocaleString('en-US')} pending promises (heap after GC, tracked − untracked) | ${p.agentMemoryMB} MB | ≤ 5 MB |`,
    );
    out.push('');
  }
  if (report.tree && report.marks) {
    out.push('| extension side (pure models) | median | target |', '|---|---|---|');
    out.push(
      `| tree for ${report.tree.sites.toLocaleString('en-US')} sites opens (${report.tree.nodes} nodes built and presented) | ${report.tree.openMs.median.toFixed(1)} ms | < 200 ms |`,
    );
    out.push(
      `| marks of an open file with ${report.marks.sitesInFile.toLocaleString('en-US')} of ${report.marks.sites.toLocaleString('en-US')} sites update (${report.marks.marks} lines) | ${report.marks.updateMs.median.toFixed(1)} ms | < 50 ms |`,
    );
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
