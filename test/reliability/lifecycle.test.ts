// The life of a CLI run around real targets: interrupted attaches, shared agents, programs that
// hide behind npm or never open an inspector, stopped targets, snapshots of another process,
// targets killed mid-watch. Each ends in a known state with a message that says what happened.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { driveLoad, repoRoot, startFixture, startScript, type RunningFixture } from '../support/fixtures';
import { formatSnapshotSummary } from '../../src/cli/format';
import { parseSnapshot, serializeSnapshot } from '../../src/core/files/snapshot-file';
import { Session } from '../../src/core/inspector/session';
import { runCli, startCli, targetNodes, waitUntil } from '../support/cli-process';
import { startSlowRelay } from '../support/slow-relay';

/** Whether the agent is in the target: attach, see whether it was there, and leave it as it was. */
async function agentIsIn(inspectorUrl: string): Promise<boolean> {
  const session = await Session.attach(inspectorUrl);
  const was = session.info.reused;
  if (was) await session.disconnect();
  else await session.detach();
  return was;
}

describe('lifecycle', () => {
  const cleanups: (() => unknown)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });
  const dir = mkdtempSync(join(tmpdir(), 'alens-life-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const start = async (name: string, node?: string): Promise<RunningFixture> => {
    const target = await startFixture(name, { node });
    cleanups.push(() => target.stop());
    return target;
  };

  for (const node of targetNodes()) {
    test(`diff refuses snapshots of two different processes unless allowed (${node.label})`, async () => {
      const [one, two] = await Promise.all([start('forgotten-interval', node.binary), start('forgotten-interval', node.binary)]);
      const files = [join(dir, `${node.label}-one.json`), join(dir, `${node.label}-two.json`), join(dir, `${node.label}-one-again.json`)];
      for (const [target, file] of [
        [one, files[0]],
        [two, files[1]],
        [one, files[2]],
      ] as const) {
        const taken = await runCli(['snapshot', '--target', String(target.inspectorPort), '--out', file]);
        assert.equal(taken.code, 0, taken.stderr);
      }
      const refused = await runCli(['diff', files[0], files[1], '--fail-on-growth', '1']);
      assert.equal(refused.code, 2, refused.stderr);
      assert.match(
        refused.stderr,
        new RegExp(`two different processes \\(pid ${one.pid} and pid ${two.pid}\\).*--allow-different-processes`),
      );
      assert.equal(refused.stdout, '', 'no table for a refused diff');

      const allowed = await runCli(['diff', files[0], files[1], '--allow-different-processes']);
      assert.equal(allowed.code, 0, allowed.stderr);
      assert.match(allowed.stderr, /Warning: the snapshots come from two different processes/);
      assert.match(allowed.stdout, /Sites by growth/);

      const same = await runCli(['diff', files[0], files[2]]);
      assert.equal(same.code, 0, same.stderr);
      assert.doesNotMatch(same.stderr, /different processes/);
      await runCli(['detach', '--target', String(one.inspectorPort)]);
      await runCli(['detach', '--target', String(two.inspectorPort)]);
    });
  }

  test('diff refuses a restarted process that got the same pid (another inspector id)', async () => {
    const target = await start('forgotten-interval');
    const file = join(dir, 'restart-before.json');
    assert.equal((await runCli(['snapshot', '--target', String(target.inspectorPort), '--out', file, '--detach'])).code, 0);
    const restarted = JSON.parse(readFileSync(file, 'utf8'));
    restarted.target.url = restarted.target.url.replace(/[0-9a-f]{8}-/, '00000000-');
    const other = join(dir, 'restart-after.json');
    writeFileSync(other, JSON.stringify(restarted));
    const result = await runCli(['diff', file, other]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /same pid .*inspector ids differ/);
  });

  test('a snapshot file over the size limit names the option that raises it, and the option works', async () => {
    const target = await start('forgotten-interval');
    const small = join(dir, 'small.json');
    assert.equal((await runCli(['snapshot', '--target', String(target.inspectorPort), '--out', small, '--detach'])).code, 0);
    // The same snapshot padded with whitespace to 1.5 MiB: still valid JSON.
    const padded = join(dir, 'padded.json');
    writeFileSync(padded, readFileSync(small, 'utf8') + ' '.repeat(1.5 * 1024 * 1024));
    const refused = await runCli(['diff', small, padded, '--max-file-mb', '1']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /over the 1\.0 MiB limit .* raise the limit with --max-file-mb 2\./);
    const raised = await runCli(['diff', small, padded, '--max-file-mb', '2']);
    assert.equal(raised.code, 0, raised.stderr);
  });

  for (const node of targetNodes()) {
    test(`watch --json on a target killed mid-run prints the verdict so far with the reason (${node.label})`, async () => {
      const target = await start('forgotten-interval', node.binary);
      const watch = startCli(['watch', '--target', String(target.inspectorPort), '--json', '--duration', '60', '--interval', '200'], {
        timeoutMs: 30_000,
      });
      await new Promise((r) => setTimeout(r, 2500));
      process.kill(target.pid, 'SIGKILL');
      const result = await watch.done;
      assert.equal(result.code, 2, result.stderr);
      const verdict = JSON.parse(result.stdout);
      assert.equal(verdict.schema, 'async-leak-lens/watch@1');
      assert.equal(verdict.target.pid, target.pid);
      assert.equal(verdict.verdict, 'no-verdict');
      assert.equal(verdict.end.by, 'target-gone');
      assert.match(verdict.end.reason, new RegExp(`Target ${target.pid} is gone`));
      assert.ok(result.ms < 15_000, `took ${result.ms} ms`);
    });
  }

  for (const node of targetNodes()) {
    test(`two watches on one target: when the owner stops, the other says it re-injects, owns the agent and removes it (${node.label})`, async () => {
      const target = await start('forgotten-interval', node.binary);
      const args = ['watch', '--target', String(target.inspectorPort), '--interval', '200', '--sites-every', '500'];
      const owner = startCli([...args, '--duration', '4'], { timeoutMs: 30_000 });
      await waitUntil(() => owner.stdout().includes('Target pid'), 10_000, 'the first watch to attach');
      const second = startCli([...args, '--duration', '9'], { timeoutMs: 30_000 });
      const first = await owner.done;
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stderr, /Detached: the agent was removed/);
      const other = await second.done;
      assert.equal(other.code, 0, other.stderr);
      assert.match(other.stderr, /Another client removed the agent from pid \d+; it was injected again, so counts and sites restart now/);
      assert.match(other.stderr, /Detached: the agent was removed from the target/);
      assert.equal(await agentIsIn(target.inspectorUrl), false, 'no agent stays behind without an owner');
    });
  }

  // Ctrl-C at three moments of an attach through an inspector 400 ms away each way: while the
  // address is being resolved, while the agent's install is on the wire, and once it is installed.
  const HOP_MS = 400;
  const moments: { name: string; when: (relay: { clientBytes(): number }, stderr: () => string) => boolean }[] = [
    { name: 'while resolving the address', when: (relay) => relay.clientBytes() > 0 },
    // The install expression carries the whole agent (tens of KiB): half of it is out.
    { name: 'while the install is on the wire', when: (relay) => relay.clientBytes() > 12_000 },
    { name: 'right after the install was sent', when: (relay) => relay.clientBytes() > 26_000 },
  ];
  for (const node of targetNodes()) {
    for (const moment of moments) {
      test(`Ctrl-C during a slow attach ${moment.name} leaves the target as it was (${node.label})`, async () => {
        const target = await start('forgotten-interval', node.binary);
        const relay = await startSlowRelay(target.inspectorPort, HOP_MS);
        cleanups.push(() => relay.close());
        const cli = startCli(['snapshot', '--target', `127.0.0.1:${relay.port}`], { timeoutMs: 60_000 });
        await waitUntil(() => moment.when(relay, cli.stderr), 30_000, moment.name);
        cli.child.kill('SIGINT');
        const result = await cli.done;
        // Whatever was on the wire has arrived by now.
        await new Promise((r) => setTimeout(r, 3 * HOP_MS));
        assert.equal(await agentIsIn(target.inspectorUrl), false, `no agent left in the target; stderr: ${result.stderr}`);
        assert.equal(result.code, 130, `exit code; stderr: ${result.stderr}`);
        assert.match(
          result.stderr,
          /(nothing was changed|no agent was installed|the agent was removed again from pid \d+; the target is as it was)/,
        );
        assert.equal(result.stdout, '', 'no snapshot printed');
      });
    }
  }

  const processGone = (pid: number) => {
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  };

  for (const node of targetNodes()) {
    test(`run -- npm start watches the server npm starts and ends the whole tree (${node.label})`, async () => {
      const pkg = mkdtempSync(join(dir, 'npm-app-'));
      writeFileSync(
        join(pkg, 'package.json'),
        JSON.stringify({ name: 'leaky-app', version: '1.0.0', private: true, scripts: { start: 'node server.js' } }),
      );
      writeFileSync(
        join(pkg, 'server.js'),
        [
          "const http = require('node:http');",
          '// Leaks one interval per request.',
          'const server = http.createServer((req, res) => { setInterval(() => {}, 60_000); res.end("ok\\n"); });',
          "server.listen(0, '127.0.0.1', () => console.log(`READY ${JSON.stringify({ port: server.address().port, pid: process.pid })}`));",
        ].join('\n'),
      );
      const env = { ...process.env, PATH: `${dirname(node.binary)}:${process.env.PATH}`, npm_config_update_notifier: 'false' };
      const cli = startCli(['run', '--duration', '8', '--interval', '250', '--', 'npm', 'start'], { cwd: pkg, env, timeoutMs: 60_000 });
      await waitUntil(() => /READY (\{.*\})/.test(cli.stdout()), 30_000, 'the server to start');
      const ready = JSON.parse(/READY (\{.*\})/.exec(cli.stdout())![1]);
      cleanups.push(() => !processGone(ready.pid) && process.kill(ready.pid, 'SIGKILL'));
      await driveLoad(ready.port, { requests: 20, concurrency: 4 });
      const result = await cli.done;
      assert.equal(result.code, 0, `exit code (-1: the CLI hung); stderr: ${result.stderr}`);
      assert.match(result.stderr, /npm[^\n]* is a launcher: waiting for the Node program it starts/);
      assert.match(result.stderr, new RegExp(`Watching pid ${ready.pid} \\(server\\.js\\)`), 'the server is watched, not npm');
      assert.match(result.stdout, new RegExp(`Target pid ${ready.pid} `));
      assert.ok(result.ms < 25_000, `took ${result.ms} ms`);
      await waitUntil(() => processGone(ready.pid), 5000, 'the server to be gone');
    });

    const permission = node.label === 'Node 24' ? '--permission' : '--experimental-permission';
    test(`run of a program whose inspector the permission model blocks times out with the reason (${node.label})`, async () => {
      const app = join(dir, 'permission-app.js');
      writeFileSync(app, "setInterval(() => {}, 1000); console.log('READY {}');\n");
      const result = await runCli(['run', '--duration', '4', '--', node.binary, permission, '--allow-fs-read=*', app], {
        timeoutMs: 30_000,
      });
      assert.equal(result.code, 2, result.stderr);
      assert.match(
        result.stderr,
        new RegExp(
          `No Node program opened its inspector within 4 s: the program runs Node with the permission model \\(${permission}, pid (\\d+)\\), which blocks the inspector`,
        ),
      );
      assert.match(result.stderr, /on Node 24 add --allow-inspector/);
      assert.ok(result.ms < 12_000, `took ${result.ms} ms`);
      const pid = Number(/permission model \([^,]+, pid (\d+)\)/.exec(result.stderr)![1]);
      await waitUntil(() => processGone(pid), 5000, 'the program to be stopped');
    });
  }

  test('run of a command that is not Node says so within --start-timeout', async () => {
    const result = await runCli(['run', '--start-timeout', '2', '--', 'sleep', '60'], { timeoutMs: 30_000 });
    assert.equal(result.code, 2, result.stderr);
    assert.match(
      result.stderr,
      /No Node program opened its inspector within 2 s: sleep started no Node process \(run watches Node programs only\)\. sleep 60 was stopped\./,
    );
    assert.ok(result.ms < 10_000, `took ${result.ms} ms`);
  });

  const freezes = join(repoRoot(), 'test', 'reliability', 'targets', 'freezes.js');
  const startFreezing = async (mode: string, node: string): Promise<RunningFixture> => {
    const target = await startScript(freezes, { node, env: { FREEZE: mode } });
    cleanups.push(async () => {
      try {
        process.kill(target.pid, 'SIGCONT');
      } catch {
        // Gone.
      }
      await target.stop();
    });
    return target;
  };

  for (const node of targetNodes()) {
    test(`a stopped target is named as stopped, by port, pid and URL, within seconds (${node.label})`, async () => {
      const target = await startFreezing('', node.binary);
      process.kill(target.pid, 'SIGSTOP');
      for (const address of [String(target.inspectorPort), `pid:${target.pid}`, target.inspectorUrl]) {
        const result = await runCli(['snapshot', '--target', address], { timeoutMs: 30_000 });
        assert.equal(result.code, 2, result.stderr);
        assert.match(
          result.stderr,
          new RegExp(
            `Process ${target.pid} is stopped \\(SIGSTOP or Ctrl-Z\\), so it cannot answer: resume it with \`kill -CONT ${target.pid}\``,
          ),
          address,
        );
        assert.doesNotMatch(result.stderr, /Is it an inspector port\?|Is it a Node\.js process\?/);
        assert.ok(result.ms < 15_000, `${address}: took ${result.ms} ms`);
      }
      process.kill(target.pid, 'SIGCONT');
    });

    test(`a target stopped in the middle of an attach and snapshot is named within seconds (${node.label})`, async () => {
      const target = await startFreezing('gc', node.binary);
      const cli = startCli(['snapshot', '--target', String(target.inspectorPort)], { timeoutMs: 120_000 });
      await waitUntil(() => target.stdout().includes('GC'), 20_000, 'the GC');
      process.kill(target.pid, 'SIGSTOP');
      const result = await cli.done;
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, new RegExp(`The target is not answering\\. Process ${target.pid} is stopped`));
      assert.ok(result.ms < 10_000, `took ${result.ms} ms to give up`);
    });

    test(`a snapshot whose GC a blocked event loop delays says it was taken without GC, in text and JSON (${node.label})`, async () => {
      const target = await startFreezing('block:2500', node.binary);
      const session = await Session.attach(target.inspectorUrl, { callTimeoutMs: 1000, workers: false });
      try {
        await waitUntil(() => target.stdout().includes('BLOCKING'), 5000, 'the target to block');
        const snapshot = await session.snapshot();
        assert.equal(snapshot.gc?.status, 'skipped');
        assert.match(snapshot.gc?.reason ?? '', /full GC got no answer .*event loop was blocked or busy/);
        assert.match(formatSnapshotSummary(snapshot), /Taken without a full GC: the full GC got no answer/);
        // The file keeps it, and the validator accepts it.
        assert.deepEqual(parseSnapshot(serializeSnapshot(snapshot), 'snapshot.json').gc, snapshot.gc);
        assert.equal((await session.snapshot()).gc?.status, 'collected', 'once unblocked, the GC runs again');
      } finally {
        await session.detach();
      }
    });
  }
});
