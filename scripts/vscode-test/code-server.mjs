// Starts the pinned code-server on a free loopback port, in its own process group and with
// throwaway config/temp/user-data/extensions folders, and stops it with everything it spawned.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, openSync, closeSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { codeServerEntry, nodeBin } from './paths.mjs';
import { killTree, killTreeNow } from './process-tree.mjs';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// Variables from a surrounding VS Code (e.g. its integrated terminal) would confuse the server.
function cleanEnv(extra) {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name.startsWith('VSCODE_') || name === 'ELECTRON_RUN_AS_NODE') delete env[name];
  }
  return { ...env, ...extra };
}

// An offline, quiet workbench: no AI/chat features (they wait for sign-in and flood the log),
// no gallery or update checks, no welcome page.
const QUIET_SETTINGS = {
  'chat.disableAIFeatures': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'workbench.enableExperiments': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
};

// Built-ins a test run does not need: the Copilot chat and GitHub extensions wait for a sign-in
// that never comes offline, and git scans every opened folder. js-debug stays enabled.
const UNNEEDED_EXTENSIONS = ['GitHub.copilot-chat', 'vscode.github', 'vscode.git'];

async function waitHealthy(base, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`code-server exited early (${child.exitCode ?? child.signalCode})`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`code-server did not answer /healthz within ${timeoutMs} ms`);
}

/**
 * @param {{ dir: string, workspace: string, smokeTestDriver?: boolean, env?: object, settings?: object, vsix?: string }} options
 *   dir: a throwaway folder this server may fill; workspace: the folder it opens;
 *   settings: user settings added to the quiet defaults; vsix: a package installed first.
 */
export async function startCodeServer({ dir, workspace, smokeTestDriver = true, env = {}, settings = {}, vsix }) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const folders = Object.fromEntries(['xdg-config', 'xdg-data', 'tmp', 'user-data', 'extensions'].map((n) => [n, join(dir, n)]));
  for (const f of Object.values(folders)) mkdirSync(f, { recursive: true });
  mkdirSync(join(folders['user-data'], 'User'), { recursive: true });
  writeFileSync(join(folders['user-data'], 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...settings }, null, 2));
  if (vsix) installPackage(vsix, folders);
  const logFile = join(dir, 'code-server.log');
  const log = openSync(logFile, 'a');
  const args = [
    codeServerEntry,
    '--config',
    '/dev/null',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--user-data-dir',
    folders['user-data'],
    '--extensions-dir',
    folders.extensions,
    // VS Code 1.139 honours the test payload in the URL only with the smoke-test driver on.
    ...(smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    workspace,
  ];
  const child = spawn(nodeBin, args, {
    detached: true, // own process group, killed as a whole
    stdio: ['ignore', log, log],
    env: cleanEnv({
      // No extension gallery: offline and deterministic.
      EXTENSIONS_GALLERY: '{}',
      // The server does not even scan these built-ins (--disable-extension is ignored remotely).
      VSCODE_SKIP_BUILTIN_EXTENSIONS: UNNEEDED_EXTENSIONS.join(','),
      ...env,
      XDG_CONFIG_HOME: folders['xdg-config'],
      XDG_DATA_HOME: folders['xdg-data'],
      TMPDIR: folders.tmp,
    }),
  });
  closeSync(log);
  // Even if the runner dies on an exception, the group must not linger for hours.
  const onExit = () => killTreeNow(child.pid);
  process.on('exit', onExit);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await killTree(child.pid);
    process.off('exit', onExit);
  };
  try {
    await waitHealthy(base, child, 60_000);
  } catch (err) {
    await stop();
    const tail = readFileSync(logFile, 'utf8').trim().split('\n').slice(-20).join('\n');
    throw new Error(`${err.message}; last lines of ${logFile}:\n${tail}`);
  }
  return { port, base, child, logFile, stop, readLog: () => readFileSync(logFile, 'utf8') };
}

/** Installs a .vsix as a user would (`code-server --install-extension`), into this server's folders. */
function installPackage(vsix, folders) {
  const result = spawnSync(
    nodeBin,
    [codeServerEntry, '--user-data-dir', folders['user-data'], '--extensions-dir', folders.extensions, '--install-extension', vsix],
    {
      encoding: 'utf8',
      timeout: 120_000,
      env: cleanEnv({
        EXTENSIONS_GALLERY: '{}',
        XDG_CONFIG_HOME: folders['xdg-config'],
        XDG_DATA_HOME: folders['xdg-data'],
        TMPDIR: folders.tmp,
      }),
    },
  );
  if (result.status !== 0)
    throw new Error(
      `code-server --install-extension ${vsix} failed (${result.status ?? result.error?.message}):\n${result.stdout}${result.stderr}`,
    );
}
