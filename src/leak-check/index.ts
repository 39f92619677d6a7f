// async-leak-lens/leak-check: fails a test that leaves async work behind (the goleak / leaktest
// of Node). In-process, no inspector: the agent's tracker runs in the test process, scoped to the
// async context of each checked test (see scopes.ts), so concurrent tests are told apart.
//
//   test('handles an order', leakFree(async () => { ... }));         // one test
//   const test = withLeakChecks(require('node:test').test);           // every test in the file
//   await checkLeaks(async () => { ... });                            // any code
//   const leaks = startLeakCheck(); ...; await leaks.verify();        // baseline now, check later
import { resolveOptions, type LeakCheckOptions } from './options';
import { isLeak, LeakError, type LeakReport } from './report';
import { Scope, outsideScopes } from './scopes';
import { settleScope } from './settle';
import { currentTestName } from './test-names';

export { configureLeakCheck, type IgnoreRules, type LeakCheckOptions } from './options';
export { formatLeakReport, LeakError, type AbandonedSite, type LeakedSite, type LeakReport } from './report';

/**
 * Runs fn, then waits (up to timeoutMs) for everything fn created to finish; rejects with a
 * LeakError whose message is the report when something is still pending. Resolves with fn's
 * result. What existed before is ignored. When fn itself fails, its error is what you get.
 */
export async function checkLeaks<T>(fn: () => T | PromiseLike<T>, options: LeakCheckOptions = {}): Promise<T> {
  const report = await runAndReport(fn, options);
  const o = resolveOptions(options);
  if (isLeak(report.report, o)) throw new LeakError(report.report, o);
  return report.result;
}

/** Like checkLeaks, but resolves with the report (and fn's result) instead of failing. */
export async function runAndReport<T>(
  fn: () => T | PromiseLike<T>,
  options: LeakCheckOptions = {},
): Promise<{ result: T; report: LeakReport }> {
  const o = resolveOptions(options);
  const scope = new Scope(o.name);
  scope.start(o);
  try {
    const result = await scope.run(fn);
    scope.sealExceptAwaits();
    const report = await outsideScopes(() => settleScope(scope, o));
    return { result, report };
  } finally {
    scope.close();
  }
}

type TestFn = (this: unknown, ...args: any[]) => unknown;

/**
 * Wraps a test function so the test fails when it leaves async work behind. Works with node:test,
 * mocha, jest and vitest (the test's name comes from the runner). Done-callback tests work too.
 */
export function leakFree<F extends TestFn>(
  fn: F,
  options: LeakCheckOptions = {},
): (this: ThisParameterType<F>, ...args: Parameters<F>) => Promise<void> {
  if (typeof fn !== 'function') throw new TypeError('leakFree(fn): fn must be the test function');
  const checked = function leakCheckedTest(this: unknown, ...args: unknown[]): Promise<void> {
    const self = this;
    const name = currentTestName(self, args) ?? options.name;
    return checkLeaks(() => callWithDone(fn, self, args), { ...options, ...(name !== undefined ? { name } : {}) }).then(() => undefined);
  };
  // vitest reads the test's source to find the fixtures it destructures (test.extend).
  Object.defineProperty(checked, 'toString', { value: () => fn.toString(), configurable: true, writable: true });
  return checked;
}

/** A test written with a `done` callback gets one that settles the check's promise. */
function callWithDone(fn: TestFn, self: unknown, args: unknown[]): unknown {
  if (fn.length <= args.length) return fn.apply(self, args);
  return new Promise<void>((resolve, reject) => {
    const done = (error?: unknown) => (error ? reject(error) : resolve());
    fn.apply(self, [...args, done]);
  });
}

/**
 * Wraps a runner's `test` / `it` so that every test declared with it is leak-checked (a whole file
 * at once): `const test = withLeakChecks(require('node:test').test)`. `.only`, `.skip`, `.each`,
 * `.concurrent` and the like keep working.
 */
export function withLeakChecks<T extends (...args: any[]) => unknown>(test: T, options: LeakCheckOptions = {}): T {
  if (typeof test !== 'function') throw new TypeError("withLeakChecks(test): pass the runner's test or it function");
  const wrapArgs = (args: unknown[]) => {
    const at = lastFunctionIndex(args);
    if (at < 0) return args;
    const declared = typeof args[0] === 'string' ? args[0] : undefined;
    const copy = [...args];
    copy[at] = leakFree(args[at] as TestFn, {
      ...options,
      ...(options.name === undefined && declared !== undefined ? { name: declared } : {}),
    });
    return copy;
  };
  return new Proxy(test, {
    apply(target, self, args) {
      const result = Reflect.apply(target, self, wrapArgs(args));
      return result;
    },
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function' || key === 'prototype') return value;
      // test.only(name, fn), test.each(table)(name, fn), test.runIf(cond)(name, fn), ...
      return (...args: unknown[]) => {
        const result = Reflect.apply(value, target, wrapArgs(args));
        return typeof result === 'function' ? withLeakChecks(result as T, options) : result;
      };
    },
  });
}

function lastFunctionIndex(args: unknown[]): number {
  for (let i = args.length - 1; i >= 0; i--) if (typeof args[i] === 'function') return i;
  return -1;
}

export interface LeakCheck {
  /** Waits for pending work and answers what is still pending (does not throw). Ends the check. */
  check(): Promise<LeakReport>;
  /** Like check(), but rejects with a LeakError when something is still pending. */
  verify(): Promise<void>;
  /** Ends the check without looking. */
  stop(): void;
}

/**
 * Takes a baseline now: from here on, what the calling async context creates (this test, and
 * nothing running concurrently beside it) is followed; verify() at the end fails on leftovers.
 */
export function startLeakCheck(options: LeakCheckOptions = {}): LeakCheck {
  const o = resolveOptions(options);
  const scope = new Scope(o.name);
  scope.start(o);
  scope.enter();
  let report: Promise<LeakReport> | undefined;
  const check = () => {
    // Sealed at once: the caller's own `await check()` must not count as pending.
    scope.seal();
    report ??= outsideScopes(() => settleScope(scope, o)).finally(() => scope.close());
    return report;
  };
  return {
    check,
    async verify() {
      const result = await check();
      if (isLeak(result, o)) throw new LeakError(result, o);
    },
    stop: () => scope.close(),
  };
}
