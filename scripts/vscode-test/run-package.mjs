// Tests the extension as users get it: builds the .vsix (npm run package), installs it into
// code-server with --install-extension, and runs the extension-host suite against the installed
// package instead of this checkout. Catches files the package leaves out and production-build
// breakage. Arguments and environment as for run-code-server.mjs.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './paths.mjs';

const vsix = join(repoRoot, 'async-leak-lens.vsix');
const step = (command, args, env = {}) => {
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

console.log('[test:package] packaging the extension');
step('npm', ['run', '--silent', 'package']);
step(process.execPath, [join(repoRoot, 'scripts', 'vscode-test', 'run-code-server.mjs')], { ASYNC_LEAK_LENS_TEST_VSIX: vsix });
