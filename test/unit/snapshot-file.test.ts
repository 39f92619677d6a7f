import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { diffSnapshots } from '../../src/core/sites/diff';
import { findJsonSyntaxProblem } from '../../src/core/files/json-syntax';
import type { Snapshot } from '../../src/core/sites/model';
import {
  parseSnapshot,
  readSnapshotFile,
  serializeSnapshot,
  SnapshotFileError,
  SnapshotFormatError,
  writeSnapshotFile,
} from '../../src/core/files/snapshot-file';
import { frame, site, snapshot } from './core-test-data';

function sampleSnapshot(): Snapshot {
  const blocked = site({
    kind: 'blocked',
    at: frame('src/sender.ts', 39, 11, 'send'),
    count: 120,
    stack: [frame('src/sender.ts', 39, 11, 'send'), frame('src/main.ts', 12, 3, 'main')],
  });
  blocked.generatedFrame = frame('dist/sender.js', 31, 9, 'send');
  blocked.abandoned = 3;
  blocked.abandonedSeen = { first: '2026-11-26T13:58:00.000Z', last: '2026-11-26T13:59:30.000Z' };
  const timer = site({ type: 'Timeout', at: frame('src/poll.js', 3, 5, 'startPolling'), count: 2, oldestAgeMs: 60_000 });
  const worker = site({ thread: 1, at: frame('src/worker.js', 8, 20, ''), count: 7 });
  return snapshot([blocked, timer, worker], {
    label: 'after load',
    threads: [
      { thread: 0, title: 'main' },
      { thread: 1, title: 'worker 1' },
    ],
  });
}

function expectFormatError(text: string, check: (error: SnapshotFormatError) => void): void {
  assert.throws(
    () => parseSnapshot(text, 'before.json'),
    (error: unknown) => {
      assert.ok(error instanceof SnapshotFormatError, `expected a SnapshotFormatError, got ${String(error)}`);
      assert.ok(error instanceof SnapshotFileError);
      assert.ok(error.message.startsWith('before.json: '), error.message);
      check(error);
      return true;
    },
  );
}

/** The sample snapshot as JSON with one field replaced. */
function withField(edit: (json: any) => void): string {
  const json = JSON.parse(serializeSnapshot(sampleSnapshot()));
  edit(json);
  return JSON.stringify(json);
}

test('serialize then parse is lossless, including optional and unknown extra fields', () => {
  const original = sampleSnapshot();
  const text = serializeSnapshot(original);
  assert.ok(text.endsWith('}\n'));
  assert.ok(text.includes('\n  "takenAt"'), 'pretty-printed');
  assert.deepEqual(parseSnapshot(text, 'x.json'), original);

  const extended = { ...original, comment: 'from a newer minor version' };
  assert.deepEqual(parseSnapshot(JSON.stringify(extended), 'x.json'), extended);
  // A UTF-8 byte order mark (some editors add one) is tolerated.
  assert.deepEqual(parseSnapshot(`\ufeff${text}`, 'x.json'), original);
  // Repeated ids are readable (the diff merges them) rather than making the file useless.
  const repeated = { ...original, sites: [original.sites[0], { ...original.sites[0], count: 1 }] };
  assert.deepEqual(parseSnapshot(JSON.stringify(repeated), 'x.json'), repeated);
});

test('a snapshot written before abandoned counts existed is still read', () => {
  const json = JSON.parse(serializeSnapshot(sampleSnapshot()));
  for (const s of json.sites) {
    delete s.abandoned;
    delete s.abandonedSeen;
  }
  const parsed = parseSnapshot(JSON.stringify(json), 'old.json');
  assert.equal(parsed.sites[0].abandoned, undefined);
  assert.deepEqual(diffSnapshots(parsed, parsed).abandoned, []);
});

