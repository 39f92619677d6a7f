// Is a non-promise resource still pending? Without a destroy hook (see hooks.ts) this is read from
// the resource itself, which the agent holds weakly:
// - collected: finished (a resource that can still fire keeps its object reachable);
// - Timeout / Immediate: Node's own `_destroyed` flag (set when it ran or was cleared);
// - native handles and requests (async_hooks.asyncWrapProviders): getAsyncId() answers -1 once the
//   native side is closed or done, and a new id when the object is reused (HTTP parsers).
// Other resources (TickObject, user AsyncResources, the HTTP resources Node passes as plain
// objects) count as pending until they are collected.

const TIMER_TYPES = new Set(['Timeout', 'Immediate']);

export class Liveness {
  private readonly nativeTypes: Set<string>;

  constructor(asyncWrapProviders: Record<string, number> | undefined) {
    this.nativeTypes = new Set(Object.keys(asyncWrapProviders ?? {}));
  }

  /** True when the resource is known to be finished. Never throws. */
  isFinished(type: string, asyncId: number, ref: WeakRef<object>): boolean {
    const resource = ref.deref() as Record<string, unknown> | undefined;
    if (resource === undefined) return true;
    try {
      if (TIMER_TYPES.has(type)) return resource._destroyed === true;
      if (this.nativeTypes.has(type)) {
        const getAsyncId = resource.getAsyncId;
        return typeof getAsyncId === 'function' && getAsyncId.call(resource) !== asyncId;
      }
    } catch {
      // A resource we cannot read is left as it is.
    }
    return false;
  }
}
