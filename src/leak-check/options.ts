// Options of a leak check, their defaults, and which pending sites they ignore.
import type { Frame } from '../core/sites/model';

export interface IgnoreRules {
  /** Resource types: 'Timeout', 'TCPWRAP', 'PROMISE', ... */
  types?: string[];
  /** Function names, matched against every frame of the site's example stack (a string matches exactly). */
  functions?: (string | RegExp)[];
  /** File paths, matched against every frame of the site's example stack (a string matches any part of the path). */
  files?: (string | RegExp)[];
}

export interface LeakCheckOptions {
  /** Longest wait for pending work to finish before it counts as leaked, in ms (default 1000). */
  timeoutMs?: number;
  /** Pending resources that are expected (a pool, a cache timer, ...). */
  ignore?: IgnoreRules;
  /** Name of the test in the report (the wrappers fill it in). */
  name?: string;
  /** Frames kept per example stack (default 10). */
  stackDepth?: number;
  /** Let frames under node_modules be a site's line (default false: the first frame of your code). */
  nodeModulesAsSites?: boolean;
  /** Sites listed in the report before "… and N more" (default 10). */
  maxSites?: number;
  /**
   * Let the test pass when it abandons tasks (async functions the GC collected while suspended at an
   * await: the code after it and its finally blocks never ran). Default false: the test fails.
   */
  allowAbandoned?: boolean;
}

export type ResolvedOptions = Required<Omit<LeakCheckOptions, 'name' | 'ignore'>> & { name?: string; ignore: IgnoreRules };

let defaults: LeakCheckOptions = {};

/** Options every check in this process starts from (e.g. a shared ignore list in a setup file). */
export function configureLeakCheck(options: LeakCheckOptions): void {
  defaults = { ...options };
}

export function resolveOptions(options: LeakCheckOptions = {}): ResolvedOptions {
  const merged = { ...defaults, ...options };
  const ignore: IgnoreRules = {
    types: [...(defaults.ignore?.types ?? []), ...(options.ignore?.types ?? [])],
    functions: [...(defaults.ignore?.functions ?? []), ...(options.ignore?.functions ?? [])],
    files: [...(defaults.ignore?.files ?? []), ...(options.ignore?.files ?? [])],
  };
  return {
    timeoutMs: merged.timeoutMs ?? 1000,
    stackDepth: merged.stackDepth ?? 10,
    nodeModulesAsSites: merged.nodeModulesAsSites ?? false,
    maxSites: merged.maxSites ?? 10,
    allowAbandoned: merged.allowAbandoned ?? false,
    ignore,
    ...(merged.name !== undefined ? { name: merged.name } : {}),
  };
}

/** True when a pending site matches an ignore rule. */
export function isIgnored(rules: IgnoreRules, type: string, stack: Frame[]): boolean {
  if (rules.types?.includes(type)) return true;
  const matches = (pattern: string | RegExp, text: string, exact: boolean) =>
    typeof pattern === 'string' ? (exact ? text === pattern : text.includes(pattern)) : pattern.test(text);
  for (const frame of stack) {
    if (rules.functions?.some((p) => matches(p, frame.function, true) || matches(p, frame.function.replace(/^(async |new )/, ''), true)))
      return true;
    if (rules.files?.some((p) => matches(p, frame.file, false))) return true;
  }
  return false;
}
