// The running test's name, read from whichever runner called the test function.

interface VitestTask {
  name?: unknown;
  type?: unknown;
  suite?: VitestTask;
  file?: unknown;
}

interface ExpectState {
  currentTestName?: unknown;
  /** jest 30: the test of the calling async context (currentTestName is the last one started). */
  currentConcurrentTestName?: () => unknown;
}

/**
 * node:test passes its TestContext; mocha binds `this` to a Context with `test`; vitest passes a
 * context with `task`; jest keeps it in expect's state.
 */
export function currentTestName(self: unknown, args: unknown[]): string | undefined {
  const context = args[0] as { name?: unknown; fullName?: unknown; task?: VitestTask } | undefined;
  if (
    context &&
    typeof context === 'object' &&
    (typeof context.fullName === 'string' || typeof context.name === 'string') &&
    'diagnostic' in context
  ) {
    return String(context.fullName ?? context.name);
  }
  // vitest 4's context is a function with properties.
  if (
    context &&
    (typeof context === 'object' || typeof context === 'function') &&
    context.task?.type === 'test' &&
    typeof context.task.name === 'string'
  )
    return vitestName(context.task);
  const mocha = (self as { test?: { fullTitle?: () => string } } | undefined)?.test;
  if (mocha && typeof mocha.fullTitle === 'function') return mocha.fullTitle();
  const expect = (globalThis as { expect?: { getState?: () => ExpectState } }).expect;
  const state = typeof expect?.getState === 'function' ? expect.getState() : undefined;
  const concurrent = typeof state?.currentConcurrentTestName === 'function' ? state.currentConcurrentTestName() : undefined;
  const name = concurrent ?? state?.currentTestName;
  return typeof name === 'string' ? name : undefined;
}

/** "describe > test", as vitest names a test in its own output. */
function vitestName(task: VitestTask): string {
  const names = [String(task.name)];
  // Some vitest versions end the chain with the file, whose name is its path.
  for (let suite = task.suite; suite && suite !== task.file && !('filepath' in suite); suite = suite.suite) {
    if (typeof suite.name === 'string' && suite.name) names.unshift(suite.name);
  }
  return names.join(' > ');
}