test('text that is not JSON names the position of the problem', () => {
  expectFormatError('hello, world', (error) => {
    assert.equal(error.problem, 'not-json');
    assert.match(error.message, /line 1, column 1/);
  });
  const text = serializeSnapshot(sampleSnapshot());
  const broken = text.replace('"kind": "blocked"', '"kind": blocked');
  const lineOfDamage = text.slice(0, text.indexOf('"kind": "blocked"')).split('\n').length;
  expectFormatError(broken, (error) => {
    assert.equal(error.problem, 'not-json');
    assert.match(error.message, new RegExp(`unexpected "b".* at line ${lineOfDamage}, column \\d+`));
    assert.match(error.message, /damaged/);
  });
});

test('a truncated file is reported as truncated, wherever it was cut', () => {
  const text = serializeSnapshot(sampleSnapshot());
  for (const fraction of [0.1, 0.5, 0.77, 0.99]) {
    const cut = text.slice(0, Math.floor(text.length * fraction));
    expectFormatError(cut, (error) => {
      assert.equal(error.problem, 'truncated', `cut at ${fraction}: ${error.message}`);
      assert.match(error.message, /truncated/);
    });
  }
  expectFormatError('   \n', (error) => assert.equal(error.problem, 'empty'));
});

test('JSON that is not an object is refused with what it is', () => {
  expectFormatError('[1, 2, 3]', (error) => {
    assert.equal(error.problem, 'not-object');
    assert.match(error.message, /an array \(of 3 items\)/);
  });
  expectFormatError('42', (error) => assert.match(error.message, /found 42/));
  expectFormatError('null', (error) => assert.match(error.message, /found null/));
});

test('a Chrome heap snapshot is recognised and named', () => {
  const heapSnapshotStart = JSON.stringify({
    snapshot: {
      meta: {
        node_fields: ['type', 'name', 'id', 'self_size', 'edge_count', 'trace_node_id', 'detachedness'],
        node_types: [['hidden', 'array']],
      },
      node_count: 2,
      edge_count: 0,
      trace_function_count: 0,
    },
    nodes: [9, 1, 1, 0, 0, 0, 0, 9, 2, 3, 0, 0, 0, 0],
    edges: [],
    strings: ['', '(GC roots)', '(Root)'],
  });
  expectFormatError(heapSnapshotStart, (error) => {
    assert.equal(error.problem, 'foreign');
    assert.match(error.message, /V8 heap snapshot/);
    assert.match(error.message, /async-leak-lens snapshot/);
  });
});

test("the project's own package.json is recognised as a package.json", () => {
  const packageJson = readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8');
  expectFormatError(packageJson, (error) => {
    assert.equal(error.problem, 'foreign');
    assert.match(error.message, /npm package\.json \(of package "async-leak-lens"\)/);
  });
});

