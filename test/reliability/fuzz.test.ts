// Fuzzing the two parsers that take user input: snapshot files and CLI arguments. Whatever comes
// in, the answer is a checked value or a clear error of our own — never a crash, never a hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../../src/cli/main';
import type { Output } from '../../src/cli/output';
import { diffSnapshots } from '../../src/core/sites/diff';
import { parseSnapshot, serializeSnapshot, SnapshotFileError } from '../../src/core/files/snapshot-file';
import { seededRandom } from '../support/seeded-random';
import { frame, site, snapshot } from '../unit/core-test-data';

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const ROUNDS = Number(process.env.FUZZ_ROUNDS ?? 3000);

const base = snapshot([
  {
    ...site({ kind: 'blocked', at: frame('server.js', 41, 20, 'runWorker'), count: 100 }),
    abandoned: 12,
    abandonedSeen: { first: '2026-11-26T13:59:00.000Z', last: '2026-11-26T14:00:00.000Z' },
  },
  site({ at: frame('queue.js', 30, 16, 'next'), count: 100, type: 'PROMISE' }),
  site({ at: frame('server.js', 20, 3, '<anonymous>'), count: 3, type: 'Timeout' }),
]);
const VALUES: unknown[] = [
  null,
  true,
  0,
  -1,
  1e308,
  NaN,
  '',
  'x'.repeat(1000),
  [],
  {},
  [1, 2],
  { __proto__: { polluted: 1 } },
  '__proto__',
  '<script>alert(1)</script>',
];

function mutateJson(value: unknown, random: () => number): unknown {
  const clone = JSON.parse(JSON.stringify(value));
  const paths: { parent: any; key: string | number }[] = [];
  const walk = (node: any) => {
    if (node && typeof node === 'object') {
      for (const key of Object.keys(node)) {
        paths.push({ parent: node, key: Array.isArray(node) ? Number(key) : key });
        walk(node[key]);
      }
    }
  };
  walk(clone);
  const edits = 1 + Math.floor(random() * 3);
  for (let i = 0; i < edits && paths.length; i++) {
    const { parent, key } = paths[Math.floor(random() * paths.length)];
    const action = random();
    if (action < 0.4) parent[key] = VALUES[Math.floor(random() * VALUES.length)];
    else if (action < 0.7) delete parent[key];
    else parent[`${key}_extra`] = parent[key];
  }
  return clone;
}

function mutateText(text: string, random: () => number): string {
  const action = random();
  const at = Math.floor(random() * text.length);
  if (action < 0.3) return text.slice(0, at); // truncated
  if (action < 0.6) return text.slice(0, at) + String.fromCharCode(Math.floor(random() * 256)) + text.slice(at + 1); // byte flip
  if (action < 0.8) return text.slice(0, at) + text.slice(at + Math.floor(random() * 50)); // deletion
  return '['.repeat(Math.floor(random() * 5000)) + text; // deep nesting
}

test(`snapshot parser: ${ROUNDS} mutated files give a snapshot or a clear SnapshotFileError (seed ${SEED})`, () => {
  const random = seededRandom(SEED);
  const text = serializeSnapshot(base);
  let parsed = 0;
  let rejected = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const input = random() < 0.5 ? mutateText(text, random) : JSON.stringify(mutateJson(base, random));
    try {
      const result = parseSnapshot(input, 'fuzz.json');
      // Whatever is accepted must be usable by the rest of the product.
      diffSnapshots(result, result);
      parsed++;
    } catch (error) {
      assert.ok(
        error instanceof SnapshotFileError,
        `round ${round} (seed ${SEED}): ${error instanceof Error ? error.stack : String(error)}\ninput: ${input.slice(0, 300)}`,
      );
      assert.match(error.message, /^fuzz\.json: \S/, 'the error names the file');
      rejected++;
    }
  }
  assert.ok(rejected > ROUNDS / 4, `mutations were rejected (${rejected}) and accepted (${parsed})`);
});

test(`CLI arguments: random command lines exit 0, 1 or 2 with a message, never a crash (seed ${SEED})`, async () => {
  const random = seededRandom(SEED + 1);
  const words = [
    'snapshot',
    'diff',
    'watch',
    'run',
    'detach',
    'probe',
    'help',
    '--help',
    '-h',
    '--json',
    '--limit',
    '--all',
    '--out',
    '-o',
    '--label',
    '--target',
    '-t',
    '--stack-depth',
    '--interval',
    '--duration',
    '--',
    '-x',
    '--fail-on-growth',
    '',
    ' ',
    '-1',
    '0',
    '1e9',
    'NaN',
    'bad:target',
    'ws://[bad',
    'pid:',
    'pid:x',
    '/nonexistent/file.json',
    '\u0000',
    '--target=',
    '--no-gc',
  ];
  // No bare numbers or host:port: those would connect to whatever listens on this machine.
  for (let round = 0; round < 300; round++) {
    const argv = Array.from({ length: Math.floor(random() * 6) }, () => words[Math.floor(random() * words.length)]);
    if (argv[0] === 'run' || argv[0] === 'watch') argv.splice(0, 1, 'diff'); // both would start or wait on processes
    const written: string[] = [];
    const io: Output = { out: (t) => void written.push(t), err: (t) => void written.push(t), color: false, isTty: false };
    const code = await main(argv, io);
    assert.ok([0, 1, 2].includes(code), `exit ${code} for ${JSON.stringify(argv)}`);
    assert.ok(written.join('').length > 0, `silent for ${JSON.stringify(argv)}`);
    assert.doesNotMatch(written.join('\n'), /unexpected error/, `crash for ${JSON.stringify(argv)}: ${written.join('\n')}`);
  }
});
