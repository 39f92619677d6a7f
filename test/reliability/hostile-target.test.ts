// A hostile or broken target must not make the tool lie, hang or grow. Each target under
// targets/ works against the agent in one way; the CLI runs as users run it.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffSnapshots } from '../../src/core/sites/diff';
import type { Snapshot, SnapshotDiff } from '../../src/core/sites/model';
import { Session } from '../../src/core/inspector/session';
import { driveLoad, getJson, repoRoot, startScript, type RunningFixture } from '../support/fixtures';

const cli = join(repoRoot(), 'dist', 'cli.js');
const targets = join(repoRoot(), 'test', 'reliability', 'targets');
const work = mkdtempSync(join(tmpdir(), 'alens-hostile-'));
/** A stack trace in the CLI's output: the tool crashed instead of saying what is wrong. */
const STACK_TRACE = /\n\s+at .+:\d+:\d+/;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], nodeFlags: string[] = []): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...nodeFlags, cli, ...args], { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

function markerLine(file: string): number {
  return (
    readFileSync(file, 'utf8')
      .split('\n')
      .findIndex((line) => line.includes('// @leak blocked')) + 1
  );
}

/**
 * The leaking line is the top site and grew by about `requests` (exactly, unless a loaded machine
 * made the agent sample stacks: then the count is an estimate).
 */
function assertTopSite(diff: SnapshotDiff, file: string, requests: number): void {
  const top = diff.sites[0];
  assert.equal(`${top.frame.file}:${top.frame.line}`, `${file}:${markerLine(file)}`);
  assert.ok(Math.abs(top.delta - requests) <= requests * 0.2, `grew by ${top.delta} for ${requests} requests`);
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

describe('a hostile or broken target', () => {
  const running: RunningFixture[] = [];
  after(async () => {
    for (const target of running) await target.stop();
    rmSync(work, { recursive: true, force: true });
  });

  async function start(file: string, env: Record<string, string> = {}, execArgv: string[] = []): Promise<RunningFixture> {
    const target = await startScript(join(targets, file), { env, execArgv });
    running.push(target);
    return target;
  }

  /** Stack captures in the target over 10 leaking requests: what the agent's hooks cost there. */
  async function capturesPer10(target: RunningFixture): Promise<number> {
    const before = await getJson<number>(target.port, '/captures');
    assert.equal((await driveLoad(target.port, { requests: 10, concurrency: 2 })).ok, 10);
    return (await getJson<number>(target.port, '/captures')) - before;
  }

  test('an install that fails midway leaves nothing: retries and detach add no hooks', async () => {
    const target = await start('agent-saboteur.js', { SABOTAGE: 'break-promise-hooks' });
    assert.equal(await capturesPer10(target), 0, 'no captures before any attach');
    for (let attempt = 1; attempt <= 3; attempt++) {
      const result = await runCli(['snapshot', '--target', target.inspectorUrl]);
      assert.equal(await capturesPer10(target), 0, `attempt ${attempt} left hooks running`);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /promise hooks are disabled here.*Nothing of the agent was left running/s);
      assert.doesNotMatch(result.stderr, STACK_TRACE);
    }
    const detach = await runCli(['detach', '--target', target.inspectorUrl]);
    assert.equal(detach.code, 0, detach.stderr);
    assert.match(detach.stderr, /No agent in the target/);
    assert.equal(await capturesPer10(target), 0, 'detach installed nothing');
  });

  test('a frozen global object: the agent installs without it, counts, and detach leaves nothing', async () => {
    const file = join(targets, 'agent-saboteur.js');
    const target = await start('agent-saboteur.js', { SABOTAGE: 'freeze-global' });
    const [before, afterLoad] = [join(work, 'frozen-1.json'), join(work, 'frozen-2.json')];
    const first = await runCli(['snapshot', '--target', target.inspectorUrl, '--out', before]);
    assert.equal(first.code, 0, first.stderr);
    assert.ok((await capturesPer10(target)) >= 10, 'the agent captures stacks');
    assert.equal((await driveLoad(target.port, { requests: 20, concurrency: 4 })).ok, 20);
    assert.equal((await runCli(['snapshot', '--target', target.inspectorUrl, '--out', afterLoad])).code, 0);
    const diff = await runCli(['diff', before, afterLoad, '--json', '--fail-on-growth', '20']);
    assert.equal(diff.code, 1, diff.stderr);
    assertTopSite(JSON.parse(diff.stdout) as SnapshotDiff, file, 30);
    const detach = await runCli(['detach', '--target', target.inspectorUrl]);
    assert.match(detach.stderr, /Detached: the agent was removed/);
    assert.equal(await capturesPer10(target), 0, 'no hook left after detach');
  });

  test("target code that deletes or replaces the agent's globals: one hook set, true counts, detach removes it", async () => {
    const file = join(targets, 'agent-saboteur.js');
    const target = await start('agent-saboteur.js');
    const [before, afterLoad] = [join(work, 'tamper-1.json'), join(work, 'tamper-2.json')];
    assert.equal((await runCli(['snapshot', '--target', target.inspectorUrl, '--out', before])).code, 0);
    const oneHookSet = await capturesPer10(target);
    assert.ok(oneHookSet >= 10, `${oneHookSet} captures per 10 requests`);

    const tampered = await getJson<{ handleReplaced: boolean }>(target.port, '/tamper?delete-only');
    // Attaching again after the tampering reuses the one agent: no second set of hooks.
    const again = await runCli(['snapshot', '--target', target.inspectorUrl]);
    assert.equal(again.code, 0, again.stderr);
    const captures = await capturesPer10(target);
    assert.ok(captures <= oneHookSet + 5, `captures per 10 requests went from ${oneHookSet} to ${captures}`);

    assert.equal((await driveLoad(target.port, { requests: 10, concurrency: 2 })).ok, 10);
    // Now with a fake agent (answering "nothing pending") wherever the agent's globals were.
    assert.equal(
      (await getJson<{ handleReplaced: boolean }>(target.port, '/tamper')).handleReplaced,
      false,
      'the handle cannot be changed',
    );
    const second = await runCli(['snapshot', '--target', target.inspectorUrl, '--out', afterLoad]);
    assert.equal(second.code, 0, second.stderr);
    assert.doesNotMatch(second.stderr, /^0 pending/m);
    const diff = await runCli(['diff', before, afterLoad, '--json', '--fail-on-growth', '20']);
    assert.equal(diff.code, 1, `growth must be found: ${diff.stderr}`);
    assertTopSite(JSON.parse(diff.stdout) as SnapshotDiff, file, 30);

    const detach = await runCli(['detach', '--target', target.inspectorUrl]);
    assert.match(detach.stderr, /Detached: the agent was removed/);
    assert.equal(await capturesPer10(target), 0, 'detach removed every hook');
    assert.equal(tampered.handleReplaced, false, 'the handle could not be changed');
  });

  const posers: [string, RegExp][] = [
    ['pose-legacy', /already holds something: an agent of an older Async Leak Lens, or an object posing as one/],
    ['pose-nulls', /answered the install with something no Async Leak Lens agent sends \(the answer must be an object, got null\)/],
    ['pose-version', /agent of a newer Async Leak Lens \(9\.9\.9\) is in the target/],
    ['pose-huge', /over the limit of 1048576, so it was left in the target/],
    ['pose-types', /pid must be a whole number, got "me"/],
  ];
  for (const [sabotage, message] of posers) {
    test(`an object posing as the agent (${sabotage}) is refused with a clear message, in bounded memory`, async () => {
      const target = await start('agent-saboteur.js', { SABOTAGE: sabotage });
      // 96 MB of heap: a CLI that read a 150 MB answer would run out of memory.
      const result = await runCli(['snapshot', '--target', target.inspectorUrl], ['--max-old-space-size=96']);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, STACK_TRACE);
      assert.equal(result.stdout, '', 'no snapshot printed');
      assert.equal(await capturesPer10(target), 0, 'a refused install leaves no hooks');
    });
  }

  test('resource types named toString, constructor, __proto__: all counted, and the file is read back by diff', async () => {
    const target = await start('hostile-types.js');
    const types = target.ready.types as string[];
    const [before, afterLoad] = [join(work, 'types-1.json'), join(work, 'types-2.json')];
    assert.equal((await runCli(['snapshot', '--target', target.inspectorUrl, '--out', before])).code, 0);
    assert.equal((await driveLoad(target.port, { requests: 7, concurrency: 1 })).ok, 7);
    const second = await runCli(['snapshot', '--target', target.inspectorUrl, '--out', afterLoad]);
    assert.equal(second.code, 0, second.stderr);
    assert.doesNotMatch(second.stderr, /NaN/);
    const snapshot = readJson<Snapshot>(afterLoad);
    for (const type of types) {
      assert.ok(Object.prototype.hasOwnProperty.call(snapshot.totals, type), `totals has ${type}`);
      assert.equal(snapshot.totals[type], 7, `totals.${type}`);
      assert.equal(
        snapshot.sites.filter((s) => s.type === type).reduce((n, s) => n + s.count, 0),
        7,
        `sites of ${type}`,
      );
    }
    const diff = await runCli(['diff', before, afterLoad, '--json']);
    assert.equal(diff.code, 0, diff.stderr);
    const totals = (JSON.parse(diff.stdout) as SnapshotDiff).totals;
    for (const type of types)
      assert.deepEqual(Object.getOwnPropertyDescriptor(totals, type)?.value, { before: 0, after: 7, delta: 7 }, type);
    const table = await runCli(['diff', before, afterLoad]);
    assert.doesNotMatch(table.stdout, /NaN|\[object/);

    const session = await Session.attach(target.inspectorUrl);
    const sample = await session.poll();
    await session.disconnect();
    for (const type of types) assert.equal(Object.getOwnPropertyDescriptor(sample.counts, type)?.value, 7, `poll count of ${type}`);
  });

  const blind: [string, Record<string, string>, string[], RegExp][] = [
    [
      'a throwing Error.captureStackTrace',
      { TRICK: 'throwing-capture' },
      [],
      /Error\.captureStackTrace throws in this process \(stack capture is disabled in this process\)/,
    ],
    ['a read-only Error.prepareStackTrace', { TRICK: 'readonly-prepare' }, [], /Error\.prepareStackTrace is read-only in this process/],
    ['--frozen-intrinsics', {}, ['--frozen-intrinsics'], /the Error constructor is frozen \(node --frozen-intrinsics\)/],
  ];
  for (const [name, env, execArgv, reason] of blind) {
    test(`stacks impossible (${name}): everything counted, the reason said, and a growth check refuses to pass`, async () => {
      const target = await start('stack-tricks.js', env, execArgv);
      const tag = name.replace(/\W+/g, '-');
      const [before, afterLoad] = [join(work, `${tag}-1.json`), join(work, `${tag}-2.json`)];
      assert.equal((await runCli(['snapshot', '--target', target.inspectorUrl, '--out', before])).code, 0);
      assert.equal((await driveLoad(target.port, { requests: 15, concurrency: 3 })).ok, 15);
      const second = await runCli(['snapshot', '--target', target.inspectorUrl, '--out', afterLoad]);
      assert.equal(second.code, 0, second.stderr);
      assert.match(second.stderr, /WARNING: sites unavailable/);
      assert.match(second.stderr, reason);
      const snapshot = readJson<Snapshot>(afterLoad);
      assert.match(snapshot.sitesUnavailable ?? '', reason);
      // 15 leaked intervals, and Node's own HTTP date-cache timer while it lives (1 s).
      assert.ok(
        snapshot.totals.Timeout === 15 || snapshot.totals.Timeout === 16,
        `the leaked intervals are counted: Timeout ${snapshot.totals.Timeout}`,
      );
      assert.ok(snapshot.totals.PROMISE >= 15, `promises counted: ${snapshot.totals.PROMISE}`);
      const diff = await runCli(['diff', before, afterLoad, '--fail-on-growth', '5']);
      assert.equal(diff.code, 2, 'a check that cannot see must not pass');
      assert.match(diff.stderr, /Cannot check for growth: both snapshots have no sites/);
      assert.match(diff.stdout, /WARNING: sites unavailable/);
    });
  }

  test('a probe of a target without stacks says it cannot tell (exit 2), never "no leak"', async () => {
    const target = await start('stack-tricks.js', { TRICK: 'throwing-capture' });
    const args = [
      'probe',
      '--target',
      target.inspectorUrl,
      '--url',
      `http://127.0.0.1:${target.port}/`,
      '--requests',
      '10',
      '--concurrency',
      '2',
      '--rounds',
      '2',
    ];
    const result = await runCli(args);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stdout, /CANNOT TELL: WARNING: sites unavailable/);
    assert.doesNotMatch(result.stdout, /No leak/);
  });

  test('a captureStackTrace wrapper that makes a promise: no re-entry, the blocked-at site stays', async () => {
    const file = join(targets, 'stack-tricks.js');
    const target = await start('stack-tricks.js', { TRICK: 'promise-in-capture' });
    const session = await Session.attach(target.inspectorUrl);
    const first = await session.snapshot();
    assert.equal((await driveLoad(target.port, { requests: 30, concurrency: 3 })).ok, 30);
    const second = await session.snapshot();
    await session.detach();
    const diff = diffSnapshots(first, second);
    assert.equal(diff.sites[0].kind, 'blocked');
    assertTopSite(diff, file, 30);
    const state = await getJson<{ captures: number; reentered: number }>(target.port, '/state');
    assert.equal(state.reentered, 0, `${state.reentered} of ${state.captures} captures re-entered`);
  });

  test('a Promise subclass as the global Promise: each suspended call counted once', async () => {
    const file = join(targets, 'stack-tricks.js');
    const target = await start('stack-tricks.js', { TRICK: 'promise-subclass' });
    const session = await Session.attach(target.inspectorUrl);
    const first = await session.snapshot();
    assert.equal((await driveLoad(target.port, { requests: 30, concurrency: 3 })).ok, 30);
    const second = await session.snapshot();
    await session.detach();
    const sites = diffSnapshots(first, second).sites;
    const blocked = sites.find((s) => s.kind === 'blocked' && s.frame.file === file && s.frame.line === markerLine(file));
    const listing = sites
      .slice(0, 5)
      .map((s) => `${s.delta} ${s.kind} ${s.frame.line}:${s.frame.column} ${s.frame.function}`)
      .join('\n');
    assert.equal(sites[0], blocked, `the suspended calls are the top site:\n${listing}`);
    // Counted twice would be 60.
    assertTopSite({ ...diffSnapshots(first, second), sites }, file, 30);
  });
});
