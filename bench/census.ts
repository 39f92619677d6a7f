// `node out/bench/census.js [--quick]`: what a census costs. For 10k, 100k and 1M async functions
// suspended before attach, and a 100 MB heap: census time (and the part the target is paused
// writing its heap snapshot), the target's and the tool's peak memory, and the streaming reader
// against JSON.parse of the whole snapshot text. Each measurement runs in a fresh tool process
// (so its peak memory is its own). Figures are printed, not asserted.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { estimateCensus } from '../src/core/census/census';
import { InspectorConnection } from '../src/core/inspector/inspector-connection';
import { Session } from '../src/core/inspector/session';
import { HeapSnapshotReader } from '../src/core/census/heap-snapshot-reader';

const MB = 1024 * 1024;

interface Scenario {
  name: string;
  tasks: number;
  ballastMb: number;
}

const FULL: Scenario[] = [
  { name: '10k tasks', tasks: 10_000, ballastMb: 0 },
  { name: '100k tasks', tasks: 100_000, ballastMb: 0 },
  { name: '1M tasks', tasks: 1_000_000, ballastMb: 0 },
  { name: '100 MB heap, 1k tasks', tasks: 1_000, ballastMb: 100 },
];
const QUICK: Scenario[] = [FULL[0], { name: '30 MB heap, 1k tasks', tasks: 1_000, ballastMb: 30 }];

function peakKb(pid: number | 'self'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

async function startTarget(s: Scenario): Promise<{ url: string; pid: number; stop(): void }> {
  const child = spawn(
    process.execPath,
    [
      '--max-old-space-size=4096',
      '--inspect=127.0.0.1:0',
      join(__dirname, '..', '..', 'bench', 'targets', 'census-target.mjs'),
      String(s.tasks),
      String(s.ballastMb),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const deadline = Date.now() + 300_000;
  while (!out.includes('READY') || !/ws:\/\/\S+/.test(err)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`target did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url: /ws:\/\/\S+/.exec(err)![0], pid: child.pid!, stop: () => child.kill('SIGKILL') };
}

/** One measurement, in this (fresh) process: prints one JSON line. */
async function measureOne(s: Scenario, mode: 'census' | 'json-parse' | 'stream-only'): Promise<void> {
  const target = await startTarget(s);
  try {
    const targetBefore = peakKb(target.pid);
    if (mode === 'census') {
      const session = await Session.attach(target.url, { callTimeoutMs: 600_000 });
      const cost = await estimateCensus(session.connection.main);
      const summary = await session.census({ resolveBudgetMs: 4000 });
      const snap = await session.snapshot();
      const top = snap.sites[0];
      await session.detach();
      print({
        scenario: s.name,
        mode,
        heapMb: cost.heapBytes / MB,
        estimatedPauseMs: cost.pauseMs,
        durationMs: summary.durationMs,
        snapshotMs: summary.snapshotMs,
        resolved: summary.resolved,
        found: summary.tasks,
        topCount: top?.count,
        targetPeakMb: peakKb(target.pid) / 1024,
        targetBeforeMb: targetBefore / 1024,
        toolPeakMb: peakKb('self') / 1024,
      });
    } else {
      // The heap snapshot alone, read by the streaming reader or kept as text for JSON.parse.
      const connection = await InspectorConnection.open(target.url, 600_000);
      const channel = connection.main;
      const reader = new HeapSnapshotReader();
      const parts: string[] = [];
      const off = channel.subscribe!((method, params) => {
        if (method !== 'HeapProfiler.addHeapSnapshotChunk') return;
        if (mode === 'stream-only') reader.push(String(params.chunk));
        else parts.push(String(params.chunk));
      });
      const started = Date.now();
      await channel.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false }, 600_000);
      off();
      let nodes = 0;
      let textMb = 0;
      if (mode === 'stream-only') nodes = reader.finish().nodes.length;
      else {
        const text = parts.join('');
        parts.length = 0;
        textMb = text.length / MB;
        nodes = (JSON.parse(text) as { nodes: number[] }).nodes.length;
      }
      const ms = Date.now() - started;
      await connection.close();
      print({ scenario: s.name, mode, ms, nodes, textMb, toolPeakMb: peakKb('self') / 1024 });
    }
  } finally {
    target.stop();
  }
}

function print(figures: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--one') {
    await measureOne(JSON.parse(args[1]) as Scenario, args[2] as 'census');
    return;
  }
  const scenarios = args.includes('--quick') ? QUICK : FULL;
  const rows: Record<string, any>[] = [];
  for (const s of scenarios) {
    for (const mode of ['census', 'stream-only', 'json-parse']) {
      process.stderr.write(`${s.name}: ${mode} ...\n`);
      try {
        const line = execFileSync(process.execPath, ['--max-old-space-size=8192', __filename, '--one', JSON.stringify(s), mode], {
          encoding: 'utf8',
          timeout: 900_000,
          maxBuffer: 1 << 20,
        });
        rows.push(JSON.parse(line.trim().split('\n').pop()!));
      } catch (error) {
        rows.push({ scenario: s.name, mode, failed: String((error as Error).message).split('\n')[0] });
      }
    }
  }
  const f = (n: unknown, d = 0) => (typeof n === 'number' ? n.toFixed(d) : '-');
  console.log('| scenario | heap MB | census s | of which snapshot s | est. pause s | resolved | found | target peak MB | tool peak MB |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows.filter((x) => x.mode === 'census')) {
    console.log(
      `| ${r.scenario} | ${f(r.heapMb)} | ${f(r.durationMs / 1000, 1)} | ${f(r.snapshotMs / 1000, 1)} | ${f(r.estimatedPauseMs / 1000, 1)} | ${f(r.resolved)} | ${f(r.found)} | ${f(r.targetPeakMb)} | ${f(r.toolPeakMb)} |${r.failed ? ` failed: ${r.failed}` : ''}`,
    );
  }
  console.log('\nReading the heap snapshot: streaming reader vs JSON.parse of the whole text');
  console.log('| scenario | streaming s | streaming tool peak MB | JSON.parse s | JSON.parse tool peak MB | text MB |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const s of scenarios) {
    const stream = rows.find((r) => r.scenario === s.name && r.mode === 'stream-only') ?? {};
    const json = rows.find((r) => r.scenario === s.name && r.mode === 'json-parse') ?? {};
    console.log(
      `| ${s.name} | ${f(stream.ms / 1000, 1)} | ${f(stream.toolPeakMb)} | ${f(json.ms / 1000, 1)} | ${f(json.toolPeakMb)} | ${f(json.textMb)} |${json.failed ? ` JSON.parse failed: ${json.failed}` : ''}`,
    );
  }
}

void main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
