// The main job on a bundled leaky example: start it with its inspector open and let it serve (and
// leak) for a while before any tool comes, then run the CLI as a user would: snapshot (with its
// census of what is already pending), load, snapshot, diff, detach. Prints each command first.
// Usage: node scripts/demo.mjs [example] [requests] [--keep]  (--keep keeps the snapshot files)
import { spawn, spawnSync } from 'node:child_process';
import * as http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const keep = args.includes('--keep');
const [example = 'queue-workers', requestsArg = '100'] = args.filter((arg) => !arg.startsWith('--'));
const requests = Number(requestsArg);
const entry = join(root, 'test', 'fixtures', example, 'server.js');
const work = mkdtempSync(join(tmpdir(), 'async-leak-lens-demo-'));

const app = spawn(process.execPath, ['--inspect=127.0.0.1:0', entry], { stdio: ['ignore', 'pipe', 'pipe'] });
const stop = () => app.exitCode === null && app.kill();
process.on('exit', () => {
  stop();
  if (keep) console.log(`Snapshot files kept in ${work}`);
  else rmSync(work, { recursive: true, force: true });
});

function waitFor(stream, pattern) {
  return new Promise((resolve, reject) => {
    let seen = '';
    stream.on('data', (chunk) => {
      seen += chunk;
      const match = pattern.exec(seen);
      if (match) resolve(match[1]);
    });
    app.on('exit', () => reject(new Error(`${example} exited early:\n${seen}`)));
  });
}

const [inspector, ready] = await Promise.all([
  waitFor(app.stderr, /Debugger listening on ws:\/\/127\.0\.0\.1:(\d+)\//),
  waitFor(app.stdout, /READY (\{.*\})/),
]);
const { port } = JSON.parse(ready);
console.log(
  `Started test/fixtures/${example}/server.js (pid ${app.pid}): HTTP on 127.0.0.1:${port}, inspector on 127.0.0.1:${inspector}\n`,
);

function cli(...args) {
  console.log(`$ async-leak-lens ${args.join(' ')}`);
  const result = spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), ...args], { stdio: 'inherit', cwd: root });
  console.log('');
  return result.status;
}

async function load(n, why = '') {
  console.log(`... sending ${n} requests to http://127.0.0.1:${port}/ (8 at a time)${why}`);
  // One connection per request: no keep-alive timer of the server's is left to come and go in the
  // snapshots, so every run of the demo prints the same sites.
  const agent = new http.Agent({ keepAlive: false, maxSockets: 8 });
  let next = 0;
  const one = () =>
    new Promise((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/', agent, timeout: 5000 }, (res) => res.resume().on('end', resolve));
      req.on('timeout', () => req.destroy());
      req.on('error', resolve);
    });
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next++ < n) await one();
    }),
  );
  agent.destroy();
  // Node's HTTP server caches its Date header for a second with a timer made by the last response;
  // waiting it out keeps that timer from coming and going in the snapshots.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  console.log('');
}

const before = join(work, 'before.json');
const after = join(work, 'after.json');
await load(requests / 2, ', before any tool is attached');
cli('snapshot', '--target', inspector, '--out', before, '--label', 'before-load');
await load(requests);
cli('snapshot', '--target', inspector, '--out', after, '--label', 'after-load', '--detach');
const status = cli('diff', before, after, '--fail-on-growth', String(Math.floor(requests / 2)));
console.log(
  status === 1 ? 'Exit code 1: a site grew with the load, so this is a leak (see the blocked-at line above).' : `Exit code ${status}.`,
);
stop();
