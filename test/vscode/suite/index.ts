// Mocha entry run INSIDE the VS Code extension host (by test-electron or the code-server runner):
// loads every *.test.js bundled next to this file and rejects with the failure count.
// ASYNC_LEAK_LENS_TEST_GREP=<text> runs only the tests whose title contains it.
import Mocha from 'mocha';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';

// The code-server runner receives the reporter's lines mixed with the workbench's own log; a
// leading mark (same constant in scripts/vscode-test/run-code-server.mjs) tells them apart.
// (console itself cannot be wrapped: the extension host pins its methods.) A test's own
// console output shows with VSCODE_TEST_VERBOSE=1.
const LOG_MARK = '\u2063';

export function run(): Promise<void> {
  if (process.env.ASYNC_LEAK_LENS_TEST_RUNNER === 'code-server') {
    Mocha.reporters.Base.consoleLog = (...args: unknown[]) => console.log(LOG_MARK + format(...args));
  }
  // 'spec' prints one line per test and the failures with their stacks: readable in a CI log.
  const mocha = new Mocha({ ui: 'tdd', reporter: 'spec', color: false, timeout: 20_000, grep: process.env.ASYNC_LEAK_LENS_TEST_GREP });
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  for (const f of files) mocha.addFile(join(__dirname, f));
  return new Promise<void>((resolve, reject) => {
    try {
      mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} test(s) failed`)) : resolve()));
    } catch (err) {
      reject(err);
    }
  });
}
