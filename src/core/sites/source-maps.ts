// Maps frames of compiled JavaScript back to the original source (e.g. TypeScript) through the
// file's `//# sourceMappingURL=` comment: a linked .map file or an inline data: URL.
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FlattenMap, GREATEST_LOWER_BOUND, LEAST_UPPER_BOUND, originalPositionFor, type TraceMap } from '@jridgewell/trace-mapping';
import type { Frame } from './model';

export interface ResolvedFrame {
  /** The original position, or the input frame unchanged when there is no usable source map. */
  frame: Frame;
  /** The compiled position, present only when the source map moved the frame. */
  generatedFrame?: Frame;
}

export interface SourceMapResolverOptions {
  /** Compiled files and .map files larger than this are not read (default 64 MiB). */
  maxFileBytes?: number;
}

const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;

/** A file:// URL as a path; anything else (paths, `node:` specifiers, other URLs) unchanged. */
export function toFilePath(urlOrPath: string): string {
  if (!urlOrPath.startsWith('file:')) return urlOrPath;
  try {
    return fileURLToPath(urlOrPath);
  } catch {
    return urlOrPath;
  }
}

interface LoadedMap {
  traceMap: TraceMap;
  /** trace-mapping's resolved source name -> absolute path (or URL when the map names one). */
  sourcePaths: Map<string, string>;
}

interface CacheEntry {
  jsVersion: string;
  /** The linked .map file, whose changes must also invalidate the entry. */
  mapFile?: string;
  mapVersion?: string;
  /** null: the file has no usable source map (cached too, so it is not read again). */
  loaded: LoadedMap | null;
}

export class SourceMapResolver {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly maxFileBytes: number;

  constructor(options: SourceMapResolverOptions = {}) {
    this.maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  }

  /** Never throws: any problem with the file or its map leaves the frame as it is. */
  resolve(frame: Frame): ResolvedFrame {
    const file = toFilePath(frame.file);
    const generated: Frame = file === frame.file ? frame : { ...frame, file };
    if (!isAbsolute(file) || !(frame.line >= 1)) return { frame: generated };
    try {
      const loaded = this.mapFor(file);
      if (!loaded) return { frame: generated };
      const original = lookUp(loaded, generated);
      if (!original) return { frame: generated };
      const moved = original.file !== generated.file || original.line !== generated.line || original.column !== generated.column;
      return moved ? { frame: original, generatedFrame: generated } : { frame: generated };
    } catch {
      return { frame: generated };
    }
  }

  /** Forgets every cached map (they are also re-read by themselves when a file's mtime or size changes). */
  clear(): void {
    this.cache.clear();
  }

  private mapFor(jsFile: string): LoadedMap | null {
    const jsVersion = fileVersion(jsFile);
    if (jsVersion === undefined) {
      this.cache.delete(jsFile);
      return null;
    }
    const cached = this.cache.get(jsFile);
    if (cached && cached.jsVersion === jsVersion && (cached.mapFile === undefined || fileVersion(cached.mapFile) === cached.mapVersion)) {
      return cached.loaded;
    }
    const entry = this.load(jsFile, jsVersion);
    this.cache.set(jsFile, entry);
    return entry.loaded;
  }

  private load(jsFile: string, jsVersion: string): CacheEntry {
    const noMap: CacheEntry = { jsVersion, loaded: null };
    const js = this.readSmallFile(jsFile);
    if (js === undefined) return noMap;
    const url = lastSourceMappingUrl(js);
    if (url === undefined) return noMap;

    if (url.startsWith('data:')) {
      const json = decodeDataUrl(url);
      return { jsVersion, loaded: json === undefined ? null : parseMap(json, dirname(jsFile)) };
    }
    const mapFile = mapFilePath(url, jsFile);
    if (mapFile === undefined) return noMap;
    // Record the map's version even when it is missing, so that creating it later is noticed.
    const entry: CacheEntry = { jsVersion, mapFile, mapVersion: fileVersion(mapFile), loaded: null };
    const json = this.readSmallFile(mapFile);
    if (json !== undefined) entry.loaded = parseMap(json, dirname(mapFile));
    return entry;
  }

