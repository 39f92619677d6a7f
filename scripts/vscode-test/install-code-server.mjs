// Installs the pinned code-server, and the Node 24 it runs on, from npm into .vscode-test/.
// Idempotent: a verified install (stamp file + matching --version) is left alone.
// Usage: node scripts/vscode-test/install-code-server.mjs [--force]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  CODE_SERVER_VERSION,
  NODE_VERSION,
  nodeDir,
  nodeBin,
  nodeHeadersDir,
  codeServerDir,
  codeServerEntry,
  stampFile,
} from './paths.mjs';

const started = Date.now();
const force = process.argv.includes('--force');
const log = (msg) => console.log(`[install-code-server] ${msg}`);
const fail = (msg) => {
  console.error(`[install-code-server] ERROR: ${msg}`);
  process.exit(1);
};

function output(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000, env });
  return r.status === 0 ? r.stdout.trim() : null;
}

// Under `npm run`, npm_* variables describe the project (its prefix, its Node): drop them so
// the nested npm behaves as when this script runs directly.
const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));

// npm walks up to the nearest package.json: give each cache folder its own so nothing
// lands in the project's node_modules.
function npmInstall(dir, spec, env = baseEnv) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/package.json`, JSON.stringify({ name: 'vscode-test-cache', private: true }) + '\n');
  log(`npm install ${spec} in ${dir}`);
  const r = spawnSync('npm', ['install', spec, '--no-audit', '--no-fund', '--foreground-scripts'], { cwd: dir, env, stdio: 'inherit' });
  if (r.status !== 0) fail(`npm install ${spec} failed (exit ${r.status ?? r.signal})`);
}

const nodeOk = () => output(nodeBin, ['--version']) === `v${NODE_VERSION}`;
// Prints e.g. "4.139.1 <commit> with Code 1.139.1". A throwaway XDG_CONFIG_HOME keeps it
// from writing a default config into the user's home.
function codeServerVersion() {
  if (!existsSync(codeServerEntry)) return null;
  const xdg = mkdtempSync(join(tmpdir(), 'code-server-version-'));
  try {
    const out = output(nodeBin, [codeServerEntry, '--version'], { ...process.env, XDG_CONFIG_HOME: xdg });
    return out?.split('\n').find((line) => /^\d+\.\d+\.\d+ /.test(line)) ?? null;
  } finally {
    rmSync(xdg, { recursive: true, force: true });
  }
}

function installed() {
  if (force || !existsSync(stampFile) || !nodeOk()) return false;
  const stamp = JSON.parse(readFileSync(stampFile, 'utf8'));
  if (stamp.codeServer !== CODE_SERVER_VERSION || stamp.node !== NODE_VERSION) return false;
  return codeServerVersion()?.startsWith(`${CODE_SERVER_VERSION} `) ?? false;
}

// code-server's postinstall compiles native modules (node-gyp: make, g++, python3); its kerberos
// module needs the GSSAPI headers. Checked up front: otherwise npm fails minutes in with
// "gssapi/gssapi.h: No such file".
const BUILD_PACKAGES = [
  { name: 'build-essential', present: () => output('g++', ['--version']) !== null && output('make', ['--version']) !== null },
  { name: 'python3', present: () => output('python3', ['--version']) !== null },
  { name: 'libkrb5-dev', present: () => existsSync('/usr/include/gssapi/gssapi.h') },
];

function ensureBuildPackages() {
  const missing = BUILD_PACKAGES.filter((pkg) => !pkg.present()).map((pkg) => pkg.name);
  if (!missing.length) return;
  const command = `apt-get install -y ${missing.join(' ')}`;
  if (process.getuid?.() !== 0 || !output('apt-get', ['--version'])) {
    fail(`code-server's install compiles native modules and needs: ${missing.join(', ')}. Install them first (as root): ${command}`);
  }
  log(`installing system packages code-server's build needs: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', ...missing],
  ]) {
    const r = spawnSync('apt-get', args, { env, stdio: 'inherit' });
    if (r.status !== 0) fail(`apt-get ${args.join(' ')} failed (exit ${r.status ?? r.signal}); run: ${command}`);
  }
}

if (installed()) {
  log(`code-server ${CODE_SERVER_VERSION} on Node ${NODE_VERSION} already installed and verified (${codeServerDir})`);
  process.exit(0);
}

if (force || !nodeOk()) {
  log(`installing Node ${NODE_VERSION}`);
  npmInstall(nodeDir, `node@${NODE_VERSION}`);
  if (!nodeOk()) fail(`${nodeBin} does not report v${NODE_VERSION}`);
}
log(`Node ${NODE_VERSION} ready (${nodeBin})`);

ensureBuildPackages();
log(`installing code-server ${CODE_SERVER_VERSION} (about 4 minutes, ~600 MB)`);
npmInstall(codeServerDir, `code-server@${CODE_SERVER_VERSION}`, {
  ...baseEnv,
  // npm and the postinstall's node-gyp must run on Node 24 and build against its headers.
  PATH: `${dirname(nodeBin)}:${process.env.PATH}`,
  npm_config_nodedir: nodeHeadersDir,
  // The postinstall runs `npx node-gyp`, which would otherwise wait for a yes.
  npm_config_yes: 'true',
});

const version = codeServerVersion();
if (!version?.startsWith(`${CODE_SERVER_VERSION} `)) fail(`code-server reports "${version}", expected ${CODE_SERVER_VERSION}`);
writeFileSync(stampFile, JSON.stringify({ codeServer: CODE_SERVER_VERSION, node: NODE_VERSION, version }, null, 2) + '\n');
log(`installed ${version} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
