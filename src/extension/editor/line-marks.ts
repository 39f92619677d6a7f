// Per-line marks for the editor: which lines of a file are sites, with counts, kind, growth and
// severity. Pure (no `vscode`), so unit tests and bench/ can run it.
//
// The index is kept per source (one attached target's latest light snapshot, or one stored
// snapshot) and per file, so a source's update re-indexes only that source, and the marks of
// one open file are computed from that file's entries only.
import type { Site, SiteKind, Snapshot } from '../../core/sites/model';
import { isOpenableFrame } from '../../core/sites/site-presentation';

export type Severity = 'low' | 'medium' | 'high';

/** What a line's mark shows: pending blocked tasks, created resources, or only abandoned tasks. */
export type MarkKind = SiteKind | 'abandoned';

/** A snapshot shown in the editor, with the one before it for growth. */
export interface MarkSource {
  /** Stable per source, e.g. "target:target-1" or "snapshot". */
  id: string;
  /** For people: "pid 123", "snapshot 14:02:11 after load". */
  label: string;
  snapshot: Snapshot;
  /** The previous snapshot of the same process; growth is counted against it. */
  previous?: Snapshot;
  /** Sites the growth detector judges to be really growing: site id -> "+2.0 pending per minute". */
  growing?: ReadonlyMap<string, string>;
}

export interface SiteOnLine {
  site: Site;
  /** count - count in the previous snapshot (0 there when absent); undefined without a previous snapshot. */
  growth: number | undefined;
  /** Time between the previous snapshot and this one, when there is a previous one. */
  growthSpanMs: number | undefined;
  sourceLabel: string;
  /** The detector's rate when it judges this site to be growing. */
  growingRate?: string;
}

export interface LineMark {
  /** 1-based. */
  line: number;
  /** 'blocked' when any site on the line has pending blocked tasks; 'abandoned' when its only tasks were abandoned. */
  kind: MarkKind;
  count: number;
  /** Tasks collected by the GC while suspended on this line (never finished). */
  abandonedCount: number;
  blockedCount: number;
  createdCount: number;
  oldestAgeMs: number;
  /** Sum over the line's sites whose growth is known; undefined when none is. */
  growth: number | undefined;
  severity: Severity;
  /** True when some count is an estimate (sampled stacks). */
  estimated: boolean;
  /** The fastest rate among the line's sites the growth detector flags. */
  growingRate?: string;
  /** Blocked first, then by count, largest first. */
  sites: SiteOnLine[];
}

