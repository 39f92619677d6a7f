// The running test's name, read from whichever runner called the test function.

/** node:test passes its TestContext; mocha binds `this` to a Context with `test`; jest and vitest keep it in expect's state. */
export function currentTestName(self: unknown, args: unknown[]): string | undefined {
  const context = args[0] as { name?: unknown; fullName?: unknown } | undefined;
  if (context && typeof context === 'object' && (typeof context.fullName === 'string' || typeof context.name === 'string') && 'diagnostic' in context) {
    return String(context.fullName ?? context.name);
  }
  const mocha = (self as { test?: { fullTitle?: () => string } } | undefined)?.test;
  if (mocha && typeof mocha.fullTitle === 'function') return mocha.fullTitle();
  const expect = (globalThis as { expect?: { getState?: () => { currentTestName?: unknown } } }).expect;
  const name = typeof expect?.getState === 'function' ? expect.getState().currentTestName : undefined;
  return typeof name === 'string' ? name : undefined;
}
