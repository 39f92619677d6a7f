// Loopback really only: every inspector URL the CLI is about to open is checked, wherever it came
// from (a /json/list answer, a program's own output), and a connection that never completes ends
// the command with its exit code instead of keeping it alive.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { InspectorConnection } from '../../src/core/inspector/inspector-connection';
import { runCli } from './support/run-cli';

/** 192.0.2.0/24 is TEST-NET-1: never routed, so a connection attempt would hang until a timeout. */
const REMOTE = '192.0.2.2';
/** A refusal happens before any connection: well under the 3 s HTTP and 10 s WebSocket timeouts. */
const REFUSAL_MS = 2500;

async function listen(server: net.Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return (server.address() as net.AddressInfo).port;
}

describe('loopback only, for every URL about to be opened', () => {
  const cleanups: (() => unknown)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  test('a local /json/list that points at another host is refused (exit 2, names the host and --allow-remote)', async () => {
    const server = http.createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/json/version') res.end(JSON.stringify({ Browser: 'node.js/v20.0.0', 'Protocol-Version': '1.1' }));
      else
        res.end(
          JSON.stringify([
            {
              type: 'node',
              title: 'x',
              url: 'file:///x.js',
              webSocketDebuggerUrl: `ws://${REMOTE}:9229/0f2c936f-b1cd-4ac9-aab3-f63b0f33d55e`,
            },
          ]),
        );
    });
    const port = await listen(server);
    cleanups.push(() => server.close());
    const result = await runCli(['snapshot', '--target', `127.0.0.1:${port}`]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, new RegExp(`Refusing to connect to ${REMOTE.replace(/\./g, '\\.')}.*--allow-remote`));
    assert.ok(result.ms < REFUSAL_MS + 1000, `took ${result.ms} ms: it tried to connect`);
  });

  test('run: a program that says its inspector is on another host is refused and stopped', async () => {
    const script = `echo "Debugger listening on ws://${REMOTE}:9229/0f2c936f-b1cd-4ac9-aab3-f63b0f33d55e" >&2; exec sleep 30`;
    const result = await runCli(['run', '--', 'sh', '-c', script]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, new RegExp(`Refusing to connect to ${REMOTE.replace(/\./g, '\\.')}.*--allow-remote`));
    assert.ok(result.ms < REFUSAL_MS + 1000, `took ${result.ms} ms: it tried to connect, or waited for the program`);
  });

  test('the connection itself refuses a remote URL without opening a socket', async () => {
    const started = Date.now();
    await assert.rejects(
      InspectorConnection.open(`ws://${REMOTE}:9229/x`),
      (error: Error & { code?: string }) => error.code === 'not-loopback',
    );
    assert.ok(Date.now() - started < 100);
    await assert.rejects(InspectorConnection.open('http://127.0.0.1:9229/json/list'), /not an inspector WebSocket URL/);
  });

  test('a ws:// endpoint that accepts TCP but never upgrades ends the command with exit 2 at the stated timeout', async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer((socket) => void sockets.push(socket));
    const port = await listen(server);
    cleanups.push(() => {
      sockets.forEach((s) => s.destroy());
      server.close();
    });
    const result = await runCli(['snapshot', '--target', `ws://127.0.0.1:${port}/x`], 30_000);
    assert.equal(result.code, 2, `still running after 30 s, or: ${result.stderr}`);
    assert.match(result.stderr, /did not accept a connection within 10 s/);
    assert.ok(result.ms < 13_000, `took ${result.ms} ms`);
  });

  test("in process (the editor's case): the timed-out connection closes its socket", async () => {
    const sockets: net.Socket[] = [];
    // It reads (so it sees the other end close) but never answers.
    const server = net.createServer((socket) => void sockets.push(socket.resume()));
    const port = await listen(server);
    cleanups.push(() => {
      sockets.forEach((s) => s.destroy());
      server.close();
    });
    await assert.rejects(InspectorConnection.open(`ws://127.0.0.1:${port}/x`, 500), /did not accept a connection within 0\.5 s/);
    assert.equal(sockets.length, 1);
    const closed = await Promise.race([
      new Promise((r) => sockets[0].once('close', () => r(true))),
      new Promise((r) => setTimeout(() => r(false), 2000)),
    ]);
    assert.equal(closed, true, 'the socket is still open 2 s after the timeout');
  });
});