test('other foreign JSON: diff output, a source map, a schema-less snapshot, an unknown object', () => {
  const diffJson = JSON.stringify(diffSnapshots(sampleSnapshot(), sampleSnapshot()));
  expectFormatError(diffJson, (error) => assert.match(error.message, /diff --json/));
  expectFormatError('{"version":3,"sources":["a.ts"],"names":[],"mappings":"AAAA"}', (error) =>
    assert.match(error.message, /a source map/),
  );
  expectFormatError(
    withField((json) => delete json.schema),
    (error) => assert.match(error.message, /without its "schema" field/),
  );
  expectFormatError('{"hello":1,"world":2}', (error) => {
    assert.equal(error.problem, 'foreign');
    assert.match(error.message, /top-level keys are "hello", "world"/);
  });
  expectFormatError(
    withField((json) => (json.schema = 'https://json-schema.org/draft/2020-12/schema')),
    (error) => assert.match(error.message, /its schema is "https:\/\/json-schema/),
  );
});

test('a snapshot from a newer schema asks for an update', () => {
  expectFormatError(
    withField((json) => (json.schema = 'async-leak-lens/snapshot@2')),
    (error) => {
      assert.equal(error.problem, 'future-schema');
      assert.match(
        error.message,
        /written by a newer Async Leak Lens: schema async-leak-lens\/snapshot@2, this version reads async-leak-lens\/snapshot@1/,
      );
    },
  );
});

test('each wrong or missing field is named by its JSON path', () => {
  const cases: [edit: (json: any) => void, path: string, rule: RegExp][] = [
    [(json) => (json.sites[1].frame.line = '12'), 'sites[1].frame.line', /must be a whole number, got "12" \(a string\)/],
    [(json) => delete json.takenAt, 'takenAt', /must be a string, got nothing \(the field is missing\)/],
    [(json) => (json.takenAt = 'yesterday'), 'takenAt', /must be a date and time/],
    [(json) => (json.target.pid = 1.5), 'target.pid', /whole number, got 1\.5/],
    [(json) => (json.target.argv = ['node', 7]), 'target.argv[1]', /must be a string, got 7/],
    [(json) => (json.sites[0].kind = 'pending'), 'sites[0].kind', /"created" or "blocked"/],
    [(json) => (json.sites[2].userCode = 'yes'), 'sites[2].userCode', /true or false/],
    [(json) => (json.sites[0].generatedFrame.column = -1), 'sites[0].generatedFrame.column', /must be >= 0, got -1/],
    [(json) => (json.sites[0].stack[1] = null), 'sites[0].stack[1]', /must be an object, got null/],
    [(json) => (json.sites[2].examples[0].ageMs = {}), 'sites[2].examples[0].ageMs', /must be a number, got an object/],
    [(json) => (json.sites[2].id = ''), 'sites[2].id', /must not be empty/],
    [(json) => (json.takenAt = '1'), 'takenAt', /must be a date and time/],
    [(json) => (json.sites = {}), 'sites', /must be an array, got an object/],
    [(json) => (json.totals.PROMISE = -3), 'totals.PROMISE', /must be >= 0/],
    [(json) => (json.totals['odd type'] = 'many'), 'totals["odd type"]', /must be a number/],
    [(json) => (json.stats.samplingRate.PROMISE = 4), 'stats.samplingRate.PROMISE', /probability between 0 and 1/],
    [(json) => delete json.baseline, 'baseline', /must be an object/],
    [(json) => (json.threads[1] = { thread: 1 }), 'threads[1].title', /must be a string/],
    [(json) => (json.sites[0].abandoned = -2), 'sites[0].abandoned', /must be >= 0, got -2/],
    [(json) => (json.sites[0].abandoned = '3'), 'sites[0].abandoned', /must be a number/],
    [(json) => (json.sites[0].abandonedSeen.last = 'soon'), 'sites[0].abandonedSeen.last', /must be a date and time/],
    [(json) => (json.sites[0].abandonedSeen = []), 'sites[0].abandonedSeen', /must be an object/],
  ];
  for (const [edit, path, rule] of cases) {
    expectFormatError(withField(edit), (error) => {
      assert.equal(error.problem, 'invalid-field', error.message);
      assert.equal(error.jsonPath, path, error.message);
      assert.ok(error.message.includes(`invalid snapshot: ${path} `), error.message);
      assert.match(error.message, rule);
    });
  }
});

test('the JSON syntax locator agrees with JSON.parse on damaged documents', () => {
  const valid =
    serializeSnapshot(sampleSnapshot()) +
    JSON.stringify({ deep: [[[[{ a: 'x\\"y\u00e9' }]]]], n: -1.5e3, t: true, f: false, z: null, u: '\u2713' });
  let seed = 7;
  const random = (below: number) => (seed = (seed * 48271) % 2147483647) % below;
  const inserts = ['{', '}', '[', ']', ',', ':', '"', '\\', 'x', '0', '-', '.', 'e', ' ', '\n', 'n', 't'];
  for (let i = 0; i < 1500; i++) {
    let text = valid.slice(0, random(valid.length) + 1);
    if (i % 3 === 0) text = JSON.stringify(JSON.parse(serializeSnapshot(sampleSnapshot())));
    const at = random(text.length);
    const mutated =
      i % 2 === 0 ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + inserts[random(inserts.length)] + text.slice(at);
    let parses = true;
    try {
      JSON.parse(mutated);
    } catch {
      parses = false;
    }
    const found = findJsonSyntaxProblem(mutated);
    assert.equal(found === undefined, parses, `${JSON.stringify(mutated.slice(Math.max(0, at - 30), at + 30))}: ${found?.message}`);
  }
  // Deep nesting is handled without recursion.
  assert.equal(findJsonSyntaxProblem('['.repeat(100_000) + ']'.repeat(100_000)), undefined);
  assert.equal(findJsonSyntaxProblem('['.repeat(100_000))?.truncated, true);
});

test('write then read a snapshot file: atomic, lossless, no temporary file left', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'all-snapshot-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'after.json');
  const original = sampleSnapshot();
  await writeSnapshotFile(path, original);
  assert.deepEqual(await readSnapshotFile(path), original);
  // Overwriting replaces the whole file.
  const smaller = snapshot([]);
  await writeSnapshotFile(path, smaller);
  assert.deepEqual(await readSnapshotFile(path), smaller);
  assert.deepEqual(readdirSync(dir), ['after.json']);
});