  private readSmallFile(file: string): string | undefined {
    try {
      const stats = statSync(file);
      if (!stats.isFile() || stats.size > this.maxFileBytes) return undefined;
      return readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  }
}

/** mtime + size: a cheap change detector that also catches rewrites within one mtime tick. */
function fileVersion(file: string): string | undefined {
  try {
    const stats = statSync(file, { throwIfNoEntry: false });
    return stats ? `${stats.mtimeMs}:${stats.size}` : undefined;
  } catch {
    return undefined;
  }
}

const MARKER = 'sourceMappingURL=';
// Only a comment that opens its line counts, so a marker inside a string literal is ignored.
const COMMENT_OPENING = /^[ \t]*(\/\/|\/\*)[#@][ \t]?$/;

/** The URL of the LAST sourceMappingURL comment (bundlers may leave earlier ones from inputs). */
export function lastSourceMappingUrl(js: string): string | undefined {
  let from = js.length;
  while (from > 0) {
    const at = js.lastIndexOf(MARKER, from - 1);
    if (at < 0) return undefined;
    from = at;
    const lineStart = Math.max(js.lastIndexOf('\n', at), js.lastIndexOf('\r', at)) + 1;
    const opening = COMMENT_OPENING.exec(js.slice(lineStart, at));
    if (!opening) continue;
    let lineEnd = js.length;
    for (const terminator of ['\n', '\r']) {
      const end = js.indexOf(terminator, at);
      if (end >= 0 && end < lineEnd) lineEnd = end;
    }
    let value = js.slice(at + MARKER.length, lineEnd).trim();
    if (opening[1] === '/*') value = value.replace(/\*\/$/, '').trim();
    value = value.split(/\s/)[0];
    if (value) return value;
  }
  return undefined;
}

/** Contents of a `data:` URL: base64 (`;base64,`, with or without a charset) or percent-encoded. */
function decodeDataUrl(url: string): string | undefined {
  const comma = url.indexOf(',');
  if (comma < 0) return undefined;
  const header = url.slice('data:'.length, comma).toLowerCase();
  const payload = url.slice(comma + 1);
  try {
    return header.split(';').includes('base64') ? Buffer.from(payload, 'base64').toString('utf8') : decodeURIComponent(payload);
  } catch {
    return undefined;
  }
}

function mapFilePath(url: string, jsFile: string): string | undefined {
  if (url.startsWith('file:')) {
    const path = toFilePath(url);
    return path === url ? undefined : path;
  }
  // Other URL schemes (http:, webpack:...) point at nothing we can read from disk.
  if (/^[a-z][a-z0-9+.-]+:/i.test(url)) return undefined;
  return resolvePath(dirname(jsFile), safeDecodeUri(url));
}

function safeDecodeUri(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function parseMap(json: string, mapDir: string): LoadedMap | null {
  try {
    const raw: unknown = JSON.parse(json);
    if (typeof raw !== 'object' || raw === null) return null;
    // FlattenMap also accepts index maps with `sections`; without a URL it leaves sources relative.
    const traceMap = FlattenMap(raw as Parameters<typeof FlattenMap>[0]);
    const sourcePaths = new Map<string, string>();
    traceMap.resolvedSources.forEach((resolvedName, i) => {
      sourcePaths.set(resolvedName, sourcePath(traceMap.sources[i] ?? '', traceMap.sourceRoot, mapDir));
    });
    return { traceMap, sourcePaths };
  } catch {
    return null;
  }
}

const URL_SCHEME = /^[a-z][a-z0-9+.-]+:/i;

/**
 * Absolute path of a map's source: `sourceRoot` then the map's directory are its bases.
 * A source under a non-file URL (e.g. `webpack://app/src/x.ts`) stays a URL: there is no
 * reliable way to find it on disk.
 */
function sourcePath(source: string, sourceRoot: string | undefined, mapDir: string): string {
  if (source.startsWith('file:')) return toFilePath(source);
  if (isAbsolute(source)) return source;
  if (URL_SCHEME.test(source)) return source;
  if (sourceRoot) {
    if (sourceRoot.startsWith('file:')) return resolvePath(toFilePath(sourceRoot), source);
    if (URL_SCHEME.test(sourceRoot) && !isAbsolute(sourceRoot)) return `${sourceRoot.replace(/\/+$/, '')}/${source}`;
    return resolvePath(mapDir, sourceRoot, source);
  }
  return resolvePath(mapDir, source);
}

function lookUp(loaded: LoadedMap, generated: Frame): Frame | undefined {
  // trace-mapping columns are 0-based, ours 1-based; lines are 1-based in both.
  const needle = { line: generated.line, column: Math.max(0, generated.column - 1) };
  let position = originalPositionFor(loaded.traceMap, { ...needle, bias: GREATEST_LOWER_BOUND });
  // A position before the first mapped segment of its line (e.g. in indentation): take the next one.
  if (position.source === null) position = originalPositionFor(loaded.traceMap, { ...needle, bias: LEAST_UPPER_BOUND });
  if (position.source === null) return undefined;
  return {
    file: loaded.sourcePaths.get(position.source) ?? position.source,
    line: position.line,
    column: position.column + 1,
    // The map's `name` at a frame's position is the token there (often the callee), not the
    // enclosing function V8 reports, so the runtime name is kept.
    function: generated.function,
  };
}
