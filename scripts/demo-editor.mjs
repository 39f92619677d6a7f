// `npm run demo:editor`: the bundled leaky example (test/fixtures/queue-workers, inspector on
// 127.0.0.1) opened in an editor with the extension loaded from this repository: desktop VS Code
// (extension development mode) when `code` is on PATH, otherwise the pinned code-server on
// 127.0.0.1 with the URL printed. Stays up until Ctrl-C, then stops everything it started.
// Options: --code-server (use code-server even when `code` is on PATH), --requests N (per Enter, default 50)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import { startCodeServer } from './vscode-test/code-server.mjs';
import { CODE_SERVER_VERSION, repoRoot } from './vscode-test/paths.mjs';
import { killTree, killTreeNow } from './vscode-test/process-tree.mjs';
import { missingPrerequisites } from './vscode-test/prerequisites.mjs';

const EXAMPLE = 'queue-workers';
const exampleDir = join(repoRoot, 'test', 'fixtures', EXAMPLE);
const argValue = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};
const requestsPerRound = Math.max(1, Math.min(1000, Number(argValue('--requests', 50)) || 50));
const log = (msg = '') => console.log(msg);
const fail = (msg) => {
  console.error(`[demo:editor] ERROR: ${msg}`);
  process.exit(1);
};

if (!existsSync(join(repoRoot, 'dist', 'extension.js')))
  fail('dist/extension.js does not exist. Fix: npm run build (npm run demo:editor builds first)');

function onPath(command) {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, command)));
}

/** The example with its inspector on a free loopback port, in its own process group. */
function startExample() {
  const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', join(exampleDir, 'server.js')], {
    cwd: exampleDir,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  process.on('exit', () => killTreeNow(child.pid));
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    const check = () => {
      const ready = /READY (\{.*\})/.exec(out);
      const inspector = /Debugger listening on ws:\/\/127\.0\.0\.1:(\d+)\//.exec(err);
      if (ready && inspector) resolve({ child, port: JSON.parse(ready[1]).port, inspectorPort: Number(inspector[1]) });
    };
    child.stdout.on('data', (d) => {
      out += d;
      check();
    });
    child.stderr.on('data', (d) => {
      err += d;
      check();
    });
    child.on('exit', (code) => reject(new Error(`the example exited (${code}) before it was ready:\n${out}${err}`)));
  });
}

/** A bounded burst of GET / (4 at a time); each request leaves one worker blocked forever. */
async function sendLoad(port, requests) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  let next = 0;
  let ok = 0;
  const one = () =>
    new Promise((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/', agent, timeout: 5000 }, (res) => {
        res.resume().on('end', () => {
          if (res.statusCode === 200) ok++;
          resolve();
        });
      });
      req.on('timeout', () => req.destroy());
      req.on('error', resolve);
    });
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next++ < requests) await one();
    }),
  );
  agent.destroy();
  return ok;
}

const tmp = mkdtempSync(join(tmpdir(), 'alens-demo-editor-'));
const state = { example: null, server: null };
let stopping;
function stopAll(code) {
  stopping ??= (async () => {
    log('\nStopping the example and the editor server…');
    if (state.example) await killTree(state.example.child.pid);
    await state.server?.stop();
    rmSync(tmp, { recursive: true, force: true });
    process.exit(code);
  })();
  return stopping;
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => stopAll(0));

state.example = await startExample().catch((err) => fail(err.message));
const { port, inspectorPort } = state.example;
log(`The leaky example test/fixtures/${EXAMPLE}/server.js is running (pid ${state.example.child.pid}):`);
log(`  HTTP       http://127.0.0.1:${port}/   each GET / starts a worker that waits forever at line 41`);
log(`  inspector  127.0.0.1:${inspectorPort}`);
log();

const useCodeServer = process.argv.includes('--code-server') || !onPath('code');
if (!useCodeServer) {
  // Desktop VS Code: a new window in extension development mode; the extension loads from here.
  const r = spawnSync('code', ['--new-window', `--extensionDevelopmentPath=${repoRoot}`, exampleDir], { stdio: 'inherit' });
  if (r.status !== 0) fail(`\`code\` exited with ${r.status ?? r.signal}; rerun with --code-server to use code-server instead`);
  log(`Opened ${exampleDir} in VS Code with the extension from ${repoRoot} (window title: [Extension Development Host]).`);
} else {
  const missing = missingPrerequisites().filter((m) => m.what.startsWith('code-server'));
  if (missing.length) fail(`${missing[0].what} is missing and \`code\` is not on PATH. Fix: ${missing[0].fix}`);
  state.server = await startCodeServer({ dir: join(tmp, 'server'), workspace: exampleDir }).catch((err) => fail(err.message));
  // Same mechanism as the tests: the workbench loads the extension from its development path.
  const payload = [['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${state.server.port}${repoRoot}`]];
  const url = `${state.server.base}/?folder=${encodeURIComponent(exampleDir)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  log(`code-server ${CODE_SERVER_VERSION} is serving VS Code with the extension on 127.0.0.1 only. Open in a browser:`);
  log();
  log(`  ${url}`);
  log();
  log(`(From another machine, forward the port first: ssh -L ${state.server.port}:127.0.0.1:${state.server.port} <this host>)`);
}
log();
log('Then, in the editor:');
log(`  1. Open the Async Leak Lens view (activity bar), click "Attach by Inspector Address…" and answer ${inspectorPort}.`);
log(`  2. Put the example under load: press Enter here (${requestsPerRound} requests), or curl http://127.0.0.1:${port}/`);
log('  3. Watch the tree and the status bar grow; open server.js for the gutter marks and hovers;');
log('     "Async Leak Lens: Show Live Chart"; "Take Snapshot" before and after a load, then "Compare Snapshots…".');
log();
log(process.stdin.isTTY ? 'Enter: send load. Ctrl-C: stop everything.' : 'Ctrl-C: stop everything.');

// terminal: false keeps Ctrl-C a signal (a raw-mode terminal would swallow it).
if (process.stdin.isTTY) {
  let busy = false;
  createInterface({ input: process.stdin, terminal: false }).on('line', async () => {
    if (busy) return;
    busy = true;
    const ok = await sendLoad(port, requestsPerRound);
    log(`Sent ${requestsPerRound} requests, ${ok} answered: ${ok} more workers blocked at line 41.`);
    busy = false;
  });
}
// Stays up until a signal (the example and the server keep the event loop alive).
