// Turns the agents' raw answers (one per thread) into a Snapshot: source positions mapped back to
// the original files, stable site ids, totals summed over threads.
import type { AgentInfo, AgentSite, AgentSnapshot, RawFrame } from '../../agent/protocol';
import { SNAPSHOT_SCHEMA, type Frame, type Site, type Snapshot, type ThreadInfo } from './model';
import { siteId } from './site-id';
import { compareSitesByCount } from './site-presentation';
import type { SourceMapResolver } from './source-maps';
import { toFilePath } from './source-maps';
import { addCount, countMap, plainCounts } from './count-map';

export interface ThreadAnswer {
  thread: ThreadInfo;
  snapshot: AgentSnapshot;
}

export function buildSnapshot(
  main: AgentInfo,
  url: string,
  answers: ThreadAnswer[],
  resolver: SourceMapResolver,
  label?: string,
): Snapshot {
  const totals = countMap();
  const baseline = countMap();
  const created = countMap();
  const dropped = countMap();
  const samplingRate = countMap();
  let droppedStacks = 0;
  const sites: Site[] = [];
  const stackProblems: string[] = [];
  for (const { thread, snapshot } of answers) {
    if (snapshot.stackProblem !== undefined)
      stackProblems.push(answers.length > 1 ? `${thread.title}: ${snapshot.stackProblem}` : snapshot.stackProblem);
    addInto(totals, snapshot.counts);
    addInto(baseline, snapshot.baseline);
    addInto(created, snapshot.created);
    addInto(dropped, snapshot.dropped);
    droppedStacks += snapshot.droppedSites;
    for (const [type, rate] of Object.entries(snapshot.samplingRate))
      samplingRate[type] = Math.min(type in samplingRate ? samplingRate[type] : 1, rate);
    for (const site of foldTaskChains(snapshot.sites)) sites.push(toSite(site, thread.thread, resolver));
  }
  sites.sort(compareSitesByCount);
  return {
    schema: SNAPSHOT_SCHEMA,
    takenAt: new Date(answers[0]?.snapshot.takenAt ?? Date.now()).toISOString(),
    ...(label ? { label } : {}),
    target: { pid: main.pid, nodeVersion: main.nodeVersion, title: main.title, url, argv: main.argv },
    threads: answers.map((a) => a.thread),
    totals: plainCounts(totals),
    baseline: plainCounts(baseline),
    sites,
    stats: { created: plainCounts(created), dropped: plainCounts(dropped), droppedStacks, samplingRate: plainCounts(samplingRate) },
    ...(stackProblems.length ? { sitesUnavailable: `stacks cannot be captured in the target: ${stackProblems.join('; ')}` } : {}),
  };
}

/**
 * A pending promise created at the very position where an async function is blocked (`await
 * dep.call()` whose promises are made inside dep, or `await new Promise(...)`) belongs to that
 * suspended task: the task counts once, at its blocked-at site.
 */
export function foldTaskChains(sites: AgentSite[]): AgentSite[] {
  // Line, not column: after a callee's first await, its promises see the caller as an async
  // frame whose column differs from the await's.
  const at = (s: AgentSite) => `${s.frame.file}\u0000${s.frame.line}`;
  const blocked = new Set(sites.filter((s) => s.kind === 'blocked' && s.count > 0).map(at));
  return sites.filter((s) => !(s.kind === 'created' && s.type === 'PROMISE' && blocked.has(at(s))));
}

function toSite(raw: AgentSite, thread: number, resolver: SourceMapResolver): Site {
  const generated = normalize(raw.frame);
  const { frame, generatedFrame } = resolver.resolve(generated);
  return {
    id: siteId(raw.kind, raw.type, thread, generated),
    kind: raw.kind,
    type: raw.type,
    thread,
    count: raw.count,
    sampled: raw.sampled,
    oldestAgeMs: raw.oldestAgeMs,
    userCode: raw.userCode,
    frame,
    ...(generatedFrame ? { generatedFrame } : {}),
    stack: raw.stack.map((f) => resolver.resolve(normalize(f)).frame),
    examples: raw.examples,
    ...abandonedOf(raw),
    ...(raw.origin === 'census' ? { origin: 'census' as const, census: raw.census ?? 0 } : {}),
  };
}

function abandonedOf(raw: AgentSite): Pick<Site, 'abandoned' | 'abandonedSeen'> {
  const tally = raw.abandoned;
  if (!tally) return { abandoned: 0 };
  return {
    abandoned: tally.count,
    abandonedSeen: { first: new Date(tally.firstAt).toISOString(), last: new Date(tally.lastAt).toISOString() },
  };
}

function normalize(frame: RawFrame): Frame {
  return { file: toFilePath(frame.file), line: frame.line, column: frame.column, function: frame.function };
}

function addInto(into: Record<string, number>, from: Record<string, number>): void {
  for (const [key, value] of Object.entries(from)) addCount(into, key, value);
}
