// Lint: typescript-eslint's recommended rules, and the layer rules of ARCHITECTURE.md as import
// bans, so a wrong-way import fails `npm run lint` (and `npm test`) instead of waiting for review.
// Globs name layers by folder (src/core/**), so they hold when a layer gets sub-folders.
import tseslint from 'typescript-eslint';

const vscode = { name: 'vscode', message: 'Only src/extension may import vscode (see ARCHITECTURE.md).' };

/** An import path that reaches into one of these top-level folders of src/ (or leaves src/ for media/ or test/). */
function into(folders, why) {
  return { regex: `(^|/)(${folders.join('|')})(/|$)`, message: why };
}

/** no-restricted-imports for one layer; one entry per file glob, since rule options do not merge. */
function layer(files, patterns, paths = [vscode]) {
  return { files, rules: { 'no-restricted-imports': ['error', { paths, patterns }] } };
}

const EXTENSION = [into(['cli', 'leak-check', 'media'], 'The extension stands on core and src/shared, not on another front end.')];

const FEATURES = ['attach', 'chart', 'debug', 'editor', 'growth', 'probe', 'report', 'snapshots', 'source', 'status', 'tree'];

export default tseslint.config(
  { ignores: ['dist/', 'out/', 'node_modules/', '.vscode-test/', '.cache/', 'bench/results/', 'test/fixtures/', '**/*.mjs', '**/*.js'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      // Tests and protocol checks read untyped JSON; `any` there is deliberate and local.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // A timer handle declared before the callback that clears it, assigned once after.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // A test function's `this` (mocha's context) passed on by name.
      '@typescript-eslint/no-this-alias': ['error', { allowedNames: ['self'] }],
    },
  },
  // The agent wraps and walks arbitrary functions of the user's program.
  { files: ['src/agent/**'], rules: { '@typescript-eslint/no-unsafe-function-type': 'off' } },
  // Tests load the shipped bundles as users do, with require().
  { files: ['test/**'], rules: { '@typescript-eslint/no-require-imports': 'off' } },

  // The agent runs inside the user's process: Node built-ins only, nothing of ours.
  layer(
    ['src/agent/**'],
    [
      into(['core', 'cli', 'extension', 'leak-check', 'shared', 'media', 'test'], 'The agent imports nothing of ours outside src/agent.'),
      { regex: '^(?!node:|\\.)', message: 'The agent uses Node built-ins only (node:...).' },
    ],
  ),
  // Core is what every front end stands on: it never imports one.
  layer(
    ['src/core/**'],
    [
      into(
        ['cli', 'extension', 'leak-check', 'shared', 'media'],
        'src/core never imports a front end (cli, extension, leak-check) or the webview.',
      ),
    ],
  ),
  layer(['src/cli/**'], [into(['extension', 'leak-check', 'media'], 'The CLI stands on core only.')]),
  layer(['src/leak-check/**'], [into(['extension', 'cli', 'media'], 'The leak check stands on core and the agent only.')]),
  // The production entries run inside the user's app, like the leak check: core and the agent only.
  layer(
    ['src/register/**', 'src/metrics/**'],
    [
      into(
        ['extension', 'cli', 'leak-check', 'shared', 'media'],
        'The production entries (register, metrics) stand on core and the agent only.',
      ),
    ],
  ),
  // Shared between the extension host and the webview: no vscode, no Node, no front end.
  layer(
    ['src/shared/**'],
    [
      into(['cli', 'extension', 'leak-check', 'agent', 'media'], 'src/shared holds host <-> webview types only.'),
      { regex: '^node:', message: 'src/shared also runs in the webview: no Node built-ins.' },
    ],
  ),
  layer(['src/extension/**'], EXTENSION, []),
  // The extension's features stand on targets/; targets/ stands on core and the extension's root files.
  layer(
    ['src/extension/targets/**'],
    [
      ...EXTENSION,
      {
        regex: `^\\.\\./(${FEATURES.join('|')})(/|$)`,
        message: 'targets/ depends on nothing above it (features depend on targets, not the other way).',
      },
      { regex: '^\\.\\./(extension|lens-context)$', message: 'targets/ takes what it needs as arguments, not the whole context.' },
    ],
    [],
  ),
  // Opening a frame's file is a base every feature uses: it uses none of them.
  layer(
    ['src/extension/source/**'],
    [
      ...EXTENSION,
      { regex: `^\\.\\./(${FEATURES.join('|')})(/|$)`, message: 'source/ depends on no feature folder (features open frames through it).' },
    ],
    [],
  ),
  // The webview runs in a browser: only the shared protocol of ours, no vscode, no Node.
  layer(
    ['media/**'],
    [
      { regex: '^(\\.\\./)+src/(?!shared/)', message: 'The webview imports only src/shared (the host <-> webview protocol).' },
      { regex: '^node:', message: 'The webview runs in a browser: no Node built-ins.' },
    ],
  ),
);
