// The leak check for test suites, as users run it: the example test files under
// test/fixtures/leak-check run as child processes with node:test and mocha (jest and vitest:
// leak-check-runners.test.ts), and the API called in this process from the same bundle.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type * as LeakCheckModule from '../../src/leak-check';
import { repoRoot } from '../support/fixtures';
import { markedLine, runExample as run } from '../support/leak-check-examples';

const root = repoRoot();
const mocha = join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
// The shipped bundle, not the sources: what `require('async-leak-lens/leak-check')` gives users.
const leakCheck = require(join(root, 'dist', 'leak-check.js')) as typeof LeakCheckModule;

const waiters: ((value: unknown) => void)[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('leak check in test suites', () => {
  test('node:test: the leaking test fails with a short report at the blocked line; the clean one passes', async () => {
    const result = await run(['--test-reporter=spec', 'orders.node.test.js']);
    assert.equal(result.code, 1, result.output);
    assert.match(result.output, /✔ a standard order is accepted/);
    assert.match(result.output, /✖ an express order gets an answer/);
    assert.match(result.output, /test "an express order gets an answer" left 2 async resources pending after waiting/);
    assert.match(result.output, new RegExp(`1 × PROMISE {2}blocked at orders\\.js:${markedLine('orders.js')}:\\d+ {2}submit`));
    assert.match(result.output, /Example stack \(PROMISE blocked at orders\.js:\d+:\d+\):\n\s+at submit \(orders\.js/);
    assert.doesNotMatch(result.output, /leak-check\.js:\d+:\d+\)/, 'no frames of the checker in the report');

    const clean = await run(['--test-reporter=spec', '--test-name-pattern=standard', 'orders.node.test.js']);
    assert.equal(clean.code, 0, clean.output);
    assert.match(clean.output, /✔ a standard order is accepted/);
  });

  test('mocha: the same with leakFree; exit code and report', async () => {
    const result = await run([mocha, 'orders.mocha.test.js']);
    assert.equal(result.code, 1, result.output);
    assert.match(result.output, /✔ accepts a standard order/);
    assert.match(result.output, /1 failing/);
    assert.match(
      result.output,
      new RegExp(
        `LeakError: test "orders answers an express order" left 2 async resources pending[\\s\\S]*blocked at orders\\.js:${markedLine('orders.js')}:`,
      ),
    );

    const clean = await run([mocha, '--grep', 'standard', 'orders.mocha.test.js']);
    assert.equal(clean.code, 0, clean.output);
    assert.match(clean.output, /1 passing/);
  });

  test('abandoned tasks fail a test by default with the await line (node:test and mocha); allowAbandoned lets one pass', async () => {
    const line = markedLine('quotes.js');
    const report = new RegExp(
      `abandoned 2 tasks: collected by the GC while suspended — the code after this await and its finally blocks never ran:\\n\\s+2 × abandoned at quotes\\.js:${line}:\\d+ {2}askMirror`,
    );
    const node = await run(['--test-reporter=spec', 'quotes.node.test.js']);
    assert.equal(node.code, 1, node.output);
    assert.match(node.output, /✔ a quote from one mirror/);
    assert.match(node.output, /✖ the fastest of three mirrors \(/);
    assert.match(node.output, /✔ the fastest of three mirrors, the others abandoned on purpose/);
    assert.match(node.output, new RegExp(`test "the fastest of three mirrors" ${report.source}`));
    assert.match(node.output, /pass \{ allowAbandoned: true \}/);

    const mochaRun = await run([mocha, 'quotes.mocha.test.js']);
    assert.equal(mochaRun.code, 1, mochaRun.output);
    assert.match(mochaRun.output, /2 passing[\s\S]*1 failing/);
    assert.match(mochaRun.output, new RegExp(`LeakError: test "quotes the fastest of three mirrors" ${report.source}`));
  });

  test('checkLeaks: abandoned tasks are in the report, and allowAbandoned resolves', async () => {
    const channel = () => {
      const receivers: ((v: unknown) => void)[] = [];
      return {
        send: () => (receivers.length ? (receivers.shift()!(1), Promise.resolve()) : new Promise(() => undefined)),
        receive: () => new Promise((r) => receivers.push(r)),
      };
    };
    const worker = async (c: ReturnType<typeof channel>) => {
      await sleep(1);
      await c.send(); // the losers block here for good
    };
    const race = async () => {
      const c = channel();
      for (let i = 0; i < 3; i++) void worker(c);
      return c.receive();
    };
    const { report } = await leakCheck.runAndReport(race);
    assert.deepEqual(report.sites, []);
    assert.deepEqual(
      report.abandoned.map((s) => [s.count, s.frame.function]),
      [[2, 'worker']],
    );
    await assert.rejects(leakCheck.checkLeaks(race), (e: Error) => e.name === 'LeakError' && /abandoned 2 tasks/.test(e.message));
    assert.equal(await leakCheck.checkLeaks(race, { allowAbandoned: true }), 1);
  });

  test('concurrent tests: each leak is blamed on the test that created it', async () => {
    const result = await run(['--test-reporter=spec', 'concurrent.node.test.js']);
    assert.equal(result.code, 1, result.output);
    const section = (name: string) => {
      // The summary of failures at the end (Node 22+ prints the details only there).
      const start = result.output.lastIndexOf(`✖ ${name}`);
      assert.ok(start >= 0, `${name} did not fail:\n${result.output}`);
      return result.output.slice(start, result.output.indexOf('\n\n', start));
    };
    assert.match(result.output, /✔ clean, running at the same time/);
    const polling = section('polls and forgets to stop');
    assert.match(
      polling,
      new RegExp(
        `1 × Timeout {2}created at concurrent\\.node\\.test\\.js:${markedLine('concurrent.node.test.js', 'polling')}:\\d+ {2}startPolling`,
      ),
    );
    assert.doesNotMatch(polling, /orders\.js/, "the other test's leak is not blamed on this one");
    const express = section('submits an express order at the same time');
    assert.match(express, new RegExp(`blocked at orders\\.js:${markedLine('orders.js')}:`));
    assert.doesNotMatch(express, /× Timeout/);
  });

  test('checkLeaks: clean code resolves with its result; what existed before is ignored', async () => {
    const before = setInterval(() => {}, 1000);
    try {
      assert.equal(
        await leakCheck.checkLeaks(async () => {
          await sleep(5);
          const t = setInterval(() => {}, 1);
          clearInterval(t);
          return 42;
        }),
        42,
      );
    } finally {
      clearInterval(before);
    }
  });

  test('checkLeaks: a leak rejects with a LeakError carrying the report', async () => {
    const error = await leakCheck
      .checkLeaks(
        () => {
          new Promise((resolve) => waiters.push(resolve));
        },
        { name: 'direct', timeoutMs: 100 },
      )
      .then(
        () => assert.fail('no leak reported'),
        (e: unknown) => e,
      );
    assert.ok(error instanceof leakCheck.LeakError);
    const { report } = error;
    assert.equal(report.test, 'direct');
    assert.equal(report.pending, 1);
    assert.equal(report.sites[0].type, 'PROMISE');
    assert.equal(report.sites[0].kind, 'created');
    assert.ok(report.waitedMs >= 100, `waited ${report.waitedMs} ms`);
    assert.match(error.message, /^test "direct" left 1 async resource pending after waiting \d+ ms:\n {2}1 × PROMISE {2}created at /);
    assert.ok(!Object.keys(error).includes('report'), 'the report is not printed twice by runners');
  });

  test('work that finishes within the timeout is not a leak; past it, it is', async () => {
    await leakCheck.checkLeaks(() => void setTimeout(() => {}, 150), { timeoutMs: 2000 });
    const { report } = await leakCheck.runAndReport(() => void setTimeout(() => {}, 1500).unref(), { timeoutMs: 50 });
    assert.deepEqual(
      report.sites.map((s) => s.type),
      ['Timeout'],
    );
  });

  test('ignore by type, by function and by file pattern', async () => {
    function keepAlive() {
      setInterval(() => {}, 1000).unref();
    }
    const byType = await leakCheck.runAndReport(keepAlive, { timeoutMs: 20, ignore: { types: ['Timeout'] } });
    assert.deepEqual([byType.report.sites.length, byType.report.ignored], [0, 1]);
    const byFunction = await leakCheck.runAndReport(keepAlive, { timeoutMs: 20, ignore: { functions: ['keepAlive'] } });
    assert.deepEqual([byFunction.report.sites.length, byFunction.report.ignored], [0, 1]);
    const byFile = await leakCheck.runAndReport(keepAlive, { timeoutMs: 20, ignore: { files: [/leak-check\.test\.[jt]s$/] } });
    assert.deepEqual([byFile.report.sites.length, byFile.report.ignored], [0, 1]);
    const notMatching = await leakCheck.runAndReport(keepAlive, { timeoutMs: 20, ignore: { functions: [/^other/], types: ['PROMISE'] } });
    assert.deepEqual([notMatching.report.sites.length, notMatching.report.ignored], [1, 0]);
    assert.match(leakCheck.formatLeakReport(byType.report), /^No leak: the checked code left nothing pending \(1 ignored\)\.$/);
  });

  test('a failing test keeps its own error; startLeakCheck checks from a baseline in the same async context', async () => {
    await assert.rejects(
      leakCheck.checkLeaks(async () => {
        setInterval(() => {}, 1000).unref();
        throw new Error('the assertion that failed');
      }),
      /the assertion that failed/,
    );

    const clean = leakCheck.startLeakCheck({ name: 'baseline' });
    await sleep(5);
    await clean.verify();

    const leaky = leakCheck.startLeakCheck({ name: 'baseline leak', timeoutMs: 50 });
    new Promise((resolve) => waiters.push(resolve));
    await assert.rejects(
      leaky.verify(),
      (e: unknown) => e instanceof leakCheck.LeakError && e.report.pending === 1 && e.report.test === 'baseline leak',
    );
  });

  test('withLeakChecks keeps the runner API: names, .skip/.only style members, return values', async () => {
    const declared: { name: string; fn: (...args: unknown[]) => unknown }[] = [];
    const fakeRunner = Object.assign((name: string, fn: (...args: unknown[]) => unknown) => declared.push({ name, fn }) && 'declared', {
      skip: (name: string, fn: (...args: unknown[]) => unknown) => declared.push({ name: `skip ${name}`, fn }),
      each: (rows: unknown[]) => (name: string, fn: (...args: unknown[]) => unknown) =>
        rows.forEach((row) => declared.push({ name: `${name} ${row}`, fn: () => fn(row) })),
      timeout: 5000,
    });
    const checked = leakCheck.withLeakChecks(fakeRunner);
    assert.equal(
      checked('one', async () => undefined),
      'declared',
    );
    checked.skip('two', async () => undefined);
    checked.each([1, 2])('row', async (row: unknown) => assert.ok(row === 1 || row === 2));
    assert.equal(checked.timeout, 5000);
    assert.deepEqual(
      declared.map((d) => d.name),
      ['one', 'skip two', 'row 1', 'row 2'],
    );
    for (const d of declared) await d.fn();
    // A leak in a declared test fails when the runner calls it, under the declared name.
    const leakyRunner = leakCheck.withLeakChecks((name: string, fn: () => Promise<void>) => fn());
    await assert.rejects(
      leakyRunner('leaks a timer', async () => void setInterval(() => {}, 1000).unref()) as Promise<void>,
      /test "leaks a timer" left 1 async resource/,
    );
  });
});
