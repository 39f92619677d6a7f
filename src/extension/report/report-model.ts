// The comparison report as data: exactly what core's diffSnapshots computes, shaped for display
// (changed sites in the diff's order, totals, the top growing site with its example stack).
// No `vscode` import, so the report can be checked in unit tests.
import { diffSnapshots, topGrowing } from '../../core/sites/diff';
import type { DiffSite, Frame, Snapshot, SnapshotDiff } from '../../core/sites/model';
import { formatDuration } from '../../core/number-format';
import {
  compareTypeChanges,
  functionName,
  isInternalFrame,
  kindWords,
  locationText,
  splitLibraryFrames,
  type PathDisplay,
} from '../../core/sites/site-presentation';
import { splitTotalChanges, withoutSiteReason } from '../../core/sites/site-totals';

export interface ReportSnapshot {
  /** "14:02:11 before load". */
  name: string;
  /** "pid 123" or the file it was imported from. */
  origin: string;
  snapshot: Snapshot;
}

export interface ReportFrame {
  functionName: string;
  location: string;
  /** Index into the site's stack (what the page sends back to open it). */
  index: number;
  openable: boolean;
  internal: boolean;
}

export interface ReportRow {
  siteId: string;
  kind: DiffSite['kind'];
  /** "blocked at" / "created at". */
  kindLabel: string;
  type: string;
  thread: number;
  location: string;
  functionName: string;
  before: number;
  after: number;
  delta: number;
  oldest: string;
  /** The after count is estimated from sampled stacks. */
  estimate: boolean;
  userCode: boolean;
  openable: boolean;
}

export interface DiffReportModel {
  before: ReportSnapshot;
  after: ReportSnapshot;
  diff: SnapshotDiff;
  /** Changed sites, largest growth first (the diff's order), at most `limit`. */
  rows: ReportRow[];
  /** Changed sites past the limit. */
  hiddenChanged: number;
  unchanged: number;
  /** The top site's example stack: your frames (`stack`), then the library frames apart. */
  top: { row: ReportRow; stack: ReportFrame[]; library: ReportFrame[] } | undefined;
  /** Per type, the change split into its sites' and the rest with no site (`withoutSiteWhy` says why). */
  totals: {
    type: string;
    before: number;
    after: number;
    delta: number;
    inSitesDelta: number;
    withoutSiteDelta: number;
    withoutSiteWhy?: string;
  }[];
  /** Awaits whose abandoned count changed: before/after/delta count tasks collected while suspended there. */
  abandoned: ReportRow[];
  warnings: string[];
}

export interface ReportOptions {
  /** How a file is named (default: as is). */
  displayPath?: PathDisplay;
  /** Whether a frame's file can be opened (exists on disk). */
  canOpen?: (frame: Frame) => boolean;
  /** Changed sites listed at most (default 1000). */
  limit?: number;
}

export function buildDiffReport(before: ReportSnapshot, after: ReportSnapshot, options: ReportOptions = {}): DiffReportModel {
  const { displayPath = (f: string) => f, canOpen = () => false, limit = 1000 } = options;
  const diff = diffSnapshots(before.snapshot, after.snapshot);
  const where = (frame: Frame) => locationText(frame, displayPath);
  const toRow = (site: DiffSite): ReportRow => ({
    siteId: site.id,
    kind: site.kind,
    kindLabel: kindWords(site.kind),
    type: site.type,
    thread: site.thread,
    location: where(site.frame),
    functionName: functionName(site.frame),
    before: site.before,
    after: site.after,
    delta: site.delta,
    oldest: formatDuration(site.oldestAgeMs),
    estimate: site.sampled < site.count,
    userCode: site.userCode,
    openable: canOpen(site.frame),
  });

  const changed = diff.sites.filter((site) => site.delta !== 0);
  const [topSite] = topGrowing(diff, 1);
  const toFrame = (index: number): ReportFrame => {
    const frame = topSite.stack[index];
    return { functionName: functionName(frame), location: where(frame), index, openable: canOpen(frame), internal: isInternalFrame(frame) };
  };
  const frames = topSite && splitLibraryFrames(topSite.stack);
  const top = topSite && { row: toRow(topSite), stack: frames.user.map(toFrame), library: frames.library.map(toFrame) };
  const splits = splitTotalChanges(diff);

  const warnings: string[] = [];
  const [b, a] = [before.snapshot, after.snapshot];
  if (b.target.pid !== a.target.pid) {
    warnings.push(
      `The snapshots come from different processes (pid ${b.target.pid} and pid ${a.target.pid}): sites match only where both ran the same code.`,
    );
  }
  if (Date.parse(a.takenAt) < Date.parse(b.takenAt))
    warnings.push('The "before" snapshot was taken after the "after" one: growth shows as shrinking.');

  return {
    before,
    after,
    diff,
    rows: changed.slice(0, Math.max(0, limit)).map(toRow),
    hiddenChanged: Math.max(0, changed.length - limit),
    unchanged: diff.sites.length - changed.length,
    top,
    totals: Object.entries(diff.totals)
      .map(([type, t]) => {
        const split = splits.find((x) => x.type === type);
        const withoutSiteDelta = split?.withoutSiteDelta ?? 0;
        return {
          type,
          ...t,
          inSitesDelta: t.delta - withoutSiteDelta,
          withoutSiteDelta,
          ...(Math.round(withoutSiteDelta) !== 0 ? { withoutSiteWhy: withoutSiteReason(type) } : {}),
        };
      })
      .sort(compareTypeChanges),
    abandoned: (diff.abandoned ?? []).filter((site) => site.delta !== 0).map(toRow),
    warnings,
  };
}

/** The frame a page request stands for: a site of this diff (by id), its site frame or one of its stack. */
export function frameForRequest(model: DiffReportModel, siteId: string, frameIndex: number | undefined): Frame | undefined {
  const site = model.diff.sites.find((s) => s.id === siteId) ?? (model.diff.abandoned ?? []).find((s) => s.id === siteId);
  if (!site) return undefined;
  if (frameIndex === undefined) return site.frame;
  return site.stack[frameIndex];
}
