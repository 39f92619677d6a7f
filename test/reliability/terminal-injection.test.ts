// Names from a target and text from files are data: ESC sequences, OSC titles, carriage returns
// and newlines in a script path, a function name, process.title or an exception message reach
// the terminal as visible escapes (\x1b, \r, \n), never raw, and never forge a line of output.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, startScript, driveLoad, type RunningFixture } from '../support/fixtures';
import { runCli, targetNodes } from '../support/cli-process';

const script = join(repoRoot(), 'test', 'reliability', 'targets', 'terminal-injection.js');
const FAKE_LINE = /^\s*OK: no leak found/m;

/** No raw control character but newline (colour is off in a pipe), and no forged line. */
function assertInert(text: string, what: string): void {
  const raw = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.exec(text);
  assert.equal(
    raw,
    null,
    `${what} holds a raw control character ${JSON.stringify(raw?.[0])} near ${JSON.stringify(text.slice(Math.max(0, (raw?.index ?? 0) - 60), (raw?.index ?? 0) + 20))}`,
  );
  assert.doesNotMatch(text, FAKE_LINE, `${what} holds a forged "OK: no leak found" line`);
}

describe('terminal injection', () => {
  const cleanups: (() => unknown)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });
  const dir = mkdtempSync(join(tmpdir(), 'alens-inject-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));

  for (const node of targetNodes()) {
    test(`snapshot, diff, watch and probe show hostile names escaped (${node.label})`, async () => {
      const target: RunningFixture = await startScript(script, { node: node.binary });
      cleanups.push(() => target.stop());
      const address = `127.0.0.1:${target.inspectorPort}`;
      const before = join(dir, `${node.label}-before.json`);
      const afterFile = join(dir, `${node.label}-after.json`);

      const first = await runCli(['snapshot', '--target', address, '--out', before]);
      assert.equal(first.code, 0, first.stderr);
      await driveLoad(target.port, { requests: 20, concurrency: 4 });
      const second = await runCli([
        'snapshot',
        '--target',
        address,
        '--out',
        afterFile,
        '--label',
        `after\u001b]0;label\u0007\nOK: no leak found`,
      ]);
      assert.equal(second.code, 0, second.stderr);
      assertInert(second.stdout + second.stderr, 'snapshot summary');
      // The summary names the process title and the leaking function, escaped.
      assert.match(second.stderr, /\\x1b\]0;title\\x07\\rOK: no leak found/);
      assert.match(second.stderr, /leak\\x1b\]0;pwned\\x07/);

      const diff = await runCli(['diff', before, afterFile]);
      assert.equal(diff.code, 0, diff.stderr);
      assertInert(diff.stdout + diff.stderr, 'diff table');
      assert.match(diff.stdout, /jobs\\r\\nOK: no leak found\\x1b\[K\.js:5/, 'the file name is shown, escaped');

      const watch = runCli([
        'watch',
        '--target',
        address,
        '--duration',
        '9',
        '--warmup',
        '0',
        '--window',
        '5',
        '--sites-every',
        '250',
        '--interval',
        '250',
      ]);
      const load = (async () => {
        for (let i = 0; i < 14; i++) {
          await driveLoad(target.port, { requests: 10, concurrency: 2 });
          await new Promise((r) => setTimeout(r, 500));
        }
      })();
      const [watched] = await Promise.all([watch, load]);
      assert.equal(watched.code, 0, watched.stderr);
      assertInert(watched.stdout + watched.stderr, 'watch screens and verdict');
      assert.match(watched.stdout, /leak\\x1b\]0;pwned/, 'the watch output names the leaking function');

      const probe = await runCli([
        'probe',
        '--target',
        address,
        '--url',
        `http://127.0.0.1:${target.port}/`,
        '--requests',
        '20',
        '--concurrency',
        '4',
        '--rounds',
        '2',
        '--settle-max',
        '3000',
      ]);
      assert.equal(probe.code, 1, probe.stderr);
      assertInert(probe.stdout + probe.stderr, 'probe report');
      assert.match(probe.stdout, /leak\\x1b\]0;pwned/, 'the probe report names the leaking function');
      await runCli(['detach', '--target', address]);
    });

    test(`exception text from the target is escaped (${node.label})`, async () => {
      const target = await startScript(script, { node: node.binary, env: { PLANT_BROKEN_AGENT: '1' } });
      cleanups.push(() => target.stop());
      const result = await runCli(['snapshot', '--target', `127.0.0.1:${target.inspectorPort}`]);
      assert.equal(result.code, 2, result.stderr);
      assertInert(result.stdout + result.stderr, 'the error message');
      assert.match(result.stderr, /pwned\\x07/, 'the exception text is shown, escaped');
    });
  }

  test('a snapshot file with control characters in its name and fields is reported escaped', async () => {
    const bad = join(dir, 'bad\u001b]0;file\u0007\rOK: no leak found.json');
    writeFileSync(
      bad,
      JSON.stringify({ schema: 'async-leak-lens/snapshot@1', takenAt: '\u001b[2J\nOK: no leak found', sites: [], totals: {} }),
    );
    const result = await runCli(['diff', bad, bad]);
    assert.equal(result.code, 2, result.stderr);
    assertInert(result.stdout + result.stderr, 'the file error');
    assert.match(result.stderr, /bad\\x1b\]0;file\\x07\\rOK: no leak found\.json/);
  });
});
