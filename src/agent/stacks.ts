// Structured stack capture. Only call sites are read (never a formatted string, never an Error
// kept), and the user's Error.prepareStackTrace / stackTraceLimit are restored before returning.
// A process can make captures impossible (--frozen-intrinsics, a read-only prepareStackTrace, a
// throwing captureStackTrace): a capture then answers why, and never throws.
import { AGENT_SOURCE_URL, type RawFrame } from './protocol';

type CallSite = NodeJS.CallSite;

const returnCallSites = (_error: Error, callSites: CallSite[]): CallSite[] => callSites;

/** True while a capture runs: a user's captureStackTrace wrapper that makes a promise re-enters the hooks. */
let capturing = false;

export function isCapturing(): boolean {
  return capturing;
}

/** Call sites below `above`, or why there are none; empty when called from inside a capture. */
export function captureCallSites(limit: number, above: Function): CallSite[] | string {
  if (capturing) return [];
  capturing = true;
  const prepare = Error.prepareStackTrace;
  const stackTraceLimit = Error.stackTraceLimit;
  try {
    try {
      Error.prepareStackTrace = returnCallSites;
    } catch {
      // Strict-mode assignment to a read-only property: told below.
    }
    if (Error.prepareStackTrace !== returnCallSites) return readOnlyReason();
    try {
      Error.stackTraceLimit = limit;
    } catch {
      // A read-only limit only shortens the stacks.
    }
    const holder: { stack?: CallSite[] } = {};
    Error.captureStackTrace(holder, above);
    const sites = holder.stack;
    return Array.isArray(sites) ? sites : 'Error.captureStackTrace gives no call sites in this process';
  } catch (error) {
    return `Error.captureStackTrace throws in this process (${describeError(error)})`;
  } finally {
    restore('prepareStackTrace', prepare);
    restore('stackTraceLimit', stackTraceLimit);
    capturing = false;
  }
}

function readOnlyReason(): string {
  if (Object.isFrozen(Error)) return 'the Error constructor is frozen (node --frozen-intrinsics), so Error.prepareStackTrace cannot be set';
  return 'Error.prepareStackTrace is read-only in this process, so call sites cannot be read';
}

function restore(key: 'prepareStackTrace' | 'stackTraceLimit', value: unknown): void {
  try {
    if ((Error as unknown as Record<string, unknown>)[key] !== value) (Error as unknown as Record<string, unknown>)[key] = value;
  } catch {
    // Read-only: it was never changed.
  }
}

function describeError(error: unknown): string {
  try {
    return String(error instanceof Error ? error.message : error).slice(0, 200);
  } catch {
    return 'an exception';
  }
}

/**
 * V8 resolving a thenable (an `await` or `resolve()` of a Promise subclass instance) calls its
 * `then` from no user code (the microtask queue): the promise that `then` makes belongs to that
 * await. Seen as: native frames or constructors, a native `then`, then only Node's own frames.
 */
export function isThenableJob(callSites: CallSite[], top: number): boolean {
  let at = top;
  while (
    at < callSites.length &&
    (fileOf(callSites[at]) === '' ? callSites[at].getFunctionName() !== 'then' : callSites[at].isConstructor())
  )
    at++;
  if (at >= callSites.length || fileOf(callSites[at]) !== '') return false;
  for (let i = at + 1; i < callSites.length; i++) {
    const file = fileOf(callSites[i]);
    if (file !== '' && !file.startsWith('node:')) return false;
  }
  return true;
}

export function fileOf(site: CallSite): string {
  return site.getFileName() ?? site.getScriptNameOrSourceURL() ?? '';
}

/** Frames that are neither the agent nor the async_hooks machinery that called it. */
export function isNoise(file: string): boolean {
  return file === AGENT_SOURCE_URL || file === 'node:internal/async_hooks' || file === 'node:internal/promise_hooks';
}

/** Frames where a user would want to look: not built-ins, not native, optionally not dependencies. */
export function isUserFile(file: string, nodeModulesAsSites: boolean): boolean {
  if (file === '' || file.startsWith('node:') || file === AGENT_SOURCE_URL) return false;
  if (!nodeModulesAsSites && file.includes('/node_modules/')) return false;
  return true;
}

export function toFrame(site: CallSite): RawFrame {
  const fn = site.getFunctionName();
  const type = site.getTypeName();
  const method = site.getMethodName();
  let name = fn ?? (method ? `${type ?? '<anonymous>'}.${method}` : '<anonymous>');
  if (site.isAsync()) name = `async ${name}`;
  else if (site.isConstructor()) name = `new ${name}`;
  return { file: fileOf(site), line: site.getLineNumber() ?? 0, column: site.getColumnNumber() ?? 0, function: name };
}

export function toFrames(sites: CallSite[], depth: number): RawFrame[] {
  const frames: RawFrame[] = [];
  for (const site of sites) {
    if (frames.length >= depth) break;
    if (!isNoise(fileOf(site))) frames.push(toFrame(site));
  }
  return frames;
}
