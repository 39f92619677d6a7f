// One real async hook and one real V8 promise hook for the whole process, routing each event to
// the leak-check scope (one test) it belongs to: inits go to the scope of the async context that
// creates the resource (read from AsyncLocalStorage at creation), a promise's settle goes to the
// scope that saw the promise created. Each scope's tracker registers "hooks" here instead of with
// Node (see scopes.ts), so it only ever sees its own test's resources.
//
// createDispatcher must stay self-contained (no imports, no outside names): scopes.ts evaluates
// its source again under the agent's file name, so that these frames, which sit between Node and
// the tracker in every creation stack, are skipped like the agent's own frames.

export interface ScopeHandlers {
  init: ((asyncId: number, type: string, triggerAsyncId: number, resource: object) => void)[];
  promiseInit: ((promise: Promise<unknown>, parent: Promise<unknown> | undefined) => void)[];
  promiseSettled: ((promise: Promise<unknown>) => void)[];
}

export interface RoutedScope {
  readonly handlers: ScopeHandlers;
  /**
   * After the test: only awaits (promises with a parent) still reach the scope, so that a leftover
   * task that blocks later can still be seen abandoned.
   */
  readonly awaitsOnly?: boolean;
}

export interface Dispatcher {
  /** Real hooks are on while at least one registration holds them. */
  retain(): void;
  release(): void;
}

interface AsyncHooksLike {
  executionAsyncId(): number;
  createHook(callbacks: { init?: (...args: never[]) => void; trackPromises?: boolean }): { enable(): unknown; disable(): unknown };
}

interface PromiseHooksLike {
  createHook(callbacks: Record<string, (...args: never[]) => void>): () => void;
}

export function createDispatcher(
  asyncHooks: AsyncHooksLike,
  promiseHooks: PromiseHooksLike,
  currentScope: () => RoutedScope | undefined,
): Dispatcher {
  const promiseOwner = new WeakMap<object, RoutedScope>();
  let holders = 0;
  let asyncHook: { enable(): unknown; disable(): unknown } | undefined;
  let stopPromiseHook: (() => void) | undefined;

  function init(asyncId: number, type: string, triggerAsyncId: number, resource: object): void {
    const scope = currentScope();
    if (scope === undefined) return;
    const handlers = scope.handlers.init;
    if (handlers.length === 0) return;
    // A promise whose trigger is the running context has no parent: not an await.
    if (scope.awaitsOnly && (type !== 'PROMISE' || triggerAsyncId === asyncHooks.executionAsyncId())) return;
    if (type === 'PROMISE') promiseOwner.set(resource, scope);
    for (let i = 0; i < handlers.length; i++) handlers[i](asyncId, type, triggerAsyncId, resource);
  }

  function promiseInit(promise: Promise<unknown>, parent: Promise<unknown> | undefined): void {
    const scope = currentScope();
    if (scope === undefined || (scope.awaitsOnly && parent === undefined)) return;
    promiseOwner.set(promise, scope);
    const handlers = scope.handlers.promiseInit;
    for (let i = 0; i < handlers.length; i++) handlers[i](promise, parent);
  }

  function promiseSettled(promise: Promise<unknown>): void {
    const scope = promiseOwner.get(promise);
    if (scope === undefined) return;
    const handlers = scope.handlers.promiseSettled;
    for (let i = 0; i < handlers.length; i++) handlers[i](promise);
  }

  return {
    retain() {
      if (holders++ > 0) return;
      // Promises through V8's hooks where Node allows it; on Node versions that ignore
      // trackPromises, async_hooks delivers them too, and the tracker notices that itself.
      asyncHook = asyncHooks.createHook({ init, trackPromises: false });
      asyncHook.enable();
      stopPromiseHook = promiseHooks.createHook({ init: promiseInit, settled: promiseSettled });
    },
    release() {
      if (holders === 0 || --holders > 0) return;
      if (asyncHook) asyncHook.disable();
      if (stopPromiseHook) stopPromiseHook();
      asyncHook = undefined;
      stopPromiseHook = undefined;
    },
  };
}