test('file errors name the file and say what is wrong', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'all-snapshot-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const expectFileError = async (promise: Promise<unknown>, problem: string, pattern: RegExp, file: string) => {
    await assert.rejects(promise, (error: unknown) => {
      assert.ok(error instanceof SnapshotFileError, String(error));
      assert.equal(error.problem, problem, error.message);
      assert.ok(error.message.startsWith(`${file}: `), error.message);
      assert.match(error.message, pattern);
      return true;
    });
  };

  const missing = join(dir, 'nope.json');
  await expectFileError(readSnapshotFile(missing), 'not-found', /no such file/, missing);
  await expectFileError(readSnapshotFile(dir), 'unreadable', /directory/, dir);

  const big = join(dir, 'big.json');
  writeFileSync(big, serializeSnapshot(sampleSnapshot()));
  await expectFileError(readSnapshotFile(big, { maxBytes: 1024 }), 'too-large', /over the 1\.0 KiB limit/, big);

  const gzipped = join(dir, 'snap.json.gz');
  writeFileSync(gzipped, gzipSync(serializeSnapshot(sampleSnapshot())));
  await expectFileError(readSnapshotFile(gzipped), 'binary', /gzip-compressed/, gzipped);

  const corrupt = join(dir, 'corrupt.json');
  writeFileSync(corrupt, serializeSnapshot(sampleSnapshot()).slice(0, 300));
  await expectFileError(readSnapshotFile(corrupt), 'truncated', /truncated/, corrupt);

  const inMissingDir = join(dir, 'no-dir', 'out.json');
  await expectFileError(writeSnapshotFile(inMissingDir, sampleSnapshot()), 'unwritable', /directory .*no-dir does not exist/, inMissingDir);
  await expectFileError(writeSnapshotFile(dir, sampleSnapshot()), 'unwritable', /directory/, dir);
  assert.deepEqual(readdirSync(dir).sort(), ['big.json', 'corrupt.json', 'snap.json.gz']);
});

test('census sites and the census summary round-trip and are checked', () => {
  const withCensus = sampleSnapshot();
  withCensus.sites[0].origin = 'census';
  withCensus.sites[0].census = 100;
  withCensus.census = {
    takenAt: '2026-12-03T10:00:00.000Z',
    heapBytes: 5_000_000,
    durationMs: 900,
    snapshotMs: 400,
    tasks: 100,
    timers: 2,
    elsewhere: 1,
    resolved: 16,
  };
  assert.deepEqual(parseSnapshot(serializeSnapshot(withCensus), 'x.json'), withCensus);
  expectFormatError(
    withField((json) => (json.sites[0].origin = 'guess')),
    (error) => assert.equal(error.jsonPath, 'sites[0].origin'),
  );
  expectFormatError(
    withField((json) => (json.sites[0].census = -1)),
    (error) => assert.equal(error.jsonPath, 'sites[0].census'),
  );
  expectFormatError(
    withField((json) => (json.census = { takenAt: '2026-12-03T10:00:00.000Z', heapBytes: 'big' })),
    (error) => assert.equal(error.jsonPath, 'census.heapBytes'),
  );
});
