// async-leak-lens/register as production runs it: preloaded with -r, --import or NODE_OPTIONS in
// a real process without an inspector; settings from the environment; the CLI attaching to it
// reuses the agent and what it saw since start; the kill switches (environment, CLI detach).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getJson, repoRoot, startScript, type RunningFixture, type StartOptions } from '../support/fixtures';
import { freePort, getText, makeInstalledApp, parsePromText } from '../support/preload';

const app = makeInstalledApp('production');
const STARTUP_LINE = lineOf('@leak created startup');
const running: RunningFixture[] = [];

function lineOf(marker: string): number {
  const lines = readFileSync(join(repoRoot(), 'test', 'fixtures', 'production', 'service.js'), 'utf8').split('\n');
  return lines.findIndex((l) => l.includes(marker)) + 1;
}

async function start(entry: string, opts: StartOptions): Promise<RunningFixture> {
  const target = await startScript(join(app, entry), { inspect: false, cwd: app, ...opts });
  running.push(target);
  return target;
}

function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(repoRoot(), 'dist', 'cli.js'), ...args],
      { timeout: 30_000, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      },
    );
  });
}

/** Our lines on stderr (the app writes none). */
function warnings(target: RunningFixture): string[] {
  return target
    .stderr()
    .split('\n')
    .filter((l) => l.startsWith('async-leak-lens:'));
}

describe('async-leak-lens/register', () => {
  after(() => Promise.all(running.map((t) => t.stop())));

  test('-r starts the production agent before the app, opens no inspector and no listener', async () => {
    const target = await start('service.js', { execArgv: ['-r', 'async-leak-lens/register'] });
    assert.deepEqual({ ...target.ready, port: 0 }, { port: 0, agent: true, profile: 'production', inspector: null });
    const state = await getJson(target.port, '/agent');
    assert.equal(state.servers, 1, 'only the app listens');
    assert.deepEqual(warnings(target), []);
  });

  test('--import (ES module app) and NODE_OPTIONS with either', async () => {
    const port = await freePort();
    const viaImport = await start('service.mjs', {
      execArgv: ['--import', 'async-leak-lens/register'],
      env: { ASYNC_LEAK_LENS_METRICS: `127.0.0.1:${port}` },
    });
    assert.equal(viaImport.ready.agent, true);
    assert.equal(viaImport.ready.inspector, null);
    // The ES module loader runs the preload as CommonJS: its metrics endpoint works there too.
    assert.match(await getText(`http://127.0.0.1:${port}/metrics`), /^nodejs_async_tracking_active 1$/m);
    for (const flag of ['--import async-leak-lens/register', '-r async-leak-lens/register']) {
      const target = await start('service.mjs', { env: { NODE_OPTIONS: flag } });
      assert.equal(target.ready.agent, true, flag);
      assert.equal(target.ready.profile, 'production', flag);
    }
  });

  test('sites made while the module loaded are in the metrics endpoint', async () => {
    const port = await freePort();
    const target = await start('service.js', {
      execArgv: ['-r', 'async-leak-lens/register'],
      env: { ASYNC_LEAK_LENS_METRICS: `127.0.0.1:${port}` },
    });
    const samples = parsePromText(await getText(`http://127.0.0.1:${port}/metrics`));
    const site = samples.find(
      (s) => s.name === 'nodejs_async_site_pending_resources' && s.labels.file === 'service.js' && s.labels.line === String(STARTUP_LINE),
    );
    assert.ok(site, `no series for service.js:${STARTUP_LINE} in\n${samples.map((s) => JSON.stringify(s)).join('\n')}`);
    assert.ok(site.value >= 20, `startup site counts ${site.value}`);
    assert.equal(site.labels.kind, 'created');
    assert.equal(site.labels.type, 'PROMISE');
    assert.equal((await getJson(target.port, '/agent')).servers, 2, 'the app and the endpoint asked for');
  });

  test('the CLI attaching reuses the preloaded agent and its history; CLI detach removes it', async () => {
    const target = await start('service.js', { inspect: true, execArgv: ['-r', 'async-leak-lens/register'] });
    const out = join(mkdtempSync(join(tmpdir(), 'all-reg-')), 'snap.json');
    const snapshot = await runCli(['snapshot', '--target', String(target.inspectorPort), '--out', out]);
    assert.equal(snapshot.code, 0, snapshot.stderr);
    assert.match(snapshot.stderr, /agent stays/, 'the CLI found an agent already there');
    const snap = JSON.parse(readFileSync(out, 'utf8'));
    const startup = snap.sites.find((s: any) => s.frame.file.endsWith('service.js') && s.frame.line === STARTUP_LINE);
    assert.ok(
      startup && startup.count >= 20,
      `promises made at startup, before the attach, are in the snapshot: ${JSON.stringify(startup)}`,
    );
    assert.deepEqual(
      await getJson(target.port, '/agent'),
      { agent: true, profile: 'production', stackCapturesPerSecond: 20, servers: 1 },
      'the attach kept the production settings',
    );

    const detach = await runCli(['detach', '--target', String(target.inspectorPort)]);
    assert.equal(detach.code, 0, detach.stderr);
    assert.equal((await getJson(target.port, '/agent')).agent, false);
  });

  test('ASYNC_LEAK_LENS=off is a kill switch: no agent', async () => {
    const target = await start('service.js', { execArgv: ['-r', 'async-leak-lens/register'], env: { ASYNC_LEAK_LENS: 'off' } });
    assert.equal(target.ready.agent, false);
    assert.deepEqual(warnings(target), []);
  });

  test('invalid settings: one clear warning each, defaults used, the app runs', async () => {
    const target = await start('service.js', {
      execArgv: ['-r', 'async-leak-lens/register'],
      env: { ASYNC_LEAK_LENS_STACK_DEPTH: 'deep', ASYNC_LEAK_LENS_PROFILE: 'turbo', ASYNC_LEAK_LENS_METRICS: '0.0.0.0:9464' },
    });
    assert.equal(target.ready.agent, true);
    assert.equal(target.ready.profile, 'production');
    const lines = warnings(target);
    assert.equal(lines.length, 3, lines.join('\n'));
    assert.match(lines.join('\n'), /ASYNC_LEAK_LENS_STACK_DEPTH="deep" is not a whole number from 1 to 100: using 8\./);
    assert.match(lines.join('\n'), /ASYNC_LEAK_LENS_PROFILE="turbo" is not one of production, dev: using production\./);
    assert.match(lines.join('\n'), /ASYNC_LEAK_LENS_METRICS="0\.0\.0\.0:9464" is not a loopback address: no metrics endpoint/);
    assert.equal((await getJson(target.port, '/agent')).servers, 1, 'no listener on a remote address without the opt-in');
    assert.equal(await getText(`http://127.0.0.1:${target.port}/`), 'ok\n');
  });
});
