// Waits for a scope's pending work to finish: snapshot, and while something is still pending,
// collect garbage (a finished resource nobody references is not a leak) and retry with growing
// pauses until nothing is left or the time is up.
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import type { AgentSite } from '../agent/protocol';
import { foldTaskChains } from '../core/sites/snapshot-builder';
import { compareSitesToFix } from '../core/sites/site-presentation';
import { SourceMapResolver, toFilePath } from '../core/sites/source-maps';
import { isIgnored, type ResolvedOptions } from './options';
import type { AbandonedSite, LeakedSite, LeakReport } from './report';
import { runtimePosition } from './runtime-positions';
import type { Scope } from './scopes';

const resolver = new SourceMapResolver();
/** The event loop's own frames at the bottom of a callback's stack. */
const EVENT_LOOP_FILE = /^node:internal\/(timers|process\/task_queues)$/;
/** Test runners' own frames: where an example stack stops being about the test. */
const RUNNER_FILE =
  /^node:(internal\/test_runner\/|async_hooks$)|[\\/]node_modules[\\/](mocha|jest-circus|jest-jasmine2|@jest|vitest|@vitest|tinypool)[\\/]/;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves when nothing created in the scope is pending, or with what still is after timeoutMs. */
export async function settleScope(scope: Scope, options: ResolvedOptions): Promise<LeakReport> {
  const started = Date.now();
  let pause = 5;
  for (let attempt = 0; ; attempt++) {
    if (attempt > 0) await collectGarbage();
    const report = pendingIn(scope, options);
    report.waitedMs = Date.now() - started;
    const left = options.timeoutMs - report.waitedMs;
    // Never a verdict without one GC first: garbage is not a leak, however slow the first look.
    if (report.sites.length === 0 || (left <= 0 && attempt > 0)) return report;
    await sleep(Math.max(0, Math.min(pause, left)));
    pause = Math.min(pause * 2, 250);
  }
}

function pendingIn(scope: Scope, options: ResolvedOptions): LeakReport {
  const snapshot = scope.snapshot();
  const sites: LeakedSite[] = [];
  const abandoned: AbandonedSite[] = [];
  let ignored = 0;
  for (const raw of snapshot.sites) {
    if (!raw.abandoned || raw.abandoned.count === 0) continue;
    const site = toLeakedSite(raw);
    if (!isIgnored(options.ignore, site.type, site.stack.length ? site.stack : [site.frame]))
      abandoned.push({ count: raw.abandoned.count, frame: site.frame, stack: site.stack, userCode: site.userCode });
  }
  abandoned.sort((a, b) => Number(b.userCode) - Number(a.userCode) || b.count - a.count);
  for (const raw of foldTaskChains(snapshot.sites.filter((s) => s.count > 0))) {
    // Made by the test runner itself, in the test's context (no frame of yours, a runner's frame):
    // e.g. mocha's timeout timer when startLeakCheck() entered the scope inside its call.
    if (!raw.userCode && raw.stack.some((f) => RUNNER_FILE.test(f.file))) continue;
    const site = toLeakedSite(raw);
    if (isIgnored(options.ignore, site.type, site.stack.length ? site.stack : [site.frame])) ignored += site.count;
    else sites.push(site);
  }
  // Your code first, blocked-at lines (the await to fix) before what they wait on, then by count.
  sites.sort(compareSitesToFix);
  return {
    ...(scope.name !== undefined ? { test: scope.name } : {}),
    pending: sites.reduce((n, s) => n + s.count, 0),
    sites,
    abandoned,
    ignored,
    waitedMs: 0,
  };
}

function toLeakedSite(raw: AgentSite): LeakedSite {
  // The runner's in-memory maps first (transformed code), then maps on disk (compiled code).
  const map = (raw: AgentSite['frame']) => {
    const f = runtimePosition(raw);
    return resolver.resolve({ file: toFilePath(f.file), line: f.line, column: f.column, function: f.function }).frame;
  };
  return {
    kind: raw.kind,
    type: raw.type,
    count: raw.count,
    frame: map(raw.frame),
    stack: shortStack(raw).map(map),
    userCode: raw.userCode,
    oldestAgeMs: raw.oldestAgeMs,
  };
}

/**
 * The part of the example stack a reader needs: from the site's line (Node's internals above it
 * say nothing) down to where the checker called the test (its frames and the runner's below it
 * neither).
 */
function shortStack(raw: AgentSite): AgentSite['stack'] {
  const same = (a: AgentSite['frame'], b: AgentSite['frame']) => a.file === b.file && a.line === b.line && a.column === b.column;
  const from = Math.max(
    0,
    raw.stack.findIndex((f) => same(f, raw.frame)),
  );
  const to = raw.stack.findIndex(
    (f, i) => i > from && (toFilePath(f.file) === __filename || RUNNER_FILE.test(f.file) || EVENT_LOOP_FILE.test(f.file)),
  );
  return raw.stack.slice(from, to < 0 ? undefined : to);
}

let gc: (() => void) | null | undefined;

/** A full GC, then a turn of the event loop for finalizers. Without a usable gc, just the turn. */
async function collectGarbage(): Promise<void> {
  if (gc === undefined) gc = findGc();
  // A fresh task first: objects read through WeakRefs in this one stay alive until it ends.
  await new Promise<void>((resolve) => setImmediate(resolve));
  gc?.();
  await new Promise<void>((resolve) => setImmediate(resolve));
}

function findGc(): (() => void) | null {
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') return exposed as () => void;
  try {
    // The same trick jest's leak detector uses: expose gc for new contexts, take it from one.
    v8.setFlagsFromString('--expose-gc');
    const fn = vm.runInNewContext('gc');
    return typeof fn === 'function' ? fn : null;
  } catch {
    return null;
  }
}
