// How the leak check reads what a test runner knows: the running test's name, and positions in
// code the runner transformed (through the stack formatter it installs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runtimePosition } from '../../src/leak-check/runtime-positions';
import { currentTestName } from '../../src/leak-check/test-names';

const frame = { file: '/app/orders.test.js', line: 17, column: 9, function: 'submit' };

test('a position goes through the installed Error.prepareStackTrace, as source-map-support formats it', () => {
  const saved = Error.prepareStackTrace;
  try {
    Error.prepareStackTrace = (error, sites) =>
      `${error.name}: ${error.message}\n    at ${sites[0].getFunctionName()} (${sites[0].getFileName()}:${sites[0].getLineNumber()! - 3}:${sites[0].getColumnNumber()})`;
    assert.deepEqual(runtimePosition(frame), { ...frame, line: 14 });
    Error.prepareStackTrace = (_error, sites) => `Error: \n    at ${sites[0].getFileName()}:2:3`; // anonymous frame format
    assert.deepEqual(runtimePosition(frame), { ...frame, line: 2, column: 3 });
    Error.prepareStackTrace = () => {
      throw new Error('broken formatter');
    };
    assert.deepEqual(runtimePosition(frame), frame);
    Error.prepareStackTrace = () => 'no position here';
    assert.deepEqual(runtimePosition(frame), frame);
  } finally {
    Error.prepareStackTrace = saved;
  }
  assert.deepEqual(runtimePosition(frame), frame, 'no formatter installed: unchanged');
});

test('test names: vitest task with describe names, jest concurrent test before the last started one', () => {
  const file = { name: 'orders.test.mjs', type: 'suite', filepath: '/app/orders.test.mjs' };
  const task = { name: 'inner', type: 'test', file, suite: { name: 'outer', type: 'suite', suite: file } };
  // vitest 4's context is a function with properties.
  assert.equal(currentTestName(undefined, [Object.assign(() => undefined, { task })]), 'outer > inner');
  const global = globalThis as { expect?: unknown };
  const saved = global.expect;
  try {
    global.expect = { getState: () => ({ currentTestName: 'the last one started', currentConcurrentTestName: () => 'side by side mine' }) };
    assert.equal(currentTestName(undefined, []), 'side by side mine');
    global.expect = { getState: () => ({ currentTestName: 'serial test' }) };
    assert.equal(currentTestName(undefined, []), 'serial test');
  } finally {
    global.expect = saved;
  }
});
