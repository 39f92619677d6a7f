// Installs the hooks in the cheapest way the running Node allows.
//
// Costs measured on the 2M-await microbenchmark (Node 20, see bench/): V8 promise hooks with
// init+settled ~1.4x; an async_hooks init hook ~2.2x, because enabling any async_hooks hook makes
// Node install its own promise hooks (an async id per promise, before/after on every reaction);
// adding a destroy hook ~10x, because Node then registers a GC callback for every promise.
// So:
// - no destroy hook anywhere: liveness of non-promise resources comes from the resources
//   themselves (liveness.ts). This also keeps a destroy hook of ours from switching on per-promise
//   GC tracking for someone else's promise-tracking hook (AsyncLocalStorage on Node < 24).
// - where Node can leave promises out of an async hook (`trackPromises: false`, Node >= 24.x;
//   Node 22 has the same internal flag, used by its inspector, which we set when present),
//   promises come from V8 promise hooks (init+settled) and async_hooks sees the rest;
// - elsewhere (Node 18, 20) Node's promise tracking runs anyway once our hook is enabled, so
//   promises are taken from that same async_hooks init (no second init hook on every promise);
//   V8's `settled` hook alone counts settlements.
import type * as AsyncHooks from 'node:async_hooks';
import type * as V8 from 'node:v8';

export type InitHook = (asyncId: number, type: string, triggerAsyncId: number, resource: object) => void;
export type PromiseInitHook = (promise: Promise<unknown>, parent: Promise<unknown> | undefined) => void;
export type PromiseSettledHook = (promise: Promise<unknown>) => void;

export interface HookHandlers {
  /** Called by Node directly (so that stack captures can start below it). */
  init: InitHook;
  promiseInit: PromiseInitHook;
  promiseSettled: PromiseSettledHook;
  /** How many PROMISE resources `init` has received so far. */
  promiseInitsSeen(): number;
}

export interface InstalledHooks {
  /** True when async_hooks' init also receives PROMISE resources (Node without trackPromises). */
  promisesThroughAsyncHooks: boolean;
  stop(): void;
}

export function installHooks(asyncHooks: typeof AsyncHooks, v8: typeof V8, handlers: HookHandlers): InstalledHooks {
  const hook = asyncHooks.createHook({ init: handlers.init, trackPromises: false } as AsyncHooks.HookCallbacks);
  leavePromisesOut(hook);
  // Whether promises still reach our init decides who reports them; a real promise tells.
  const before = handlers.promiseInitsSeen();
  let promisesThroughAsyncHooks: boolean;
  let stopPromiseHooks: () => void;
  try {
    // Inside the try: Node's own enable() may throw after it registered the hook (it calls
    // v8.promiseHooks, which target code can replace).
    hook.enable();
    void new Promise<void>((resolve) => resolve());
    promisesThroughAsyncHooks = handlers.promiseInitsSeen() > before;
    stopPromiseHooks = (
      promisesThroughAsyncHooks
        ? v8.promiseHooks.onSettled(handlers.promiseSettled)
        : v8.promiseHooks.createHook({ init: handlers.promiseInit, settled: handlers.promiseSettled })
    ) as () => void;
    if (typeof stopPromiseHooks !== 'function') throw new TypeError('v8.promiseHooks gave no way to stop the hook');
  } catch (error) {
    // All or nothing: a hook left enabled here would have nothing to remove it.
    try {
      hook.disable();
    } catch {
      // Removed from Node's list before anything that could throw.
    }
    throw error;
  }
  return {
    promisesThroughAsyncHooks,
    stop() {
      stopPromiseHooks();
      hook.disable();
    },
  };
}

/**
 * Node 22 marks its inspector's async hook with an internal `kNoPromiseHook` symbol that makes
 * Node skip promise tracking for that hook; `trackPromises: false` (Node 24) sets the same flag.
 * Set it when the hook carries it but the option did not (the probe above checks the effect).
 */
function leavePromisesOut(hook: AsyncHooks.AsyncHook): void {
  const flag = Object.getOwnPropertySymbols(hook).find((symbol) => symbol.description === 'kNoPromiseHook');
  if (flag === undefined) return;
  const fields = hook as unknown as Record<symbol, unknown>;
  if (fields[flag] === false) fields[flag] = true;
}
