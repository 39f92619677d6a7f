// The census: load a leaky target first, attach after, and the very first snapshot already shows
// the leaking line with the right count (suspended async functions at their await, timers by
// callback, sockets by type), in the main thread and a worker, on every Node major; counts go on
// from the census; a re-attach after detach shows the same; a healthy server shows nothing.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Site, Snapshot } from '../../src/core/sites/model';
import { Session } from '../../src/core/inspector/session';
import { parseSnapshot } from '../../src/core/files/snapshot-file';
import { driveLoad, findMarker, repoRoot, startFixture, startScript, type RunningFixture } from '../support/fixtures';

const cli = join(repoRoot(), 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'census-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const LOAD = 50;
const binaryOf = (major: string) => join(repoRoot(), '.cache', 'node-versions', major, 'node_modules', 'node', 'bin', 'node');

function runCli(args: string[], timeoutMs = 60_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { timeout: timeoutMs, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

async function cliSnapshot(target: RunningFixture, name: string, extra: string[] = []): Promise<{ snapshot: Snapshot; stderr: string }> {
  const file = join(dir, `${name}-${target.pid}.json`);
  const result = await runCli(['snapshot', '--target', String(target.inspectorPort), '--out', file, ...extra]);
  assert.equal(result.code, 0, result.stderr);
  return { snapshot: parseSnapshot(readFileSync(file, 'utf8'), file), stderr: result.stderr };
}

function siteOnLine(snapshot: Snapshot, file: string, line: number, type?: string): Site | undefined {
  return snapshot.sites.find((s) => s.frame.file === file && s.frame.line === line && (type === undefined || s.type === type));
}

/** The line where `function name` is defined in a fixture file (timers are found by their callback). */
function lineOfFunction(file: string, name: string): number {
  const index = readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(`function ${name}(`));
  assert.ok(index >= 0, `function ${name} in ${file}`);
  return index + 1;
}

interface Case {
  fixture: string;
  /** Where the census must report the leak, and how many per request. */
  expect(): { file: string; line: number; type: string; thread: number; perRequest: number };
}

const CASES: Case[] = [
  { fixture: 'unreceived-send', expect: () => ({ ...findMarker('unreceived-send'), type: 'PROMISE', thread: 0, perRequest: 1 }) },
  { fixture: 'queue-workers', expect: () => ({ ...findMarker('queue-workers'), type: 'PROMISE', thread: 0, perRequest: 1 }) },
  {
    fixture: 'forgotten-interval',
    expect: () => {
      const { file } = findMarker('forgotten-interval');
      return { file, line: lineOfFunction(file, 'refreshSession'), type: 'Timeout', thread: 0, perRequest: 1 };
    },
  },
  { fixture: 'worker-leak', expect: () => ({ ...findMarker('worker-leak'), type: 'PROMISE', thread: 1, perRequest: 1 }) },
];

async function loadThenFirstSnapshot(c: Case, node?: string): Promise<void> {
  const target = await startFixture(c.fixture, node ? { node } : {});
  try {
    const load = await driveLoad(target.port, { requests: LOAD, concurrency: 5 });
    assert.equal(load.ok, LOAD);
    const want = c.expect();
    const { snapshot, stderr } = await cliSnapshot(target, `${c.fixture}-first`);
    assert.match(
      stderr,
      /Census: looking for what is already pending \(\d+ MB heap; pid \d+ pauses about [\d.]+ s and needs up to \d+ MB more memory/,
    );
    const site = siteOnLine(snapshot, want.file, want.line, want.type);
    assert.ok(
      site,
      `${c.fixture}: no site at ${want.file}:${want.line} in ${JSON.stringify(snapshot.sites.map((s) => `${s.type} ${s.frame.file}:${s.frame.line} x${s.count}`))}`,
    );
    assert.equal(site.count, LOAD * want.perRequest, `${c.fixture}: count`);
    assert.equal(site.origin, 'census');
    assert.equal(site.thread, want.thread);
    assert.equal(snapshot.sites[0].id, site.id, `${c.fixture}: the leak ranks first`);
    assert.ok(snapshot.census && snapshot.census.durationMs > 0);
  } finally {
    await target.stop();
  }
}

describe('census at attach', () => {
  for (const c of CASES) {
    test(`${c.fixture}: the first snapshot after load shows the leaking line with its count`, () => loadThenFirstSnapshot(c));
  }

  test('counts go on from the census; --no-census and a second attach skip it; re-attach after detach shows the same', async () => {
    const target = await startFixture('unreceived-send');
    try {
      await driveLoad(target.port, { requests: LOAD, concurrency: 5 });
      const marker = findMarker('unreceived-send');
      const skipped = await cliSnapshot(target, 'skipped', ['--no-census', '--detach']);
      assert.equal(siteOnLine(skipped.snapshot, marker.file, marker.line), undefined, 'without the census the old leak is invisible');
      assert.doesNotMatch(skipped.stderr, /Census/);

      const first = await cliSnapshot(target, 'first');
      const censusSite = siteOnLine(first.snapshot, marker.file, marker.line)!;
      assert.equal(censusSite.count, LOAD);
      await driveLoad(target.port, { requests: 10, concurrency: 5 });
      const second = await cliSnapshot(target, 'second');
      assert.doesNotMatch(second.stderr, /Census/, 'the agent stayed: no second census');
      const grown = siteOnLine(second.snapshot, marker.file, marker.line)!;
      assert.equal(grown.id, censusSite.id, 'tracked resources join the census site');
      assert.equal(grown.count, LOAD + 10);
      assert.equal(second.snapshot.sites.filter((s) => s.kind === 'blocked').length, 1);

      await runCli(['detach', '--target', String(target.inspectorPort)]);
      const again = await cliSnapshot(target, 'again');
      const found = siteOnLine(again.snapshot, marker.file, marker.line)!;
      assert.equal(found.count, LOAD + 10);
      assert.equal(found.id, censusSite.id);
    } finally {
      await target.stop();
    }
  });

  test('what the census found leaves the count when it finishes', async () => {
    // Waiters and intervals made before attach; /release wakes every waiter, /clear stops the intervals.
    const entry = join(dir, 'release-target.js');
    writeFileSync(
      entry,
      [
        "'use strict';",
        "const http = require('node:http');",
        'const wakers = [];',
        'const timers = [];',
        'async function waitForRelease() {',
        '  await new Promise((resolve) => wakers.push(resolve)); // @census waiter',
        '}',
        'function poll() {}',
        'const server = http.createServer((req, res) => {',
        "  if (req.url === '/release') wakers.splice(0).forEach((wake) => wake());",
        "  else if (req.url === '/clear') timers.splice(0).forEach((t) => clearInterval(t));",
        '  else {',
        '    waitForRelease();',
        '    timers.push(setInterval(poll, 60_000));',
        '  }',
        "  res.end('ok');",
        '});',
        "server.listen(0, '127.0.0.1', () => process.stdout.write(`READY ${JSON.stringify({ port: server.address().port })}\\n`));",
      ].join('\n'),
    );
    const target = await startScript(entry, { name: 'release-target' });
    try {
      await driveLoad(target.port, { requests: 30, concurrency: 5 });
      const session = await Session.attach(target.inspectorUrl);
      try {
        const summary = await session.census();
        assert.equal(summary.tasks, 30);
        assert.equal(summary.timers, 30);
        const first = await session.snapshot();
        assert.equal(siteOnLine(first, entry, 6, 'PROMISE')?.count, 30);
        assert.equal(siteOnLine(first, entry, 8, 'Timeout')?.count, 30);
        const timeouts = first.totals.Timeout ?? 0;
        assert.ok(
          timeouts >= 30 && timeouts <= 32,
          `Timeout total ${timeouts}: the census's 30, and maybe keep-alive timers of the last requests`,
        );
        await driveLoad(target.port, { requests: 1, concurrency: 1, path: '/release' });
        await driveLoad(target.port, { requests: 1, concurrency: 1, path: '/clear' });
        const later = await session.snapshot();
        assert.equal(siteOnLine(later, entry, 6, 'PROMISE'), undefined, 'woken waiters leave the census site');
        assert.equal(siteOnLine(later, entry, 8, 'Timeout'), undefined, 'cleared intervals leave the census site');
        assert.ok((later.totals.Timeout ?? 0) <= 2, 'only the keep-alive timers of the last requests are left');
      } finally {
        await session.detach();
      }
    } finally {
      await target.stop();
    }
  });

  test('a task found by the census that resumes and waits again is counted once', async () => {
    // queue-workers: each request starts a worker and pushes a job, which wakes an older worker
    // that then waits at the same `for await` again.
    const target = await startFixture('queue-workers');
    try {
      await driveLoad(target.port, { requests: LOAD, concurrency: 5 });
      const marker = findMarker('queue-workers');
      const session = await Session.attach(target.inspectorUrl);
      try {
        // Time to follow every one of them (exact); by default a budget bounds that, and a sample
        // stands for the rest (right on average, not exactly).
        await session.census({ resolveBudgetMs: 120_000 });
        assert.equal(siteOnLine(await session.snapshot(), marker.file, marker.line)?.count, LOAD);
        await driveLoad(target.port, { requests: 20, concurrency: 5 });
        assert.equal(siteOnLine(await session.snapshot(), marker.file, marker.line)?.count, LOAD + 20);
      } finally {
        await session.detach();
      }
    } finally {
      await target.stop();
    }
  });

  test('sockets opened before attach are counted by type', async () => {
    const target = await startFixture('unclosed-socket');
    try {
      await driveLoad(target.port, { requests: LOAD, concurrency: 5 });
      const { snapshot } = await cliSnapshot(target, 'sockets');
      assert.ok((snapshot.baseline.TCPSocketWrap ?? 0) >= 2 * LOAD, `TCPSocketWrap ${snapshot.baseline.TCPSocketWrap}`);
    } finally {
      await target.stop();
    }
  });

  test('a healthy server shows nothing piled up', async () => {
    const target = await startFixture('healthy-server');
    try {
      await driveLoad(target.port, { requests: LOAD, concurrency: 5 });
      await new Promise((r) => setTimeout(r, 1500));
      const { snapshot } = await cliSnapshot(target, 'healthy');
      const census = snapshot.sites.filter((s) => s.origin === 'census');
      assert.deepEqual(
        census.map((s) => `${s.type} ${s.frame.file}:${s.frame.line} x${s.count}`),
        [],
      );
    } finally {
      await target.stop();
    }
  });

  for (const major of ['18', '22', '24']) {
    const node = binaryOf(major);
    test(
      `node ${major}: census of an async function leak, an interval leak and a worker leak`,
      { skip: !existsSync(node) && `Node ${major} not installed` },
      async () => {
        for (const c of CASES.filter((x) => x.fixture !== 'queue-workers')) await loadThenFirstSnapshot(c, node);
      },
    );
  }
});
