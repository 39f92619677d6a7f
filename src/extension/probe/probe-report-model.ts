// The probe report page as data: what is running, or the verdict of the last run, shaped for
// display. No `vscode` import, so the page can be checked in unit tests.
import { formatRate } from '../../core/growth/growth';
import type { Frame } from '../../core/sites/model';
import type { ProbeResult } from '../../core/probe/probe';
import { sitesUnavailableText } from '../../core/sites/sites-unavailable';
import { formatCount, formatDuration } from '../../core/number-format';
import { functionName, isInternalFrame, kindWords, locationText, sameFrame } from '../../core/sites/site-presentation';

export interface ProbeRequestText {
  /** "GET http://127.0.0.1:3000/orders" */
  what: string;
  /** "3 rounds of 50 requests, 8 at a time" */
  load: string;
}

export interface ProbeFrameRow {
  functionName: string;
  location: string;
  /** Index into the site's example stack (what the page sends back to open it). */
  index: number;
  openable: boolean;
  internal: boolean;
  /** The site's own frame (where the leak is). */
  isSite: boolean;
}

export interface ProbeLeakRow {
  /** Index into result.leaks (what the page sends back). */
  index: number;
  perRequest: string;
  rate: string;
  kind: 'blocked' | 'created';
  kindLabel: string;
  type: string;
  location: string;
  functionName: string;
  counts: string;
  openable: boolean;
}

export interface ProbeResultView {
  verdict: ProbeResult['verdict'];
  headline: string;
  facts: string;
  leaks: ProbeLeakRow[];
  hiddenLeaks: number;
  /** The example stack of the first leak. */
  stack: ProbeFrameRow[];
  rounds: { round: string; sent: string; ok: string; httpErrors: string; failed: string; hung: string; settled: string; pending: string }[];
  notes: string[];
}

export type ProbePage =
  | { state: 'running'; target: string; request: ProbeRequestText; message: string; percent: number }
  | { state: 'done'; target: string; request: ProbeRequestText; view: ProbeResultView }
  | { state: 'failed'; target: string; request: ProbeRequestText; message: string }
  | { state: 'cancelled'; target: string; request: ProbeRequestText };

export interface ProbeViewOptions {
  displayPath?: (file: string) => string;
  canOpen?: (frame: Frame) => boolean;
  /** Leaking sites listed at most (default 20). */
  limit?: number;
  /** Frames of the example stack (default 12). */
  stackDepth?: number;
}

export function describeProbeRequest(r: {
  url: string;
  method?: string;
  requests: number;
  concurrency: number;
  rounds?: number;
}): ProbeRequestText {
  const rounds = r.rounds ?? 3;
  return {
    what: `${r.method ?? 'GET'} ${r.url}`,
    load: `${rounds} round${rounds === 1 ? '' : 's'} of ${formatCount(r.requests)} request${r.requests === 1 ? '' : 's'}, ${formatCount(r.concurrency)} at a time`,
  };
}

export function buildProbeView(result: ProbeResult, options: ProbeViewOptions = {}): ProbeResultView {
  const { displayPath = (f: string) => f, canOpen = () => false, limit = 20, stackDepth = 12 } = options;
  const where = (frame: Frame) => locationText(frame, displayPath);
  const n = result.leaks.length;
  const top = result.leaks[0];
  const count = (v: number | undefined) => (v === undefined ? '' : formatCount(v));
  return {
    verdict: result.verdict,
    headline: verdictHeadline(result),
    facts: `pid ${result.target.pid}, Node ${result.target.nodeVersion}; took ${formatDuration(result.durationMs)}${result.hung ? `; ${formatCount(result.hung)} requests hung` : ''}.`,
    leaks: result.leaks.slice(0, limit).map((leak, index) => ({
      index,
      perRequest: `${leak.perRequest >= 0 ? '+' : ''}${leak.perRequest.toFixed(2)}`,
      rate: formatRate(leak.perRequest, 'request'),
      kind: leak.site.kind,
      kindLabel: kindWords(leak.site.kind),
      type: leak.site.type,
      location: where(leak.site.frame),
      functionName: functionName(leak.site.frame),
      counts: leak.counts.map(formatCount).join(' → '),
      openable: canOpen(leak.site.frame),
    })),
    hiddenLeaks: Math.max(0, n - limit),
    stack: top
      ? top.site.stack.slice(0, stackDepth).map((frame, index) => ({
          functionName: functionName(frame),
          location: where(frame),
          index,
          openable: canOpen(frame),
          internal: isInternalFrame(frame),
          isSite: sameFrame(frame, top.site.frame),
        }))
      : [],
    rounds: result.rounds.map((r) => ({
      round: r.round === 0 ? 'baseline' : String(r.round),
      sent: count(r.load?.sent),
      ok: count(r.load?.ok),
      httpErrors: count(r.load?.httpErrors),
      failed: count(r.load?.failed),
      hung: count(r.load?.hung),
      settled: `${formatDuration(r.settle.waitedMs)}${r.settle.settled ? '' : ' (gave up)'}`,
      pending: formatCount(r.pending),
    })),
    notes: result.notes,
  };
}

function verdictHeadline(result: ProbeResult): string {
  const n = result.leaks.length;
  const gone = result.abandoned?.length ?? 0;
  switch (result.verdict) {
    case 'leak':
      return `Leak: ${n} site${n === 1 ? '' : 's'} grow${n === 1 ? 's' : ''} with every round of requests`;
    case 'abandoned':
      return `Abandoned tasks: collected while suspended at ${gone} await${gone === 1 ? '' : 's'}, more with every round of requests (see the terminal report: async-leak-lens probe)`;
    case 'cannot-tell':
      return `Cannot tell: ${sitesUnavailableText(result.sitesUnavailable ?? 'the target gave no sites')}`;
    default:
      return 'No leak: no site grew with the number of requests';
  }
}

/** The frame a page request stands for: a leak of this result (by index), its site frame or one of its stack. */
export function probeFrameForRequest(result: ProbeResult, leak: number, frame: number | undefined): Frame | undefined {
  const site = result.leaks[leak]?.site;
  if (!site) return undefined;
  return frame === undefined ? site.frame : site.stack[frame];
}

/** A short tab title: "Leak Probe: server.js · pid 4837". */
export function probeTitle(targetLabel: string): string {
  return `Leak Probe: ${targetLabel}`;
}
