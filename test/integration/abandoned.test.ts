// Abandoned tasks (async functions collected by the GC while suspended at an await), on every
// supported Node major: counted exactly at the marked await while every await is sampled, shown in
// the diff's abandoned list, and never reported for a healthy server that races, aborts and breaks.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffSnapshots } from '../../src/core/sites/diff';
import type { Snapshot, SnapshotDiff } from '../../src/core/sites/model';
import { Session } from '../../src/core/inspector/session';
import { driveLoad, findMarker, repoRoot, startFixture, startScript, type RunningFixture } from '../support/fixtures';

const REQUESTS = 30;
const binaryOf = (major: string) => join(repoRoot(), '.cache', 'node-versions', major, 'node_modules', 'node', 'bin', 'node');
const VERSIONS: { label: string; node?: string }[] = [
  { label: `running ${process.version}` },
  ...['18', '22', '24'].map((major) => ({ label: `node ${major}`, node: binaryOf(major) })),
];

async function loadAndDiff(fixture: RunningFixture): Promise<{ diff: SnapshotDiff; after: Snapshot }> {
  const session = await Session.attach(fixture.inspectorUrl);
  try {
    const before = await session.snapshot({ label: 'before' });
    const load = await driveLoad(fixture.port, { requests: REQUESTS, concurrency: 5, timeoutMs: 5000 });
    assert.equal(load.failed + load.timedOut, 0, `load failed: ${JSON.stringify(load)}`);
    await new Promise((r) => setTimeout(r, 200));
    const afterSnapshot = await session.snapshot({ label: 'after' });
    return { diff: diffSnapshots(before, afterSnapshot), after: afterSnapshot };
  } finally {
    await session.detach();
  }
}

const at = (site: { frame: { file: string; line: number } }) => `${site.frame.file}:${site.frame.line}`;

for (const { label, node } of VERSIONS) {
  const missing = node !== undefined && !existsSync(node);
  describe(`abandoned tasks on ${label}`, { skip: missing && `${label} not installed: run node scripts/install-node-versions.mjs` }, () => {
    const running: RunningFixture[] = [];
    after(async () => {
      await Promise.all(running.map((f) => f.stop()));
    });
    const start = async (name: string) => {
      const fixture = await startFixture(name, node ? { node } : {});
      running.push(fixture);
      return fixture;
    };

    test('fan-out: the two losing workers per request are abandoned at their send, none pending', async () => {
      const { diff, after: snapshot } = await loadAndDiff(await start('abandoned-fanout'));
      const marker = findMarker('abandoned-fanout');
      const [top] = diff.abandoned;
      assert.ok(top, 'an abandoned site is listed');
      assert.equal(at(top), `${marker.file}:${marker.line}`);
      assert.equal(top.kind, 'blocked');
      assert.equal(top.frame.function, 'queryMirror');
      assert.equal(top.delta, 2 * REQUESTS, 'exact while every await is sampled');
      assert.equal(top.after, 2 * REQUESTS);
      const site = snapshot.sites.find((s) => s.id === top.id)!;
      assert.equal(site.count, 0, 'nothing is pending there: the GC collected them');
      assert.ok(site.abandonedSeen && Date.parse(site.abandonedSeen.first) <= Date.parse(site.abandonedSeen.last));
      assert.equal(diff.abandoned.length, 1, 'no other site has abandoned tasks');
    });

    test('pool holder: four refreshes are abandoned holding the slots, later ones queue at acquire', async () => {
      const { diff } = await loadAndDiff(await start('abandoned-holder'));
      const marker = findMarker('abandoned-holder');
      assert.deepEqual(
        diff.abandoned.map((s) => [at(s), s.after]),
        [[`${marker.file}:${marker.line}`, 4]],
      );
      const queued = diff.sites.find((s) => s.kind === 'blocked' && s.frame.line === marker.line - 2);
      assert.ok(queued && queued.delta >= REQUESTS - 4 - 1, `refreshes queue at acquire: ${JSON.stringify(queued?.delta)}`);
    });

    test('healthy races, aborts, early breaks and Promise.any: 0 abandoned tasks', async () => {
      const { diff, after: snapshot } = await loadAndDiff(await start('healthy-race'));
      assert.deepEqual(diff.abandoned, []);
      assert.equal(
        snapshot.sites.reduce((n, s) => n + (s.abandoned ?? 0), 0),
        0,
      );
    });
  });
}

// Each request starts a consumer in `for await` over an async generator that awaits a reply whose
// resolver is dropped: both the generator (at its await) and the consumer (at the for await) are
// collected while suspended.
const GENERATOR_TARGET = `'use strict';
const http = require('node:http');
async function* replies() {
  const reply = await new Promise(() => {}); // generator await
  yield reply;
}
async function consume() {
  for await (const reply of replies()) { // consumer await
    return reply;
  }
}
const server = http.createServer((req, res) => {
  consume();
  res.end('ok');
});
server.listen(0, '127.0.0.1', () => process.stdout.write('READY ' + JSON.stringify({ port: server.address().port }) + '\\n'));
`;

