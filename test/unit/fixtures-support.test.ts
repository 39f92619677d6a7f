// Checks the fixture support module against the real fixtures: they start with an inspector,
// answer load, carry their markers, and stop without leaving a process behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { driveLoad, findMarker, listFixtures, startFixture, type RunningFixture } from '../support/fixtures';

function getText(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.setTimeout(5000, () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
  });
}

/** True while `pid` runs. A killed orphan stays a zombie until init reaps it: that counts as dead. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // /proc/<pid>/stat: "pid (comm) state ..."; comm may contain spaces or parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return process.platform !== 'linux'; // no /proc: trust kill(0); on Linux it just exited
  }
}

// Re-run as a child with this variable set, the file starts a fixture, prints its pid and exits
// without stop(): the test below checks that the exit handler killed it.
const EXIT_PROBE_ENV = 'FIXTURES_SUPPORT_EXIT_PROBE';

if (process.env[EXIT_PROBE_ENV] === '1') {
  startFixture('forgotten-interval').then(
    (fixture) => {
      process.stdout.write(`FIXTURE_PID ${fixture.pid}\n`);
      process.exit(0);
    },
    (error: Error) => {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    },
  );
} else {
  test('listFixtures covers every leak kind the issue asks for, plus the healthy server', () => {
    const fixtures = listFixtures();
    const byName = new Map(fixtures.map((f) => [f.name, f]));
    const expected: Record<string, string> = {
      'unreceived-send': 'blocked',
      'queue-workers': 'blocked',
      'forgotten-interval': 'created',
      'unclosed-socket': 'created',
      'never-fired-event': 'blocked',
      'ts-app': 'blocked',
      'esm-app': 'blocked',
      'dep-leak': 'blocked',
      'worker-leak': 'blocked',
      'stuck-reports': 'blocked',
      'abandoned-fanout': 'abandoned',
      'abandoned-holder': 'abandoned',
      'healthy-race': 'none',
      'healthy-server': 'none',
    };
    assert.deepEqual(Object.fromEntries(fixtures.map((f) => [f.name, f.expected])), expected);
    for (const f of fixtures) assert.ok(existsSync(f.dir), `${f.name}: source folder ${f.dir} exists`);
    assert.match(byName.get('ts-app')!.entry, /out[\\/]fixtures[\\/]ts-app[\\/]main\.js$/);
    assert.match(byName.get('esm-app')!.entry, /\.mjs$/);
  });

  test('findMarker finds exactly one primary marker per leaky fixture, in the source file', () => {
    for (const f of listFixtures()) {
      if (f.expected === 'none') {
        assert.throws(() => findMarker(f.name), /no marker/);
        continue;
      }
      const marker = findMarker(f.name);
      assert.equal(marker.kind, f.expected, `${f.name}: marker kind`);
      assert.ok(marker.file.startsWith(f.dir), `${f.name}: ${marker.file} is inside ${f.dir}`);
      assert.ok(!marker.file.includes('node_modules'), `${f.name}: the expected site is user code`);
      const text = readFileSync(marker.file, 'utf8').split(/\r?\n/)[marker.line - 1];
      assert.match(text, new RegExp(`// @leak ${marker.kind}\\s*$`), `${f.name}: line ${marker.line} holds the marker`);
      if (f.expected === 'blocked' || f.expected === 'abandoned') assert.match(text, /\bawait\b/, `${f.name}: a blocked site is an await`);
    }
    assert.match(findMarker('ts-app').file, /[\\/]test[\\/]fixtures[\\/]ts-app[\\/]orders\.ts$/);
    assert.match(findMarker('worker-leak').file, /render-worker\.js$/);
    assert.throws(() => findMarker('forgotten-interval', 'secondary'), /no marker .*secondary/);
    assert.throws(() => findMarker('no-such-fixture'), /unknown fixture "no-such-fixture"; known fixtures: .*healthy-server/);
  });

  test('startFixture runs fixtures with an inspector, driveLoad loads them, stop() leaves nothing behind', async (t) => {
    const running: RunningFixture[] = [];
    t.after(() => Promise.all(running.map((f) => f.stop())));

    for (const name of ['forgotten-interval', 'ts-app', 'worker-leak', 'healthy-server']) {
      const fixture = await startFixture(name);
      running.push(fixture);

      assert.ok(fixture.pid > 0, `${name}: pid`);
      assert.match(fixture.inspectorUrl, /^ws:\/\/127\.0\.0\.1:\d+\/[0-9a-f-]+$/, `${name}: inspector URL`);
      assert.ok(fixture.inspectorPort > 0 && fixture.inspectorPort !== fixture.port, `${name}: inspector port`);
      assert.match(fixture.stdout(), /^READY \{"port":\d+\}\n$/, `${name}: exactly one READY line on stdout`);
      assert.match(fixture.stderr(), /Debugger listening on ws:\/\//);

      // The inspector answers on its own port and lists this very target.
      const list = await getText(fixture.inspectorPort, '/json/list');
      assert.equal(list.status, 200);
      assert.ok(list.body.includes(fixture.inspectorUrl.slice('ws://'.length)), `${name}: /json/list names the target`);

      const first = await getText(fixture.port, '/');
      assert.equal(first.status < 300, true, `${name}: GET / answers 2xx, got ${first.status}`);
      assert.equal((await getText(fixture.port, '/nope')).status, 404, `${name}: other paths are 404`);

      const load = await driveLoad(fixture.port, { requests: 40, concurrency: 8, timeoutMs: 5000 });
      assert.deepEqual(load, { ok: 40, failed: 0, timedOut: 0 }, `${name}: load`);
    }

    for (const fixture of running) {
      await fixture.stop();
      assert.equal(isAlive(fixture.pid), false, `${fixture.name}: process ${fixture.pid} is gone`);
      assert.ok(fixture.child.exitCode !== null || fixture.child.signalCode !== null, `${fixture.name}: exit observed`);
      await fixture.stop(); // idempotent
    }
  });

  test('startFixture without inspector, and a clear error when READY never comes', async () => {
    const plain = await startFixture('esm-app', { inspect: false });
    try {
      assert.equal(plain.inspectorUrl, '');
      assert.equal(plain.inspectorPort, 0);
      assert.deepEqual(await driveLoad(plain.port, { requests: 10, concurrency: 3 }), { ok: 10, failed: 0, timedOut: 0 });
    } finally {
      await plain.stop();
    }
    assert.equal(isAlive(plain.pid), false);

    await assert.rejects(startFixture('healthy-server', { timeoutMs: 1 }), (error: Error) => {
      assert.match(error.message, /fixture "healthy-server" .*not ready after 1 ms/);
      assert.match(error.message, /--- stdout ---[\s\S]*--- stderr ---/);
      return true;
    });
    await assert.rejects(startFixture('healthy-server', { node: '/nonexistent/node' }), /could not start|exited before READY/);
    await assert.rejects(startFixture('bogus'), /unknown fixture "bogus"/);
  });

  test('driveLoad aborts hanging requests after timeoutMs and counts failures', async (t) => {
    const hanging = new Set<http.ServerResponse>();
    const server = http.createServer((req, res) => {
      if (req.url === '/hang') hanging.add(res);
      else if (req.url === '/boom') res.writeHead(500).end();
      else res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    });
    const { port } = server.address() as AddressInfo;

    const started = Date.now();
    assert.deepEqual(await driveLoad(port, { requests: 6, concurrency: 3, path: '/hang', timeoutMs: 200 }), {
      ok: 0,
      failed: 0,
      timedOut: 6,
    });
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 2000, `two rounds of 200 ms timeouts took ${elapsed} ms`);

    assert.deepEqual(await driveLoad(port, { requests: 5, concurrency: 2, path: '/boom' }), { ok: 0, failed: 5, timedOut: 0 });
    assert.deepEqual(await driveLoad(port, { requests: 0, concurrency: 4 }), { ok: 0, failed: 0, timedOut: 0 });

    server.close();
    assert.deepEqual(await driveLoad(port, { requests: 3, concurrency: 3 }), { ok: 0, failed: 3, timedOut: 0 }, 'closed port');
  });

  test('a fixture left running is killed when the test process exits', async () => {
    const child = spawn(process.execPath, [__filename], {
      env: { ...process.env, [EXIT_PROBE_ENV]: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0, `probe output:\n${out}`);
    const pid = Number(/^FIXTURE_PID (\d+)$/m.exec(out)?.[1]);
    assert.ok(pid > 0, `probe printed its fixture's pid:\n${out}`);
    // SIGKILL was sent as the probe exited; give the kernel a moment to deliver it.
    for (let i = 0; i < 50 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(isAlive(pid), false, `fixture ${pid} outlived the process that started it`);
  });
}
