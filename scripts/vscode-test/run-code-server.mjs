// CI runner: runs the extension-host mocha suite (out/test/vscode/suite/index.js) inside a real
// VS Code workbench served by code-server, driven by headless Chromium. Exit code = the suite's.
// Build first (npm run build). Environment:
//   VSCODE_TEST_TIMEOUT_MS   whole-run timeout, default 1200000 (20 min; the suite takes 1.5 to 5)
//   VSCODE_TEST_WORKSPACE    folder to open (default: an empty throwaway folder)
//   VSCODE_TEST_VERBOSE=1    also print the workbench's own log, browser errors and the server log
//   VSCODE_TEST_KEEP=1       keep the throwaway folder (logs, user data) for inspection
//   ASYNC_LEAK_LENS_TEST_VSIX=<file>  install that package into the server and test it instead of
//                            this checkout's development path (npm run test:package)
//   ASYNC_LEAK_LENS_*        forwarded to the tests (see test-env.mjs)
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { format } from 'node:util';
import { launchBrowser } from './browser.mjs';
import { startCodeServer } from './code-server.mjs';
import { isCI, repoRoot, stampFile } from './paths.mjs';
import { missingPrerequisites } from './prerequisites.mjs';
import { createRunGuard } from './run-guard.mjs';
import { testEnvironment } from './test-env.mjs';

const log = (msg) => console.log(`[test:vscode] ${msg}`);
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

const missing = missingPrerequisites();
if (missing.length) {
  for (const { what, fix } of missing) {
    if (isCI) console.error(`[test:vscode] ERROR: ${what} is missing; CI=true makes these tests mandatory. Fix: ${fix}`);
    else log(`SKIP: extension-host tests not run, ${what} is missing. Fix: ${fix}`);
  }
  process.exit(isCI ? 1 : 0);
}

const testsPath = join(repoRoot, 'out', 'test', 'vscode', 'suite', 'index.js');
const vsix = process.env.ASYNC_LEAK_LENS_TEST_VSIX ? resolve(process.env.ASYNC_LEAK_LENS_TEST_VSIX) : undefined;
for (const built of [testsPath, vsix ?? join(repoRoot, 'dist', 'extension.js')]) {
  if (!existsSync(built)) {
    console.error(`[test:vscode] ERROR: ${built} does not exist. Fix: npm run build`);
    process.exit(1);
  }
}

const timeoutMs = Number(process.env.VSCODE_TEST_TIMEOUT_MS || 1_200_000);
const verbose = process.env.VSCODE_TEST_VERBOSE === '1';
const tmp = mkdtempSync(join(tmpdir(), 'alens-vscode-test-'));
const workspace = process.env.VSCODE_TEST_WORKSPACE || join(tmp, 'workspace');
mkdirSync(workspace, { recursive: true });
const state = { server: null, browser: null };
// The mocha reporter's lines start with this mark (set by test/vscode/suite/index.ts); the
// rest (workbench log, tests' own console) shows with VSCODE_TEST_VERBOSE=1, or when the
// suite never reported back.
const LOG_MARK = '\u2063';
const workbenchLog = [];
let reported = false;

// The workbench reads the extension paths as remote URIs on this server.
function testUrl(port) {
  const remote = (path) => `vscode-remote://127.0.0.1:${port}${path}`;
  const payload = [
    // The workbench runs tests only with a development path: for an installed package under
    // test, an empty extension stands in, and the package loads from the extensions folder.
    ['extensionDevelopmentPath', remote(vsix ? emptyExtension(join(tmp, 'empty-extension')) : repoRoot)],
    ['extensionTestsPath', remote(testsPath)],
    ['extensionEnvironment', JSON.stringify(testEnvironment('code-server'))],
    ['skipWelcome', 'true'],
  ];
  return `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

function emptyExtension(dir) {
  mkdirSync(dir, { recursive: true });
  const manifest = { name: 'package-test-host', publisher: 'async-leak-lens', version: '0.0.0', engines: { vscode: '*' } };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
  return dir;
}

async function run() {
  const started = Date.now();
  const { version } = JSON.parse(readFileSync(stampFile, 'utf8'));
  state.server = await startCodeServer({ dir: join(tmp, 'server'), workspace, vsix });
  log(`code-server ${version} ready on ${state.server.base} in ${seconds(Date.now() - started)}${vsix ? `, with ${vsix} installed` : ''}`);

  const browserStarted = Date.now();
  state.browser = await launchBrowser(join(tmp, 'profile'));
  const page = state.browser.pages()[0] ?? (await state.browser.newPage());
  log(`Chromium ready in ${seconds(Date.now() - browserStarted)}`);

  // The workbench's test hooks: the suite's output, then its exit code.
  let exit;
  const exited = new Promise((resolve) => {
    exit = resolve;
  });
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const text = format(...(Array.isArray(args) ? args : [args]));
    if (text.startsWith(LOG_MARK)) return console.log(text.slice(LOG_MARK.length));
    workbenchLog.push(`[workbench ${type}] ${text}`);
    if (verbose) console.log(workbenchLog.at(-1));
  });
  await page.exposeFunction('codeAutomationExit', (code) => {
    reported = true;
    exit(Number(code));
  });
  page.on('crash', () => {
    console.error('[test:vscode] ERROR: the browser page crashed');
    exit(1);
  });
  if (verbose) {
    page.on('pageerror', (err) => console.error(`[browser] ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') console.error(`[browser] ${msg.text()}`);
    });
  }

  const suiteStarted = Date.now();
  await page.goto(testUrl(state.server.port), { waitUntil: 'domcontentloaded', timeout: 120_000 }); // a busy machine needs more than the 30 s default
  const code = await exited;
  log(`suite finished with exit code ${code} in ${seconds(Date.now() - suiteStarted)} (total ${seconds(Date.now() - started)})`);
  return code;
}

const guard = createRunGuard({ tag: 'test:vscode', state, tmp, keepTmp: () => process.env.VSCODE_TEST_KEEP === '1' });
const code = await guard.race(run, timeoutMs, `no result within ${timeoutMs} ms (VSCODE_TEST_TIMEOUT_MS)`);
// A suite that reported its failures needs no server diagnostics; one that never did, does.
if (code !== 0 && !verbose) log("rerun with VSCODE_TEST_VERBOSE=1 to see the workbench log and the tests' own console output");
if (!reported && !verbose && workbenchLog.length) {
  console.error(`[test:vscode] last lines of the workbench log:\n${workbenchLog.slice(-50).join('\n')}`);
}
if (((code !== 0 && !reported) || verbose) && state.server) {
  const tail = state.server.readLog().trim().split('\n').slice(-40).join('\n');
  console.error(`[test:vscode] last lines of the code-server log:\n${tail}`);
}
await guard.cleanup();
process.exit(code);
