// How a site or a frame is shown and ordered, wherever it is shown: the CLI's tables, the leak
// check's report, the tree, hovers, the comparison report. One place, so "blocked at x.js:3:7"
// reads the same everywhere and the same site comes first everywhere.
import { escapeControl } from '../terminal-text';
import { isAbsolute, relative, sep } from 'node:path';
import type { Frame, Site, SiteKind } from './model';

/** How a file path is shown (relative to a folder, to the workspace, or as is). */
export type PathDisplay = (file: string) => string;

/** "blocked at" (an async function suspended at an await) or "created at" (where it was made). */
export function kindWords(kind: SiteKind): 'blocked at' | 'created at' {
  return kind === 'blocked' ? 'blocked at' : 'created at';
}

export function functionName(frame: Frame): string {
  // Names are data from the target: control characters shown as escapes.
  return frame.function ? escapeControl(frame.function) : '<anonymous>';
}

/** Paths under `cwd` shown relative to it; other paths as they are. */
export function relativeTo(cwd: string): PathDisplay {
  return (file) => {
    if (!isAbsolute(file)) return file;
    const rel = relative(cwd, file);
    const outside = rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
    return rel && !outside ? rel : file;
  };
}

/** "path:line:column" (or less when unknown); `node:` internals are never rewritten. */
export function locationText(frame: Frame, displayPath: PathDisplay = (file) => file): string {
  if (!frame.file) return '<unknown>';
  const path = escapeControl(frame.file.startsWith('node:') ? frame.file : displayPath(frame.file));
  if (!(frame.line > 0)) return path;
  return frame.column > 0 ? `${path}:${frame.line}:${frame.column}` : `${path}:${frame.line}`;
}

/** "server.js:21": the file's name and line, for labels with little room. */
export function shortLocation(frame: Frame): string {
  if (!frame.file) return '<unknown>';
  const name = frame.file.startsWith('node:')
    ? frame.file
    : frame.file.slice(Math.max(frame.file.lastIndexOf('/'), frame.file.lastIndexOf('\\')) + 1);
  return frame.line > 0 ? `${name}:${frame.line}` : name;
}

export function sameFrame(a: Frame, b: Frame): boolean {
  return a.file === b.file && a.line === b.line && a.column === b.column;
}

/** Node's own code or a dependency's: shown dimmed, not the line to fix. */
export function isInternalFrame(frame: Frame): boolean {
  return frame.file.startsWith('node:') || /[\\/]node_modules[\\/]/.test(frame.file);
}

/** An absolute path on POSIX or Windows (not `node:` internals, not an unknown file). */
export function isAbsoluteFile(file: string): boolean {
  return file.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(file) || file.startsWith('\\\\');
}

/**
 * Whether a frame names a line of a file that could be opened. Whether the file exists is the
 * front end's question (it is on its machine); a path from the target is never trusted further.
 */
export function isOpenableFrame(frame: Pick<Frame, 'file' | 'line'>): boolean {
  return frame.line > 0 && isAbsoluteFile(frame.file);
}

/** 0 for a blocked-at site in user code (the line a person can fix), 1 other user code, 2 the rest. */
export function siteRank(site: Pick<Site, 'userCode' | 'kind'>): number {
  if (site.userCode) return site.kind === 'blocked' ? 0 : 1;
  return 2;
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Largest count first; on ties, blocked-at sites in user code, then user code, then id. */
export function compareSitesByCount(a: Site, b: Site): number {
  return b.count - a.count || siteRank(a) - siteRank(b) || compareText(a.id, b.id);
}

/** The line to look at first: your code, blocked-at lines (the await to fix) before what they wait on, then by count. */
export function compareSitesToFix(a: Pick<Site, 'userCode' | 'kind' | 'count'>, b: Pick<Site, 'userCode' | 'kind' | 'count'>): number {
  return siteRank(a) - siteRank(b) || Number(b.kind === 'blocked') - Number(a.kind === 'blocked') || b.count - a.count;
}

/** Totals by type in a comparison: largest growth first, then the larger count, then by name. */
export function compareTypeChanges(
  a: { type: string; delta: number; after: number },
  b: { type: string; delta: number; after: number },
): number {
  return b.delta - a.delta || b.after - a.after || compareText(a.type, b.type);
}

/** Node's own code, a dependency's, or a frame with no file: collapsed as "library frames". */
export function isLibraryFrame(frame: Frame): boolean {
  return !frame.file || isInternalFrame(frame);
}

/**
 * A stack as people read it: your frames first (in stack order), the library frames (node:,
 * node_modules, unknown) apart, to be shown as one collapsed "11 library frames" row. Indexes
 * point into the stack. With no frame of yours, or a single library frame, nothing is set apart.
 */
export function splitLibraryFrames(stack: readonly Frame[]): { user: number[]; library: number[] } {
  const user: number[] = [];
  const library: number[] = [];
  stack.forEach((frame, index) => (isLibraryFrame(frame) ? library : user).push(index));
  if (user.length === 0 || library.length < 2) return { user: stack.map((_, i) => i), library: [] };
  return { user, library };
}

/** "11 library frames" (node: internals and node_modules). */
export function libraryFramesLabel(count: number): string {
  return `${count} library frame${count === 1 ? '' : 's'}`;
}

/**
 * Sites that grew, as a list to act on (the live screen's "sites that grew"): your code before
 * node internals and dependencies, then the larger growth, as the comparison ranks ties.
 */
export function compareGrownSites(
  a: Pick<Site, 'userCode' | 'kind' | 'id'> & { delta: number; after: number },
  b: Pick<Site, 'userCode' | 'kind' | 'id'> & { delta: number; after: number },
): number {
  return (
    Number(!a.userCode) - Number(!b.userCode) ||
    b.delta - a.delta ||
    siteRank(a) - siteRank(b) ||
    b.after - a.after ||
    compareText(a.id, b.id)
  );
}
