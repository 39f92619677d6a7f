// Desktop runner: the same extension-host suite through @vscode/test-electron, for machines that
// can download VS Code into .vscode-test/ or that name an installed one. Build first.
// Environment:
//   VSCODE_EXECUTABLE   path to an installed VS Code (or Insiders) binary; skips the download
//   VSCODE_VERSION      version to download (default: stable)
//   ASYNC_LEAK_LENS_*   forwarded to the tests (see test-env.mjs)
// On Linux without a display, run it under xvfb-run.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { cacheDir, repoRoot } from './paths.mjs';
import { testEnvironment } from './test-env.mjs';

const extensionTestsPath = join(repoRoot, 'out', 'test', 'vscode', 'suite', 'index.js');
if (!existsSync(extensionTestsPath)) {
  console.error(`[test:vscode:electron] ERROR: ${extensionTestsPath} does not exist. Fix: npm run build`);
  process.exit(1);
}

const tmp = mkdtempSync(join(tmpdir(), 'alens-vscode-electron-'));
mkdirSync(join(tmp, 'workspace'));
let code = 1;
try {
  code = await runTests({
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath,
    extensionTestsEnv: testEnvironment('electron'),
    cachePath: cacheDir,
    ...(process.env.VSCODE_EXECUTABLE
      ? { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE }
      : { version: process.env.VSCODE_VERSION || 'stable' }),
    launchArgs: [
      join(tmp, 'workspace'),
      '--user-data-dir',
      join(tmp, 'user-data'),
      '--extensions-dir',
      join(tmp, 'extensions'),
      // Only the extension under test and the built-ins (js-debug is built in).
      '--disable-extensions',
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
    ],
  });
} catch (err) {
  // runTests rejects when the suite fails as well as when VS Code cannot be started.
  console.error(`[test:vscode:electron] ${err?.message ?? err}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(code);
