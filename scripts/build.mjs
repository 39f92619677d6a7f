// Builds every bundle: agent (as a string core injects), CLI, extension, webview, tests.
// Usage: node scripts/build.mjs [--watch-free] ; sources that do not exist yet are skipped.
import * as esbuild from 'esbuild';
import { existsSync, readFileSync, readdirSync, statSync, rmSync } from 'node:fs';
import { join, relative, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production');
const at = (p) => join(root, p);

function listTs(dir, suffix) {
  if (!existsSync(at(dir))) return [];
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(suffix)) out.push(relative(root, p));
    }
  };
  walk(at(dir));
  return out;
}

// 1. The agent: one self-contained script, evaluated inside the target.
const agent = await esbuild.build({
  entryPoints: [at('src/agent/index.ts')],
  bundle: true,
  write: false,
  platform: 'node',
  format: 'iife',
  globalName: 'asyncLeakLensAgentModule',
  target: 'node18',
  minifySyntax: true,
  legalComments: 'none',
});
const agentSource = agent.outputFiles[0].text;

// Lets core `import agentSource from 'agent:source'` and get the agent's code as a string.
const agentSourcePlugin = {
  name: 'agent-source',
  setup(build) {
    build.onResolve({ filter: /^agent:source$/ }, () => ({ path: 'agent-source', namespace: 'agent' }));
    build.onLoad({ filter: /.*/, namespace: 'agent' }, () => ({ contents: agentSource, loader: 'text' }));
  },
};

const { version } = JSON.parse(readFileSync(at('package.json'), 'utf8'));

const node = {
  bundle: true,
  // See src/build-constants.d.ts.
  define: { PACKAGE_VERSION: JSON.stringify(version) },
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  plugins: [agentSourcePlugin],
  // Optional native speed-ups of ws; it works without them.
  external: ['bufferutil', 'utf-8-validate'],
  logLevel: 'warning',
};

rmSync(at('dist'), { recursive: true, force: true });
rmSync(at('out'), { recursive: true, force: true });

const builds = [];
if (existsSync(at('src/cli/bin.ts'))) {
  builds.push(
    esbuild.build({ ...node, entryPoints: [at('src/cli/bin.ts')], outfile: at('dist/cli.js'), banner: { js: '#!/usr/bin/env node' } }),
  );
}
// The in-process leak check for test suites (`require('async-leak-lens/leak-check')`): no
// inspector, so no agent string; it runs the agent's tracker directly.
if (existsSync(at('src/leak-check/index.ts'))) {
  builds.push(esbuild.build({ ...node, entryPoints: [at('src/leak-check/index.ts')], outfile: at('dist/leak-check.js') }));
}
// Production: the preload (`node -r` / `--import async-leak-lens/register`) runs the agent's code
// directly (no inspector); it requires ./metrics.js beside it, so the app's own
// require('async-leak-lens/metrics') shares that instance. Peers stay the app's own copies.
if (existsSync(at('src/register/index.ts'))) {
  const besideMetrics = {
    name: 'beside-metrics',
    setup(build) {
      build.onResolve({ filter: /^\.\/metrics\.js$/ }, () => ({ path: './metrics.js', external: true }));
    },
  };
  builds.push(
    esbuild.build({ ...node, entryPoints: [at('src/register/index.ts')], outfile: at('dist/register.js'), plugins: [besideMetrics] }),
  );
  builds.push(
    esbuild.build({
      ...node,
      entryPoints: [at('src/metrics/index.ts')],
      outfile: at('dist/metrics.js'),
      external: [...node.external, 'prom-client', '@opentelemetry/api'],
    }),
  );
}
if (existsSync(at('src/extension/extension.ts'))) {
  builds.push(
    esbuild.build({
      ...node,
      entryPoints: [at('src/extension/extension.ts')],
      outfile: at('dist/extension.js'),
      external: [...node.external, 'vscode'],
    }),
  );
}
if (existsSync(at('media/chart/main.ts'))) {
  builds.push(
    esbuild.build({
      entryPoints: [at('media/chart/main.ts')],
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      outfile: at('dist/webview/chart.js'),
      sourcemap: production ? false : 'linked',
      minify: production,
      loader: { '.css': 'css' },
      logLevel: 'warning',
    }),
  );
}
// Tests and benchmarks: one bundle per file, npm packages stay external.
const testEntries = [
  ...listTs('test/unit', '.test.ts'),
  ...listTs('test/integration', '.test.ts'),
  ...listTs('test/reliability', '.test.ts'),
  ...listTs('test/vscode', '.ts'),
  ...listTs('bench', '.ts'),
];
if (testEntries.length) {
  builds.push(
    esbuild.build({
      ...node,
      entryPoints: testEntries.map(at),
      outbase: root,
      outdir: at('out'),
      packages: 'external',
      external: [...node.external, 'vscode'],
    }),
  );
}
// Fixtures written in TypeScript run as compiled JS with a source map, like a user's build.
const fixtureTs = listTs('test/fixtures', '.ts').filter((p) => !p.includes('node_modules'));
if (fixtureTs.length) {
  builds.push(
    esbuild.build({
      entryPoints: fixtureTs.map(at),
      outbase: at('test/fixtures'),
      outdir: at('out/fixtures'),
      platform: 'node',
      format: 'cjs',
      target: 'node18',
      sourcemap: 'linked',
      logLevel: 'warning',
    }),
  );
}
await Promise.all(builds);
console.log(`built: agent (${(agentSource.length / 1024).toFixed(1)} KiB)${builds.length ? `, ${builds.length} more bundle sets` : ''}`);
