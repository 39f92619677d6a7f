// The agent has no async_hooks destroy hook (it would make Node track every promise's GC), so it
// reads liveness from the resources themselves. These tests hold finished resources referenced,
// so no GC can be what makes them leave the counts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { Session } from '../../src/core/inspector/session';

// Keeps everything it makes in `held`, so finished resources stay reachable.
const TARGET = `
const net = require('node:net');
const held = [];
const server = net.createServer((socket) => held.push(socket)).listen(0, '127.0.0.1');
require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
  const [command, n] = line.split(' ');
  if (command === 'intervals') for (let i = 0; i < Number(n); i++) held.push(setInterval(() => {}, 3600000));
  if (command === 'clear') for (const item of held) if (item && item._repeat) clearInterval(item);
  if (command === 'sockets') for (let i = 0; i < Number(n); i++) held.push(net.connect(server.address().port, '127.0.0.1'));
  if (command === 'close') for (const item of held) if (item instanceof net.Socket) item.destroy();
  process.stdout.write('DONE\\n');
});
server.on('listening', () => process.stdout.write('READY\\n'));
`;

interface Target {
  child: ChildProcess;
  url: string;
  send(command: string): Promise<void>;
}

function startTarget(): Promise<Target> {
  const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', '-e', TARGET], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  const waiting: (() => void)[] = [];
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const line of stdout.split('\n').slice(0, -1)) if (line === 'DONE') waiting.shift()?.();
    stdout = stdout.slice(stdout.lastIndexOf('\n') + 1);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`target did not start: ${stderr}`)), 15_000);
    const check = setInterval(() => {
      const url = /Debugger listening on (ws:\/\/\S+)/.exec(stderr)?.[1];
      if (!url) return;
      clearInterval(check);
      clearTimeout(timer);
      resolve({
        child,
        url,
        send: (command) =>
          new Promise<void>((done) => {
            waiting.push(done);
            child.stdin!.write(`${command}\n`);
          }),
      });
    }, 20);
  });
}

/** Polls until `check` holds for the counts or `polls` polls went by; returns the last counts. */
async function pollUntil(
  session: Session,
  check: (counts: Record<string, number>) => boolean,
  polls = 10,
): Promise<Record<string, number>> {
  let counts: Record<string, number> = {};
  for (let i = 0; i < polls; i++) {
    counts = (await session.poll()).counts;
    if (check(counts)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return counts;
}

describe('agent liveness without a destroy hook', () => {
  let target: Target;
  let session: Session;
  before(async () => {
    target = await startTarget();
    session = await Session.attach(target.url);
  });
  after(async () => {
    await session?.detach().catch(() => undefined);
    target?.child.kill();
  });

  test('cleared intervals leave the live counts within a few polls, though still referenced', async () => {
    await target.send('intervals 600');
    const live = await pollUntil(session, (c) => (c.Timeout ?? 0) >= 600);
    assert.ok((live.Timeout ?? 0) >= 600, `600 intervals counted: ${JSON.stringify(live)}`);
    await target.send('clear');
    const cleared = await pollUntil(session, (c) => (c.Timeout ?? 0) < 10);
    assert.ok((cleared.Timeout ?? 0) < 10, `cleared intervals still counted: ${JSON.stringify(cleared)}`);
  });

  test('destroyed sockets leave the counts and the sites of a light snapshot (no GC)', async () => {
    await target.send('sockets 40');
    const open = await pollUntil(session, (c) => (c.TCPWRAP ?? 0) >= 80);
    assert.ok(
      (open.TCPWRAP ?? 0) >= 80,
      `both ends of 40 connections counted (the accepted end has no JavaScript stack): ${JSON.stringify(open)}`,
    );
    await target.send('close');
    await new Promise((r) => setTimeout(r, 300));
    const snapshot = await session.snapshot({ collectGarbage: false });
    const sockets = snapshot.sites.filter((s) => s.type === 'TCPWRAP').reduce((sum, s) => sum + s.count, 0);
    assert.ok(sockets < 40, `closed sockets still in the sites: ${sockets}`);
    assert.ok((snapshot.totals.TCPWRAP ?? 0) < 40, `closed sockets still counted: ${JSON.stringify(snapshot.totals)}`);
  });
});
