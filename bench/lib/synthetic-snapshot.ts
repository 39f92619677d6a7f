// Large snapshots made up for the extension-side benchmarks (tree, editor marks): the same shape
// core produces, with sites spread over files, types and kinds like a real busy service.
import { SNAPSHOT_SCHEMA, type Site, type Snapshot } from '../../src/core/sites/model';

const TYPES = ['PROMISE', 'PROMISE', 'PROMISE', 'Timeout', 'TCPWRAP', 'Immediate', 'FSREQCALLBACK', 'TickObject'];

export interface SyntheticOptions {
  sites: number;
  files: number;
  /** Scales counts, so a second snapshot can show growth. */
  growth?: number;
  takenAt?: string;
}

export function syntheticSnapshot({ sites, files, growth = 1, takenAt = '2026-11-26T12:00:00.000Z' }: SyntheticOptions): Snapshot {
  const list: Site[] = [];
  const totals: Record<string, number> = {};
  for (let i = 0; i < sites; i++) {
    const file = `/srv/app/src/module-${i % files}.ts`;
    const line = 10 + Math.floor(i / files);
    const type = TYPES[i % TYPES.length];
    const kind = type === 'PROMISE' && i % 2 === 0 ? 'blocked' : 'created';
    const count = Math.max(1, Math.round(((i * 7919) % 500) * growth));
    totals[type] = (totals[type] ?? 0) + count;
    const frame = { file, line, column: 5 + (i % 30), function: `handler${i}` };
    list.push({
      id: `site-${i.toString(16).padStart(16, '0')}`,
      kind,
      type,
      thread: 0,
      count,
      sampled: count,
      oldestAgeMs: 1000 + i,
      userCode: true,
      frame,
      stack: [
        frame,
        ...Array.from({ length: 11 }, (_, d) => ({ file: `/srv/app/src/caller-${d}.ts`, line: 20 + d, column: 3, function: `caller${d}` })),
      ],
      examples: Array.from({ length: 5 }, (_, e) => ({ id: i * 10 + e, ageMs: 100 * e, triggerId: i })),
    });
  }
  return {
    schema: SNAPSHOT_SCHEMA,
    takenAt,
    target: { pid: 4242, nodeVersion: 'v20.20.2', title: 'node', url: 'ws://127.0.0.1:9229/x' },
    threads: [{ thread: 0, title: 'main' }],
    totals,
    baseline: {},
    sites: list,
    stats: { created: totals, dropped: {}, droppedStacks: 0, samplingRate: {} },
  };
}
