// The leak check under jest and vitest, run as users run them (jest's bin, `vitest run`) on the
// examples in test/fixtures/leak-check. jest runs test files in vm contexts, in its own process
// for a single file and in worker processes otherwise; vitest in child processes (forks, its
// default), worker threads, or vm contexts inside either: each is run here.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { repoRoot } from '../support/fixtures';
import { lineOf, markedLine, runExample as run } from '../support/leak-check-examples';

const jest = join(repoRoot(), 'node_modules', 'jest', 'bin', 'jest.js');
const vitest = join(repoRoot(), 'node_modules', 'vitest', 'vitest.mjs');

/** The report of the express order's leak, with lines mapped back through the runner's transform. */
function assertExpressReport(output: string, testFile: string, name: string): void {
  assert.match(output, new RegExp(`LeakError: test "${name}" left 2 async resources pending after waiting`));
  assert.match(output, new RegExp(`1 × PROMISE {2}blocked at orders\\.js:${markedLine('orders.js')}:\\d+ {2}submit`));
  assert.match(
    output,
    new RegExp(`1 × PROMISE {2}created at orders\\.js:${lineOf('orders.js', 'new Promise((resolve) => waiting.set')}:\\d+ {2}waitForAck`),
  );
  assert.match(
    output,
    new RegExp(`at ${testFile.replace(/\./g, '\\.')}:${lineOf(testFile, "item: 'lamp', express: true")}:\\d+`),
    "the test's own line, in its source",
  );
  assert.doesNotMatch(output, /leak-check\.js:\d+:\d+\)/, 'no frames of the checker in the report');
}

/** The report of the quotes example: the two losing mirrors abandoned at their send. */
function assertAbandonedReport(output: string, name: string): void {
  assert.match(
    output,
    new RegExp(
      `LeakError: test "${name}" abandoned 2 tasks: collected by the GC while suspended — the code after this await and its finally blocks never ran:\\n\\s+2 × abandoned at quotes\\.js:${markedLine('quotes.js')}:\\d+ {2}askMirror`,
    ),
  );
}

describe('leak check under jest and vitest', () => {
  test('jest and vitest: a test that abandons tasks fails with the await line; allowAbandoned lets one pass', async () => {
    const jestRun = await run([jest, 'quotes.jest.test.js']);
    assert.equal(jestRun.code, 1, jestRun.output);
    assert.match(jestRun.output, /✓ a quote from one mirror[\s\S]*✕ the fastest of three mirrors \(/);
    assert.match(jestRun.output, /✓ the fastest of three mirrors, the others abandoned on purpose/);
    assertAbandonedReport(jestRun.output, 'the fastest of three mirrors');

    const vitestRun = await run([vitest, 'run', 'quotes.vitest.test.mjs']);
    assert.equal(vitestRun.code, 1, vitestRun.output);
    assert.match(vitestRun.output, /1 failed \| 2 passed/);
    assertAbandonedReport(vitestRun.output, 'the fastest of three mirrors');
  });

  test('jest: the leaking test fails with the report, the clean one passes', async () => {
    const result = await run([jest, 'orders.jest.test.js']);
    assert.equal(result.code, 1, result.output);
    assert.match(result.output, /✓ a standard order is accepted/);
    assert.match(result.output, /✕ an express order gets an answer/);
    assertExpressReport(result.output, 'orders.jest.test.js', 'an express order gets an answer');

    const clean = await run([jest, '-t', 'standard', 'orders.jest.test.js']);
    assert.equal(clean.code, 0, clean.output);
    assert.match(clean.output, /✓ a standard order is accepted/);
  });

  test('jest in worker processes, test.concurrent: each leak is blamed on the test that created it', async () => {
    // With a memory limit jest always uses workers (one file would otherwise run in its own process).
    const result = await run([jest, '--verbose', '--maxWorkers=2', '--workerIdleMemoryLimit=1GB']);
    assert.equal(result.code, 1, result.output);
    assertExpressReport(result.output, 'orders.jest.test.js', 'an express order gets an answer');
    assert.match(result.output, /✓ clean, running at the same time/);
    const polling = section(result.output, '● side by side › polls and forgets to stop');
    assert.match(
      polling,
      new RegExp(
        `test "side by side polls and forgets to stop" left 1 async resource[\\s\\S]*1 × Timeout {2}created at concurrent\\.jest\\.test\\.js:${markedLine('concurrent.jest.test.js', 'polling')}:\\d+ {2}startPolling`,
      ),
    );
    assert.doesNotMatch(polling, /orders\.js/, "the other test's leak is not blamed on this one");
    const express = section(result.output, '● side by side › submits an express order at the same time');
    assert.match(
      express,
      new RegExp(
        `test "side by side submits an express order at the same time" left 2 async resources[\\s\\S]*blocked at orders\\.js:${markedLine('orders.js')}:`,
      ),
    );
    assert.doesNotMatch(express, /× Timeout/);
  });

  test('vitest run (forks): the leaking test fails with the report, the clean one passes', async () => {
    const result = await run([vitest, 'run', 'orders.vitest.test.mjs']);
    assert.equal(result.code, 1, result.output);
    assert.match(result.output, /✓ a standard order is accepted/);
    assert.match(result.output, /× an express order gets an answer/);
    assertExpressReport(result.output, 'orders.vitest.test.mjs', 'an express order gets an answer');

    const clean = await run([vitest, 'run', '-t', 'standard', 'orders.vitest.test.mjs']);
    assert.equal(clean.code, 0, clean.output);
    assert.match(clean.output, /1 passed/);
  });

  for (const pool of ['threads', 'vmThreads']) {
    test(`vitest run --pool ${pool}: the same report`, async () => {
      const result = await run([vitest, 'run', '--pool', pool, 'orders.vitest.test.mjs']);
      assert.equal(result.code, 1, result.output);
      assert.match(result.output, /✓ a standard order is accepted/);
      assertExpressReport(result.output, 'orders.vitest.test.mjs', 'an express order gets an answer');
    });
  }
});

/** One failure's details in jest's output: from its heading to the next one. */
function section(output: string, heading: string): string {
  const start = output.indexOf(heading);
  assert.ok(start >= 0, `${heading} not in:\n${output}`);
  const next = output.indexOf('●', start + heading.length);
  return output.slice(start, next < 0 ? undefined : next);
}