describe('abandoned tasks: async generators, for await, sampling', () => {
  const dir = mkdtempSync(join(tmpdir(), 'abandoned-'));
  const running: RunningFixture[] = [];
  after(async () => {
    await Promise.all(running.map((f) => f.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  test('an await inside an async generator and the for await over it both count', async () => {
    const script = join(dir, 'generator.js');
    writeFileSync(script, GENERATOR_TARGET);
    const target = await startScript(script);
    running.push(target);
    const { diff } = await loadAndDiff(target);
    assert.deepEqual(
      diff.abandoned.map((s) => [s.frame.line, s.frame.function, s.delta]).sort((a, b) => (a[0] as number) - (b[0] as number)),
      [
        [4, 'replies', REQUESTS],
        [8, 'consume', REQUESTS],
      ],
    );
  });

  test('sampled awaits give a weighted estimate', async () => {
    const target = await startFixture('abandoned-fanout');
    running.push(target);
    const session = await Session.attach(target.inspectorUrl, { agent: { stackCapturesPerSecond: 100 } });
    try {
      await session.snapshot();
      const requests = 600;
      await driveLoad(target.port, { requests, concurrency: 10, timeoutMs: 5000 });
      const snapshot = await session.snapshot();
      const marker = findMarker('abandoned-fanout');
      const site = snapshot.sites.find((s) => s.frame.line === marker.line && s.kind === 'blocked');
      assert.ok(site, 'the marked await has a site');
      assert.ok(snapshot.stats.samplingRate.PROMISE < 1, 'sampled');
      // 1200 abandoned; an estimate from a few dozen weighted samples (it varies a lot run to run).
      assert.ok(site.abandoned! >= 300 && site.abandoned! <= 4800, `estimate ${site.abandoned}`);
    } finally {
      await session.detach();
    }
  });
});

const cli = join(repoRoot(), 'dist', 'cli.js');

function runCli(args: string[], timeoutMs = 60_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { timeout: timeoutMs, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

describe('abandoned tasks in the CLI: snapshot, diff, watch', () => {
  const dir = mkdtempSync(join(tmpdir(), 'abandoned-cli-'));
  const running: RunningFixture[] = [];
  after(async () => {
    await Promise.all(running.map((f) => f.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  test('snapshot and diff print the Abandoned section with count, line, function and example stack; diff --json lists it', async () => {
    const target = await startFixture('abandoned-fanout');
    running.push(target);
    const marker = findMarker('abandoned-fanout');
    const before = join(dir, 'before.json');
    const afterFile = join(dir, 'after.json');
    assert.equal((await runCli(['snapshot', '--target', String(target.inspectorPort), '-o', before])).code, 0);
    await driveLoad(target.port, { requests: 20, concurrency: 4 });
    const snap = await runCli(['snapshot', '--target', String(target.inspectorPort), '-o', afterFile, '--detach']);
    assert.equal(snap.code, 0, snap.stderr);
    const section =
      /Abandoned: tasks collected while suspended — the code after this await and its finally blocks never ran\n {2}COUNT +LOCATION +FUNCTION.*\n {4,}(\d+) +(\S+) +queryMirror/;
    const [, count, where] = section.exec(snap.stderr) ?? [];
    assert.equal(count, '40', snap.stderr);
    assert.match(where, new RegExp(`abandoned-fanout/server\\.js:${marker.line}:\\d+$`));
    assert.match(snap.stderr, /Example stack \(.*server\.js:\d+:\d+\):\n {2}> at queryMirror/);
    assert.doesNotMatch(snap.stderr.split('Abandoned:')[0], /queryMirror/, 'nothing pending at the await: not in the pending table');

    const diff = await runCli(['diff', before, afterFile]);
    assert.equal(diff.code, 0, diff.stderr);
    assert.match(
      diff.stdout,
      new RegExp(
        `Abandoned: tasks collected while suspended[^\\n]*\\n.*DELTA.*\\n +\\+40 +0 → 40 +.*server\\.js:${marker.line}:\\d+ +queryMirror`,
      ),
    );
    const json = JSON.parse((await runCli(['diff', before, afterFile, '--json'])).stdout);
    assert.deepEqual(
      json.abandoned.map((s: any) => [s.frame.line, s.kind, s.before, s.after, s.delta, s.count]),
      [[marker.line, 'blocked', 0, 40, 40, 0]],
    );
  });

  test('watch: a notice or verdict row with a rate per minute, and the abandoned list in --json', async () => {
    const target = await startFixture('abandoned-fanout');
    running.push(target);
    const marker = findMarker('abandoned-fanout');
    const watcher = spawn(
      process.execPath,
      [
        cli,
        'watch',
        '--target',
        String(target.inspectorPort),
        '--duration',
        '6',
        '--warmup',
        '1',
        '--window',
        '5',
        '--sites-every',
        '400',
        '--json',
      ],
      {
        env: { ...process.env, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    watcher.stdout.on('data', (c) => (stdout += c));
    const exited = new Promise<number | null>((resolve) => watcher.once('exit', resolve));
    await new Promise((r) => setTimeout(r, 1500));
    for (let round = 0; round < 3; round++) {
      await driveLoad(target.port, { requests: 10, concurrency: 2 });
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal(await exited, 0);
    const verdict = JSON.parse(stdout);
    assert.equal(verdict.abandoned.length, 1, stdout);
    const [entry] = verdict.abandoned;
    assert.equal(entry.site.frame.line, marker.line);
    assert.equal(entry.count, 60);
    assert.ok(entry.ratePerMinute > 100, `rate ${entry.ratePerMinute}`);
    assert.match(entry.rateText, /^\+\d+\.\d per minute$/);
  });
});
