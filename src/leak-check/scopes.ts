// A scope is one checked test: its own copy of the agent's tracker (src/agent/tracker.ts, used
// in-process, no inspector), fed only with the resources created in that test's async context.
//
// Attribution: the test body runs inside AsyncLocalStorage.run(scope) (or enterWith), so every
// resource it creates, directly or through any chain of callbacks and awaits, carries the scope
// at creation time; the dispatcher reads it there and routes the resource to that scope's
// tracker. Tests running concurrently each see only their own resources. Cost: one getStore()
// per resource created anywhere while a check is running, a WeakMap entry per promise created in a
// checked test, and a stack capture (a few µs) per resource created in a checked test.
import * as asyncHooks from 'node:async_hooks';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { threadId } from 'node:worker_threads';
import { AGENT_SOURCE_URL, type AgentConfig, type AgentSnapshot } from '../agent/protocol';
import { startTracker, type Builtins, type Tracker } from '../agent/tracker';
import { createDispatcher, type Dispatcher, type RoutedScope, type ScopeHandlers } from './dispatcher';

export interface ScopeConfig {
  stackDepth: number;
  nodeModulesAsSites: boolean;
}

export class Scope implements RoutedScope {
  readonly handlers: ScopeHandlers = { init: [], promiseInit: [], promiseSettled: [] };
  private tracker: Tracker | undefined;
  private closed = false;
  awaitsOnly = false;

  constructor(readonly name: string | undefined) {}

  /** Starts tracking (inside the scope, so the tracker's own start-up probes land here too). */
  start(config: ScopeConfig): void {
    const agentConfig: AgentConfig = {
      version: 'leak-check',
      stackDepth: config.stackDepth,
      nodeModulesAsSites: config.nodeModulesAsSites,
      // A stack for every resource: the counts of a test must be exact, not estimates.
      stackCapturesPerSecond: 1e9,
      maxTrackedResources: 1_000_000,
      maxSites: 100_000,
      examplesPerSite: 1,
    };
    this.tracker = storage.run(this, () => startTracker(agentConfig, routedBuiltins(this, dispatcher()), threadId));
  }

  snapshot(): AgentSnapshot {
    if (!this.tracker) throw new Error('leak-check: scope not started');
    return this.tracker.snapshot();
  }

  /**
   * Takes no new resources any more (the test is over: what its leftovers create later is not
   * news, and the checker's own awaits must not count), but still follows the ones it has.
   */
  seal(): void {
    this.handlers.init.length = 0;
    this.handlers.promiseInit.length = 0;
  }

  /**
   * Like seal(), except that awaits of the test's leftover tasks are still followed: a task that
   * blocks after the test ended and is then collected is abandoned all the same. Only for checks
   * whose own awaits run outside the scope (checkLeaks, leakFree).
   */
  sealExceptAwaits(): void {
    this.awaitsOnly = true;
  }

  /** Stops tracking altogether. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.tracker?.stop();
  }

  /** Runs fn inside the scope: everything it creates is tracked here. */
  run<T>(fn: () => T): T {
    return storage.run(this, fn);
  }

  /** Makes the rest of the caller's async context part of the scope (for start/verify style checks). */
  enter(): void {
    storage.enterWith(this);
  }
}

const storage = new asyncHooks.AsyncLocalStorage<Scope>();

/** Runs fn outside any scope (the checker's own timers and promises must not count). */
export function outsideScopes<T>(fn: () => T): T {
  return storage.exit(fn);
}

let theDispatcher: Dispatcher | undefined;

function dispatcher(): Dispatcher {
  if (!theDispatcher) {
    // Evaluated again under the agent's file name: the tracker skips those frames in every stack.
    const factory = vm.runInThisContext(`(${createDispatcher.toString()})`, { filename: AGENT_SOURCE_URL }) as typeof createDispatcher;
    theDispatcher = factory(asyncHooks as never, v8.promiseHooks as never, () => storage.getStore());
  }
  return theDispatcher;
}

/**
 * The built-ins the tracker is given: the real modules, except that the hooks it creates register
 * with this scope in the dispatcher instead of with Node.
 */
function routedBuiltins(scope: Scope, routing: Dispatcher): Builtins {
  const unsupported = (what: string) =>
    new Error(
      `leak-check routes async_hooks init and promise init/settled only; the tracker asked for ${what} (src/leak-check/dispatcher.ts)`,
    );
  const register = <F>(list: F[], fn: F | undefined): (() => void) => {
    if (fn === undefined) return () => undefined;
    list.push(fn);
    routing.retain();
    let registered = true;
    return () => {
      if (!registered) return;
      registered = false;
      const index = list.indexOf(fn);
      if (index >= 0) list.splice(index, 1);
      routing.release();
    };
  };

  const createHook = (callbacks: asyncHooks.HookCallbacks) => {
    if (callbacks.before || callbacks.after || callbacks.destroy || callbacks.promiseResolve)
      throw unsupported('async_hooks before/after/destroy/promiseResolve');
    let unregister: (() => void) | undefined;
    const hook = {
      enable() {
        unregister ??= register(scope.handlers.init, callbacks.init as ScopeHandlers['init'][number] | undefined);
        return hook;
      },
      disable() {
        unregister?.();
        unregister = undefined;
        return hook;
      },
    };
    return hook;
  };

  const promiseHooks = {
    createHook(callbacks: {
      init?: ScopeHandlers['promiseInit'][number];
      settled?: ScopeHandlers['promiseSettled'][number];
      before?: unknown;
      after?: unknown;
    }) {
      if (callbacks.before || callbacks.after) throw unsupported('promise before/after hooks');
      const stops = [register(scope.handlers.promiseInit, callbacks.init), register(scope.handlers.promiseSettled, callbacks.settled)];
      return () => stops.forEach((stop) => stop());
    },
    onInit: (fn: ScopeHandlers['promiseInit'][number]) => register(scope.handlers.promiseInit, fn),
    onSettled: (fn: ScopeHandlers['promiseSettled'][number]) => register(scope.handlers.promiseSettled, fn),
    onBefore: () => {
      throw unsupported('promise before hooks');
    },
    onAfter: () => {
      throw unsupported('promise after hooks');
    },
  };

  return {
    asyncHooks: Object.create(asyncHooks, { createHook: { value: createHook } }),
    v8: Object.create(v8, { promiseHooks: { value: promiseHooks } }),
  };
}
