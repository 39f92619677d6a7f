// Browser-level checks of what a person sees (test/ui/ui-checks.ts): a code-server workbench with
// the extension loaded from this repository (development path, no install) and a leaky fixture
// open, driven through its real UI by headless Chromium. Exit code 0 when every check passed.
// Build first (npm run build). Options and environment:
//   --update-pictures         also copy the README pictures to docs/images/
//   UI_CHECKS_TIMEOUT_MS      whole-run timeout, default 600000
//   VSCODE_TEST_VERBOSE=1     print browser errors and the end of the code-server log
//   VSCODE_TEST_KEEP=1        keep the throwaway folder (logs, user data); it is kept on failure too
// Screenshots of every step go to .vscode-test/ui-screenshots/ (replaced on each run).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { launchBrowser } from './browser.mjs';
import { startCodeServer } from './code-server.mjs';
import { cacheDir, isCI, repoRoot, stampFile } from './paths.mjs';
import { missingPrerequisites } from './prerequisites.mjs';
import { createRunGuard } from './run-guard.mjs';

const log = (msg) => console.log(`[test:ui] ${msg}`);
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

const missing = missingPrerequisites();
if (missing.length) {
  for (const { what, fix } of missing) {
    if (isCI) console.error(`[test:ui] ERROR: ${what} is missing; CI=true makes these checks mandatory. Fix: ${fix}`);
    else log(`SKIP: browser-level checks not run, ${what} is missing. Fix: ${fix}`);
  }
  process.exit(isCI ? 1 : 0);
}
const extensionBundle = join(repoRoot, 'dist', 'extension.js');
if (!existsSync(extensionBundle)) {
  console.error(`[test:ui] ERROR: ${extensionBundle} does not exist. Fix: npm run build`);
  process.exit(1);
}

const timeoutMs = Number(process.env.UI_CHECKS_TIMEOUT_MS || 600_000);
const verbose = process.env.VSCODE_TEST_VERBOSE === '1';
const picturesDir = process.argv.includes('--update-pictures') ? join(repoRoot, 'docs', 'images') : undefined;
const screenshotsDir = join(cacheDir, 'ui-screenshots');
const tmp = mkdtempSync(join(tmpdir(), 'alens-ui-checks-'));
const state = { server: null, browser: null, failed: false };

// The checks are TypeScript and share test/support with the other layers: bundle them into out/
// (inside the repository, where their helpers find the repository root).
async function loadChecks() {
  const outfile = join(repoRoot, 'out', 'test', 'ui', 'ui-checks.js');
  await esbuild.build({
    entryPoints: [join(repoRoot, 'test', 'ui', 'ui-checks.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    packages: 'external',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  return (await import(pathToFileURL(outfile).href)).default;
}

// The workbench reads the development path as a remote URI on this server. With the smoke-test
// driver on (code-server's default in startCodeServer), VS Code 1.139 honours this payload.
function workbenchUrl(port, workspace) {
  const payload = [
    ['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${port}${repoRoot}`],
    ['skipWelcome', 'true'],
  ];
  return `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

async function run() {
  const started = Date.now();
  const checks = await loadChecks();
  const workspace = checks.uiWorkspace();
  const { version } = JSON.parse(readFileSync(stampFile, 'utf8'));
  state.server = await startCodeServer({ dir: join(tmp, 'server'), workspace, settings: checks.UI_SETTINGS });
  log(`code-server ${version} ready on ${state.server.base}, workspace ${workspace}`);
  state.browser = await launchBrowser(join(tmp, 'profile'), { viewport: { width: 1280, height: 800 } });
  const page = state.browser.pages()[0] ?? (await state.browser.newPage());
  page.on('crash', () => console.error('[test:ui] ERROR: the browser page crashed'));
  if (verbose) {
    page.on('pageerror', (err) => console.error(`[browser] ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') console.error(`[browser] ${msg.text()}`);
    });
  }
  rmSync(screenshotsDir, { recursive: true, force: true });
  // The first check waits for the workbench itself; a loaded machine can be slow to fire 'load'.
  await page.goto(workbenchUrl(state.server.port, workspace), { waitUntil: 'domcontentloaded', timeout: 120_000 });
  const results = await checks.runUiChecks({ page, screenshotsDir, picturesDir, log });
  const count = (outcome) => results.filter((r) => r.outcome === outcome).length;
  log(`${count('passed')} passed, ${count('failed')} failed, ${count('not run')} not run in ${seconds(Date.now() - started)}`);
  return count('passed') === results.length && results.length > 0 ? 0 : 1;
}

const guard = createRunGuard({ tag: 'test:ui', state, tmp, keepTmp: () => process.env.VSCODE_TEST_KEEP === '1' || state.failed });
const code = await guard.race(run, timeoutMs, `the checks did not finish within ${timeoutMs} ms (UI_CHECKS_TIMEOUT_MS)`);
state.failed = code !== 0;
if ((state.failed || verbose) && state.server) {
  const tail = state.server.readLog().trim().split('\n').slice(-30).join('\n');
  console.error(`[test:ui] last lines of the code-server log:\n${tail}`);
}
await guard.cleanup();
process.exit(code);
