// Builders of realistic snapshots for the core unit tests. Ids come from the real siteId().
import { SNAPSHOT_SCHEMA, type Frame, type Site, type SiteKind, type Snapshot } from '../../src/core/sites/model';
import { siteId } from '../../src/core/sites/site-id';

export const APP_DIR = '/srv/app';

export function frame(file: string, line: number, column: number, fn: string): Frame {
  return { file: file.startsWith('/') || file.startsWith('node:') ? file : `${APP_DIR}/${file}`, line, column, function: fn };
}

export interface SiteSpec {
  kind?: SiteKind;
  type?: string;
  thread?: number;
  at: Frame;
  count: number;
  userCode?: boolean;
  oldestAgeMs?: number;
  stack?: Frame[];
}

export function site(spec: SiteSpec): Site {
  const kind = spec.kind ?? 'created';
  const type = spec.type ?? 'PROMISE';
  const thread = spec.thread ?? 0;
  return {
    id: siteId(kind, type, thread, spec.at),
    kind,
    type,
    thread,
    count: spec.count,
    sampled: spec.count,
    oldestAgeMs: spec.oldestAgeMs ?? 1500,
    userCode: spec.userCode ?? !spec.at.file.includes('node_modules'),
    frame: spec.at,
    stack: spec.stack ?? [spec.at, frame('node:internal/timers', 581, 17, 'listOnTimeout')],
    examples: [{ id: 42, ageMs: spec.oldestAgeMs ?? 1500, triggerId: 1 }],
  };
}

export function snapshot(sites: Site[], overrides: Partial<Snapshot> = {}): Snapshot {
  const totals: Record<string, number> = {};
  for (const s of sites) totals[s.type] = (totals[s.type] ?? 0) + s.count;
  return {
    schema: SNAPSHOT_SCHEMA,
    takenAt: '2026-11-26T14:00:00.000Z',
    target: {
      pid: 4242,
      nodeVersion: 'v20.20.2',
      title: 'node',
      url: 'ws://127.0.0.1:9229/0f2c',
      argv: ['/usr/bin/node', `${APP_DIR}/server.js`],
    },
    threads: [{ thread: 0, title: 'main' }],
    totals,
    baseline: { TCPSERVERWRAP: 1 },
    sites,
    stats: { created: { ...totals }, dropped: {}, droppedStacks: 0, samplingRate: { PROMISE: 1 } },
    ...overrides,
  };
}

/** Removes ANSI escape sequences. */
export function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}