/** How files are compared: case-insensitive on Windows, where paths are. */
export function fileKey(path: string, platform: string = process.platform): string {
  return platform === 'win32' ? path.replace(/\//g, '\\').toLowerCase() : path;
}

/**
 * Severity from a weight where a blocked task counts four times a created resource (a suspended
 * function holds its whole frame and everything it references): 100+ high, 10+ medium.
 */
export function severityOf(blockedCount: number, createdCount: number): Severity {
  const weight = blockedCount * 4 + createdCount;
  return weight >= 100 ? 'high' : weight >= 10 ? 'medium' : 'low';
}

export class SiteIndex {
  /** source id -> file key -> sites in that file. */
  private readonly sources = new Map<string, Map<string, SiteOnLine[]>>();

  /** Replaces one source's sites. Returns the file keys whose marks may have changed. */
  setSource(source: MarkSource): Set<string> {
    const previousCounts = new Map<string, number>();
    for (const site of source.previous?.sites ?? []) previousCounts.set(site.id, (previousCounts.get(site.id) ?? 0) + site.count);
    const growthSpanMs = source.previous ? Date.parse(source.snapshot.takenAt) - Date.parse(source.previous.takenAt) : undefined;
    const byFile = new Map<string, SiteOnLine[]>();
    for (const site of source.snapshot.sites) {
      if (!isOpenableFrame(site.frame)) continue;
      const key = fileKey(site.frame.file);
      let list = byFile.get(key);
      if (!list) byFile.set(key, (list = []));
      const growth = source.previous ? site.count - (previousCounts.get(site.id) ?? 0) : undefined;
      const growingRate = source.growing?.get(site.id);
      list.push({ site, growth, growthSpanMs, sourceLabel: source.label, ...(growingRate ? { growingRate } : {}) });
    }
    const changed = new Set([...(this.sources.get(source.id)?.keys() ?? []), ...byFile.keys()]);
    this.sources.set(source.id, byFile);
    return changed;
  }

  /** Forgets a source. Returns the file keys it had marks in. */
  removeSource(id: string): Set<string> {
    const files = new Set(this.sources.get(id)?.keys() ?? []);
    this.sources.delete(id);
    return files;
  }

  hasSource(id: string): boolean {
    return this.sources.has(id);
  }

  sourceIds(): string[] {
    return [...this.sources.keys()];
  }

  /** Marks of one file (by fileKey), sorted by line. */
  marksForFile(key: string): LineMark[] {
    const byLine = new Map<number, SiteOnLine[]>();
    for (const files of this.sources.values()) {
      for (const entry of files.get(key) ?? []) {
        const line = entry.site.frame.line;
        const list = byLine.get(line);
        if (list) list.push(entry);
        else byLine.set(line, [entry]);
      }
    }
    const marks: LineMark[] = [];
    for (const [line, sites] of byLine) marks.push(lineMark(line, sites));
    return marks.sort((a, b) => a.line - b.line);
  }
}

export function lineMark(line: number, sites: SiteOnLine[]): LineMark {
  let blockedCount = 0;
  let createdCount = 0;
  let oldestAgeMs = 0;
  let growth: number | undefined;
  let estimated = false;
  let growingRate: string | undefined;
  let abandonedCount = 0;
  for (const { site, growth: g, growingRate: rate } of sites) {
    growingRate ??= rate;
    abandonedCount += site.abandoned ?? 0;
    if (site.kind === 'blocked') blockedCount += site.count;
    else createdCount += site.count;
    oldestAgeMs = Math.max(oldestAgeMs, site.oldestAgeMs);
    if (g !== undefined) growth = (growth ?? 0) + g;
    if (site.sampled < site.count) estimated = true;
  }
  const sorted = [...sites].sort((a, b) =>
    a.site.kind === b.site.kind ? b.site.count - a.site.count : a.site.kind === 'blocked' ? -1 : 1,
  );
  const onlyAbandoned = blockedCount + createdCount === 0 && abandonedCount > 0;
  return {
    line,
    kind: blockedCount > 0 ? 'blocked' : onlyAbandoned ? 'abandoned' : 'created',
    count: blockedCount + createdCount,
    abandonedCount,
    blockedCount,
    createdCount,
    oldestAgeMs,
    growth,
    // A line the detector flags is high severity whatever its count: it will only get worse.
    // An abandoned task is proof, not suspicion: it weighs like a blocked one.
    severity: growingRate ? 'high' : severityOf(blockedCount + abandonedCount, createdCount),
    estimated,
    ...(growingRate ? { growingRate } : {}),
    sites: sorted,
  };
}

function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** The end-of-line hint: "30 tasks blocked here (+12)", "1 Timeout created here". */
export function hintText(mark: LineMark): string {
  const approx = mark.estimated ? '~' : '';
  const parts: string[] = [];
  if (mark.blockedCount > 0) parts.push(`${approx}${formatCount(mark.blockedCount)} task${plural(mark.blockedCount)} blocked`);
  if (mark.createdCount > 0) {
    const types = new Set(mark.sites.filter((s) => s.site.kind === 'created').map((s) => s.site.type));
    const what = types.size === 1 ? ` ${[...types][0]}` : '';
    parts.push(`${approx}${formatCount(mark.createdCount)}${what} created`);
  }
  const growth = mark.growth ? ` (${mark.growth > 0 ? '+' : ''}${formatCount(mark.growth)})` : '';
  const growing = mark.growingRate ? ` · growing ${mark.growingRate}` : '';
  const abandoned =
    mark.abandonedCount > 0
      ? `~${formatCount(mark.abandonedCount)} task${plural(mark.abandonedCount)} abandoned here (never finished)`
      : '';
  if (parts.length === 0) return abandoned;
  return `${parts.join(', ')} here${growth}${growing}${abandoned ? ` · ${abandoned}` : ''}`;
}

function plural(n: number): string {
  return Math.round(n) === 1 ? '' : 's';
}
