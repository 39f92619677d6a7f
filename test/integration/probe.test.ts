// The leak probe against real fixture processes over a real inspector: core's runProbe and the
// CLI's `probe` command as a user runs it (exit codes 1 leak, 0 no leak, 2 bad usage).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { LensError } from '../../src/core/errors';
import { ProbeCancelled, runProbe, type ProbeProgress } from '../../src/core/probe/probe';
import { Session } from '../../src/core/inspector/session';
import { findMarker, listFixtures, repoRoot, startFixture, type RunningFixture } from '../support/fixtures';

// ASYNC_LEAK_LENS_CLI points at another build of the CLI (default: this checkout's dist/cli.js).
const cli = process.env.ASYNC_LEAK_LENS_CLI ?? join(repoRoot(), 'dist', 'cli.js');

function runCli(args: string[], timeoutMs = 90_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { timeout: timeoutMs, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

describe('leak probe', () => {
  const running: RunningFixture[] = [];
  after(() => Promise.all(running.map((f) => f.stop())));
  const start = async (name: string) => {
    const fixture = await startFixture(name);
    running.push(fixture);
    return fixture;
  };

  test('a leaky server: leak verdict at the marked line, about one per request, a line of counts', async () => {
    const fixture = await start('queue-workers');
    const marker = findMarker('queue-workers');
    const session = await Session.attach(fixture.inspectorUrl);
    const progress: ProbeProgress[] = [];
    try {
      const result = await runProbe(
        session,
        { url: `http://127.0.0.1:${fixture.port}/`, requests: 40, concurrency: 8, rounds: 3 },
        { onProgress: (p) => progress.push(p) },
      );
      assert.equal(result.verdict, 'leak');
      const [top] = result.leaks;
      assert.equal(`${top.site.frame.file}:${top.site.frame.line}`, `${marker.file}:${marker.line}`);
      assert.equal(top.site.kind, 'blocked');
      assert.ok(Math.abs(top.perRequest - 1) <= 0.1, `per-request rate ${top.perRequest}`);
      assert.deepEqual(top.counts, [0, 40, 80, 120]);
      assert.ok(top.site.stack.length > 0, 'an example stack');
      assert.equal(result.hung, 0);
      assert.deepEqual(
        result.rounds.map((r) => r.load?.ok),
        [undefined, 40, 40, 40],
      );
      // Progress: every phase of every round, and per-request counts while loading.
      assert.deepEqual(
        [...new Set(progress.map((p) => `${p.round}:${p.phase}`))],
        ['0:settle', '0:snapshot', ...[1, 2, 3].flatMap((r) => [`${r}:load`, `${r}:settle`, `${r}:snapshot`])],
      );
      assert.ok(progress.some((p) => p.phase === 'load' && p.done === 40 && p.total === 40));
    } finally {
      await session.detach();
    }
  });

  for (const { name } of listFixtures().filter(
    (f) => (f.expected === 'blocked' || f.expected === 'created') && f.name !== 'queue-workers',
  )) {
    test(`${name}: a leak at its marked line, growing with the requests`, async () => {
      const fixture = await start(name);
      const marker = findMarker(name);
      const session = await Session.attach(fixture.inspectorUrl);
      try {
        const result = await runProbe(session, {
          url: `http://127.0.0.1:${fixture.port}/`,
          requests: 20,
          concurrency: 4,
          rounds: 2,
          timeoutMs: 2000,
        });
        const listing = result.leaks
          .map((l) => `${l.perRequest.toFixed(2)}/request ${l.site.kind} ${l.site.type} ${l.site.frame.file}:${l.site.frame.line}`)
          .join('\n');
        assert.equal(result.verdict, 'leak', listing);
        const atMarker = result.leaks.find(
          (l) => l.site.frame.file === marker.file && l.site.frame.line === marker.line && l.site.kind === marker.kind,
        );
        assert.ok(atMarker, `the marked line ${marker.file}:${marker.line} is not among the leaks:\n${listing}`);
        assert.ok(Math.abs(atMarker.perRequest - 1) <= 0.2, `${atMarker.perRequest} per request at the marked line`);
      } finally {
        await session.detach();
      }
    });
  }

  test('the busy healthy server: no leak', async () => {
    const fixture = await start('healthy-server');
    const session = await Session.attach(fixture.inspectorUrl);
    try {
      const result = await runProbe(session, { url: `http://127.0.0.1:${fixture.port}/`, requests: 60, concurrency: 10, rounds: 3 });
      const describeLeaks = result.leaks
        .map((l) => `${l.site.kind} ${l.site.type} ${l.site.frame.file}:${l.site.frame.line} ${l.counts.join('→')}`)
        .join('\n');
      assert.equal(result.verdict, 'no-leak', describeLeaks);
      assert.deepEqual(
        result.rounds.slice(1).map((r) => r.load?.ok),
        [60, 60, 60],
      );
    } finally {
      await session.detach();
    }
  });

  test('hanging requests are aborted after the timeout and counted; the line they hang on is the leak', async () => {
    const fixture = await start('stuck-reports');
    const marker = findMarker('stuck-reports');
    const session = await Session.attach(fixture.inspectorUrl);
    try {
      const started = Date.now();
      const result = await runProbe(session, {
        url: `http://127.0.0.1:${fixture.port}/sync`,
        requests: 12,
        concurrency: 6,
        rounds: 2,
        timeoutMs: 300,
      });
      assert.equal(result.hung, 24);
      assert.deepEqual(
        result.rounds.slice(1).map((r) => r.load?.hung),
        [12, 12],
      );
      assert.ok(
        result.rounds.slice(1).every((r) => r.load!.durationMs < 5000),
        'never waited on a hung request beyond its timeout',
      );
      assert.equal(result.verdict, 'leak');
      assert.equal(`${result.leaks[0].site.frame.file}:${result.leaks[0].site.frame.line}`, `${marker.file}:${marker.line}`);
      assert.ok(Math.abs(result.leaks[0].perRequest - 1) <= 0.1, `per-request rate ${result.leaks[0].perRequest}`);
      assert.match(result.notes.join('\n'), /24 requests hung and were aborted after 300 ms/);
      assert.ok(Date.now() - started < 30_000);
    } finally {
      await session.detach();
    }
  });

  test('cancellation stops the load at once; bad URLs are refused before any load', async () => {
    const fixture = await start('stuck-reports');
    const session = await Session.attach(fixture.inspectorUrl);
    try {
      const controller = new AbortController();
      const started = Date.now();
      const probe = runProbe(
        session,
        { url: `http://127.0.0.1:${fixture.port}/sync`, requests: 1000, concurrency: 4, timeoutMs: 60_000 },
        {
          signal: controller.signal,
          onProgress: (p) => p.phase === 'load' && controller.abort(),
        },
      );
      await assert.rejects(probe, ProbeCancelled);
      assert.ok(Date.now() - started < 10_000, `cancelled after ${Date.now() - started} ms`);
      await assert.rejects(
        runProbe(session, { url: 'http://192.0.2.1/', requests: 1, concurrency: 1 }),
        (e: unknown) => e instanceof LensError && /only sends load to this machine/.test(e.message),
      );
      // Nothing listens: a clear error, not a "no leak".
      await assert.rejects(
        runProbe(session, { url: 'http://127.0.0.1:1/', requests: 2, concurrency: 1, settleQuietMs: 0 }),
        /No request to http:\/\/127\.0\.0\.1:1\/ got an answer .*Is the server listening there\?/,
      );
    } finally {
      await session.detach();
    }
  });

  test('CLI: ABANDONED (exit 1) for the fan-out at its send; the healthy race server has no abandoned tasks (exit 0)', async () => {
    const fanout = await start('abandoned-fanout');
    const marker = findMarker('abandoned-fanout');
    const found = await runCli([
      'probe',
      '--target',
      String(fanout.inspectorPort),
      '--url',
      `http://127.0.0.1:${fanout.port}/`,
      '--requests',
      '30',
      '--concurrency',
      '5',
      '--json',
    ]);
    assert.equal(found.code, 1, found.stderr);
    const result = JSON.parse(found.stdout);
    assert.equal(result.verdict, 'abandoned');
    assert.deepEqual(result.leaks, [], 'nothing stays pending');
    assert.equal(`${result.abandoned[0].site.frame.file}:${result.abandoned[0].site.frame.line}`, `${marker.file}:${marker.line}`);
    assert.ok(result.abandoned[0].perRequest >= 1, `about two per request: ${result.abandoned[0].perRequest}`);

    const text = await runCli([
      'probe',
      '-t',
      String(fanout.inspectorPort),
      '--url',
      `http://127.0.0.1:${fanout.port}/`,
      '-n',
      '20',
      '-c',
      '4',
      '--rounds',
      '2',
    ]);
    assert.equal(text.code, 1, text.stderr);
    assert.match(
      text.stdout,
      new RegExp(`ABANDONED: tasks collected while suspended at 1 await[\\s\\S]*server\\.js:${marker.line}:\\d+ +queryMirror`),
    );

    const healthy = await start('healthy-race');
    const clean = await runCli([
      'probe',
      '--target',
      String(healthy.inspectorPort),
      '--url',
      `http://127.0.0.1:${healthy.port}/`,
      '--requests',
      '30',
      '--concurrency',
      '5',
      '--json',
    ]);
    assert.equal(clean.code, 0, clean.stdout + clean.stderr);
    assert.equal(JSON.parse(clean.stdout).verdict, 'no-leak');
    assert.deepEqual(JSON.parse(clean.stdout).abandoned, []);
  });

  test('CLI: exit 1 on a leak (with --json), 0 without, 2 on bad usage', async () => {
    const leaky = await start('forgotten-interval');
    const marker = findMarker('forgotten-interval');
    const leak = await runCli([
      'probe',
      '--target',
      String(leaky.inspectorPort),
      '--url',
      `http://127.0.0.1:${leaky.port}/`,
      '--requests',
      '30',
      '--concurrency',
      '5',
      '--json',
    ]);
    assert.equal(leak.code, 1, leak.stderr);
    const result = JSON.parse(leak.stdout);
    assert.equal(result.schema, 'async-leak-lens/probe@1');
    assert.equal(result.verdict, 'leak');
    assert.equal(`${result.leaks[0].site.frame.file}:${result.leaks[0].site.frame.line}`, `${marker.file}:${marker.line}`);
    assert.match(leak.stderr, /Round 3 of 3: snapshot/);

    const text = await runCli([
      'probe',
      '-t',
      String(leaky.inspectorPort),
      '--url',
      `http://localhost:${leaky.port}/`,
      '-n',
      '20',
      '-c',
      '4',
      '--rounds',
      '2',
    ]);
    assert.equal(text.code, 1, text.stderr);
    assert.match(text.stdout, new RegExp(`LEAK: .*\\n[\\s\\S]*\\+1\\.00 +created at +Timeout +.*server\\.js:${marker.line}:`));

    const healthy = await start('healthy-server');
    const clean = await runCli([
      'probe',
      '--target',
      String(healthy.inspectorPort),
      '--url',
      `http://127.0.0.1:${healthy.port}/`,
      '--requests',
      '40',
      '--concurrency',
      '8',
    ]);
    assert.equal(clean.code, 0, clean.stdout + clean.stderr);
    assert.match(clean.stdout, /No leak: no site grew with the number of requests after the first round\./);

    const usage: [string[], RegExp][] = [
      [
        ['probe', '--target', String(healthy.inspectorPort), '--url', 'http://10.1.2.3/', '--requests', '5', '--concurrency', '1'],
        /only sends load to this machine/,
      ],
      [
        ['probe', '--target', String(healthy.inspectorPort), '--url', `http://127.0.0.1:${healthy.port}/`, '--concurrency', '1'],
        /--requests is required/,
      ],
      [
        [
          'probe',
          '--target',
          String(healthy.inspectorPort),
          '--url',
          `http://127.0.0.1:${healthy.port}/`,
          '--requests',
          'ten',
          '--concurrency',
          '1',
        ],
        /--requests must be a whole number/,
      ],
      [['probe', '--target', String(healthy.inspectorPort), '--requests', '5', '--concurrency', '1'], /--url is required/],
      [['probe', '--url', `http://127.0.0.1:${healthy.port}/`, '--requests', '5', '--concurrency', '1'], /--target is required/],
    ];
    for (const [args, message] of usage) {
      const bad = await runCli(args);
      assert.equal(bad.code, 2, `${args.join(' ')}: ${bad.stderr}`);
      assert.match(bad.stderr, message);
    }
  });
});
