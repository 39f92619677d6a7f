// Structured stack capture. Only call sites are read (never a formatted string, never an Error
// kept), and the user's Error.prepareStackTrace / stackTraceLimit are restored before returning.
import { AGENT_SOURCE_URL, type RawFrame } from './protocol';

type CallSite = NodeJS.CallSite;

const returnCallSites = (_error: Error, callSites: CallSite[]): CallSite[] => callSites;

export function captureCallSites(limit: number, above: Function): CallSite[] {
  const prepare = Error.prepareStackTrace;
  const stackTraceLimit = Error.stackTraceLimit;
  try {
    Error.prepareStackTrace = returnCallSites;
    Error.stackTraceLimit = limit;
    const holder: { stack?: CallSite[] } = {};
    Error.captureStackTrace(holder, above);
    const sites = holder.stack;
    return Array.isArray(sites) ? sites : [];
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = stackTraceLimit;
  }
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
