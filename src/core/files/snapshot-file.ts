// Snapshot files: JSON text in, a checked Snapshot out (or an error that says what is wrong and
// where), and writes through the shared file writer.
import { open } from 'node:fs/promises';
import { FileOutputError, writeOutputFile } from './file-output';
import { findJsonSyntaxProblem } from './json-syntax';
import { SNAPSHOT_SCHEMA, type Snapshot } from '../sites/model';

export const DEFAULT_MAX_SNAPSHOT_BYTES = 512 * 1024 * 1024;

const SCHEMA_PREFIX = 'async-leak-lens/snapshot@';
const SUPPORTED_SCHEMA_VERSION = Number(SNAPSHOT_SCHEMA.slice(SCHEMA_PREFIX.length));

export type SnapshotFileProblem =
  | 'not-found'
  | 'unreadable'
  | 'too-large'
  | 'unwritable'
  | 'empty'
  | 'binary'
  | 'not-json'
  | 'truncated'
  | 'not-object'
  | 'foreign'
  | 'future-schema'
  | 'invalid-field';

/** A snapshot file could not be read or written. `message` starts with the file's name. */
export class SnapshotFileError extends Error {
  constructor(
    readonly source: string,
    readonly problem: SnapshotFileProblem,
    detail: string,
  ) {
    super(`${source}: ${detail}`);
    this.name = 'SnapshotFileError';
  }
}

/** The contents are not a snapshot this version can read. `jsonPath` names the bad field, if one is. */
export class SnapshotFormatError extends SnapshotFileError {
  constructor(
    source: string,
    problem: SnapshotFileProblem,
    detail: string,
    readonly jsonPath?: string,
  ) {
    super(source, problem, detail);
    this.name = 'SnapshotFormatError';
  }
}

export function serializeSnapshot(snapshot: Snapshot): string {
  return `${JSON.stringify(snapshot, null, 2)}\n`;
}

/** Parses and checks every field; unknown extra fields are kept as they are. */
export function parseSnapshot(text: string, sourceName: string): Snapshot {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '')
    throw new SnapshotFormatError(sourceName, 'empty', 'the file is empty, not a snapshot (was it written by a command that failed?)');

  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (parseError) {
    throw jsonSyntaxError(body, sourceName, parseError);
  }

  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const foreign = Array.isArray(value) ? describeForeignArray(value) : undefined;
    throw new SnapshotFormatError(
      sourceName,
      'not-object',
      `expected a snapshot (a JSON object) but found ${foreign ?? describeValue(value)}`,
    );
  }
  checkIsOurSnapshot(value as Record<string, unknown>, sourceName);
  validateSnapshot(value, (path, rule, got) => {
    throw new SnapshotFormatError(
      sourceName,
      'invalid-field',
      `invalid snapshot: ${path} ${rule}, got ${describeValue(got)}. The file may be damaged or edited by hand; take the snapshot again.`,
      path,
    );
  });
  return value as Snapshot;
}

function jsonSyntaxError(text: string, sourceName: string, parseError: unknown): SnapshotFormatError {
  const found = findJsonSyntaxProblem(text);
  if (!found) return new SnapshotFormatError(sourceName, 'not-json', `not valid JSON: ${(parseError as Error).message}`);
  const where = `line ${found.line}, column ${found.column}`;
  if (found.truncated) {
    return new SnapshotFormatError(
      sourceName,
      'truncated',
      `the JSON is cut off: ${found.message} at ${where} (offset ${found.offset}). The file looks truncated (still being written, or an interrupted copy or download); take the snapshot again.`,
    );
  }
  const looksLikeJson = /^\s*[{[]/.test(text);
  return new SnapshotFormatError(
    sourceName,
    'not-json',
    `not valid JSON: ${found.message} at ${where} (offset ${found.offset}).${looksLikeJson ? ' The file looks damaged.' : ' This does not look like a snapshot file at all.'}`,
  );
}

function checkIsOurSnapshot(object: Record<string, unknown>, sourceName: string): void {
  const schema = object.schema;
  if (typeof schema === 'string' && schema.startsWith(SCHEMA_PREFIX)) {
    const version = schema.slice(SCHEMA_PREFIX.length);
    if (schema === SNAPSHOT_SCHEMA) return;
    if (/^\d+$/.test(version) && Number(version) > SUPPORTED_SCHEMA_VERSION) {
      throw new SnapshotFormatError(
        sourceName,
        'future-schema',
        `written by a newer Async Leak Lens: schema ${schema}, this version reads ${SNAPSHOT_SCHEMA}. Update Async Leak Lens to read it.`,
        'schema',
      );
    }
    throw new SnapshotFormatError(
      sourceName,
      'foreign',
      `unknown snapshot schema ${JSON.stringify(schema)}; this version reads ${SNAPSHOT_SCHEMA}.`,
      'schema',
    );
  }
  if (typeof schema === 'string' && schema.startsWith('async-leak-lens/')) {
    throw new SnapshotFormatError(
      sourceName,
      'foreign',
      `this is an Async Leak Lens file of another kind (schema ${JSON.stringify(schema)}), not a snapshot.`,
      'schema',
    );
  }
  if (schema !== undefined) {
    throw new SnapshotFormatError(
      sourceName,
      'foreign',
      `not an Async Leak Lens snapshot: its schema is ${describeValue(schema)}, expected "${SNAPSHOT_SCHEMA}".`,
      'schema',
    );
  }
  const looksLike = describeForeignObject(object);
  if (looksLike) throw new SnapshotFormatError(sourceName, 'foreign', `not an Async Leak Lens snapshot: this looks like ${looksLike}.`);
  const keys = Object.keys(object);
  const shown = keys
    .slice(0, 8)
    .map((key) => JSON.stringify(key))
    .join(', ');
  throw new SnapshotFormatError(
    sourceName,
    'foreign',
    `not an Async Leak Lens snapshot: it has no "schema": "${SNAPSHOT_SCHEMA}" field (${keys.length ? `its top-level keys are ${shown}${keys.length > 8 ? `, and ${keys.length - 8} more` : ''}` : 'it is an empty object'}).`,
  );
}

/** Recognises the JSON files people most often pass by mistake. */
function describeForeignObject(o: Record<string, unknown>): string | undefined {
  const has = (key: string) => Object.prototype.hasOwnProperty.call(o, key);
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(o.snapshot) && (has('nodes') || has('strings') || isObject(o.snapshot.meta))) {
    return 'a V8 heap snapshot (.heapsnapshot, from Chrome DevTools or v8.writeHeapSnapshot()), which records memory, not pending async work; make an Async Leak Lens snapshot with `async-leak-lens snapshot --target ...`';
  }
  if (Array.isArray(o.nodes) && has('startTime') && has('endTime')) return 'a V8 CPU profile (.cpuprofile)';
  if (isObject(o.head) && has('samples')) return 'a V8 sampling heap profile (.heapprofile)';
  if (Array.isArray(o.traceEvents)) return 'a Chrome trace-event file';
  if (isObject(o.header) && has('javascriptStack') && has('libuv')) return 'a Node.js diagnostic report (process.report)';
  if ((o.version === 3 && (has('mappings') || has('sections'))) || (has('mappings') && has('sources'))) return 'a source map';
  if (has('lockfileVersion')) return 'an npm lockfile (package-lock.json)';
  if (typeof o.name === 'string' && (has('version') || has('dependencies') || has('devDependencies') || has('scripts') || has('main'))) {
    return `an npm package.json (of package ${JSON.stringify(o.name)})`;
  }
  if (isObject(o.compilerOptions)) return 'a tsconfig.json';
  const sites = Array.isArray(o.sites) ? o.sites : undefined;
  const firstSite: unknown = sites?.[0];
  if ((isObject(o.before) && isObject(o.after)) || (isObject(firstSite) && 'delta' in firstSite)) {
    return 'the output of `async-leak-lens diff --json` (a comparison of two snapshots), not a snapshot';
  }
  if (has('sites') && has('totals') && has('takenAt'))
    return 'an Async Leak Lens snapshot without its "schema" field, so its version is unknown';
  return undefined;
}

function describeForeignArray(array: unknown[]): string | undefined {
  const first: unknown = array[0];
  if (typeof first === 'object' && first !== null && 'ph' in first && 'ts' in first) return 'a JSON array of Chrome trace events';
  return undefined;
}

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array (of ${value.length} item${value.length === 1 ? '' : 's'})`;
  switch (typeof value) {
    case 'string':
      return `${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)} (a string)`;
    case 'number':
      return String(value);
    case 'boolean':
      return `${value} (a boolean)`;
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

export type Report = (path: string, rule: string, got: unknown) => never;

/** Checks every field of the model; `report` throws on the first bad one. */
function validateSnapshot(value: unknown, report: Report): void {
  const snapshot = requireObject(value, '', report);
  requireString(snapshot.schema, 'schema', report);
  requireTimestamp(snapshot.takenAt, 'takenAt', report);
  optional(snapshot.label, 'label', report, requireString);
  optional(snapshot.gc, 'gc', report, (value, path) => {
    const gc = requireObject(value, path, report);
    if (gc.status !== 'collected' && gc.status !== 'skipped' && gc.status !== 'off')
      report(`${path}.status`, 'must be "collected", "skipped" or "off"', gc.status);
    optional(gc.reason, `${path}.reason`, report, requireString);
  });

  const target = requireObject(snapshot.target, 'target', report);
  requireInteger(target.pid, 'target.pid', report, 0);
  requireString(target.nodeVersion, 'target.nodeVersion', report);
  requireString(target.title, 'target.title', report);
  requireString(target.url, 'target.url', report);
  optional(target.argv, 'target.argv', report, (argv, path) =>
    requireArray(argv, path, report, (arg, argPath) => requireString(arg, argPath, report)),
  );

  requireArray(snapshot.threads, 'threads', report, (item, path) => {
    const thread = requireObject(item, path, report);
    requireInteger(thread.thread, `${path}.thread`, report, 0);
    requireString(thread.title, `${path}.title`, report);
  });
  requireCounts(snapshot.totals, 'totals', report);
  requireCounts(snapshot.baseline, 'baseline', report);

  // Repeated site ids are allowed: the diff merges them, and a file we wrote must stay readable.
  requireArray(snapshot.sites, 'sites', report, (item, path) => {
    const site = requireObject(item, path, report);
    requireString(site.id, `${path}.id`, report, true);
    if (site.kind !== 'created' && site.kind !== 'blocked') report(`${path}.kind`, 'must be "created" or "blocked"', site.kind);
    requireString(site.type, `${path}.type`, report, true);
    requireInteger(site.thread, `${path}.thread`, report, 0);
    requireNumber(site.count, `${path}.count`, report, 0);
    requireNumber(site.sampled, `${path}.sampled`, report, 0);
    requireNumber(site.oldestAgeMs, `${path}.oldestAgeMs`, report, 0);
    if (typeof site.userCode !== 'boolean') report(`${path}.userCode`, 'must be true or false', site.userCode);
    requireFrame(site.frame, `${path}.frame`, report);
    optional(site.generatedFrame, `${path}.generatedFrame`, report, requireFrame);
    requireArray(site.stack, `${path}.stack`, report, (frame, framePath) => requireFrame(frame, framePath, report));
    requireArray(site.examples, `${path}.examples`, report, (example, examplePath) => {
      const resource = requireObject(example, examplePath, report);
      requireNumber(resource.id, `${examplePath}.id`, report, -Infinity);
      requireNumber(resource.ageMs, `${examplePath}.ageMs`, report, 0);
      requireNumber(resource.triggerId, `${examplePath}.triggerId`, report, -Infinity);
    });
    optional(site.abandoned, `${path}.abandoned`, report, (value, fieldPath) => requireNumber(value, fieldPath, report, 0));
    optional(site.abandonedSeen, `${path}.abandonedSeen`, report, (value, fieldPath) => {
      const seen = requireObject(value, fieldPath, report);
      requireTimestamp(seen.first, `${fieldPath}.first`, report);
      requireTimestamp(seen.last, `${fieldPath}.last`, report);
    });
    if (site.origin !== undefined && site.origin !== 'census') report(`${path}.origin`, 'must be "census" when present', site.origin);
    optional(site.census, `${path}.census`, report, (n, p) => requireNumber(n, p, report, 0));
  });
  optional(snapshot.census, 'census', report, (value, path) => {
    const census = requireObject(value, path, report);
    requireTimestamp(census.takenAt, `${path}.takenAt`, report);
    for (const field of ['heapBytes', 'durationMs', 'snapshotMs', 'tasks', 'timers', 'elsewhere', 'resolved'])
      requireNumber(census[field], `${path}.${field}`, report, 0);
  });

  optional(snapshot.sitesUnavailable, 'sitesUnavailable', report, requireString);
  const stats = requireObject(snapshot.stats, 'stats', report);
  requireCounts(stats.created, 'stats.created', report);
  requireCounts(stats.dropped, 'stats.dropped', report);
  requireNumber(stats.droppedStacks, 'stats.droppedStacks', report, 0);
  const rates = requireObject(stats.samplingRate, 'stats.samplingRate', report);
  for (const [type, rate] of Object.entries(rates)) {
    requireNumber(rate, `stats.samplingRate${keyPath(type)}`, report, 0);
    if ((rate as number) > 1) report(`stats.samplingRate${keyPath(type)}`, 'must be a probability between 0 and 1', rate);
  }
}

export function requireObject(value: unknown, path: string, report: Report): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) report(path || 'the snapshot', 'must be an object', value);
  return value as Record<string, unknown>;
}

export function requireString(value: unknown, path: string, report: Report, nonEmpty = false): void {
  if (typeof value !== 'string') report(path, 'must be a string', value);
  if (nonEmpty && value === '') report(path, 'must not be empty', value);
}

// Date.parse alone accepts too much (e.g. "1" is the year 2001).
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function requireTimestamp(value: unknown, path: string, report: Report): void {
  requireString(value, path, report);
  if (!ISO_TIMESTAMP.test(value as string) || Number.isNaN(Date.parse(value as string)))
    report(path, 'must be a date and time (ISO 8601, e.g. "2025-01-31T12:00:00.000Z")', value);
}

export function requireNumber(value: unknown, path: string, report: Report, min: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) report(path, 'must be a number', value);
  if ((value as number) < min) report(path, `must be >= ${min}`, value);
}

export function requireInteger(value: unknown, path: string, report: Report, min: number): void {
  if (!Number.isInteger(value)) report(path, 'must be a whole number', value);
  if ((value as number) < min) report(path, `must be >= ${min}`, value);
}

export function requireFrame(value: unknown, path: string, report: Report): void {
  const frame = requireObject(value, path, report);
  requireString(frame.file, `${path}.file`, report);
  // 0 stands for "unknown" (e.g. native frames); real positions are 1-based.
  requireInteger(frame.line, `${path}.line`, report, 0);
  requireInteger(frame.column, `${path}.column`, report, 0);
  requireString(frame.function, `${path}.function`, report);
}

export function requireArray(value: unknown, path: string, report: Report, checkItem: (item: unknown, itemPath: string) => void): void {
  if (!Array.isArray(value)) report(path, 'must be an array', value);
  (value as unknown[]).forEach((item, index) => checkItem(item, `${path}[${index}]`));
}

export function requireCounts(value: unknown, path: string, report: Report): void {
  const counts = requireObject(value, path, report);
  for (const [type, count] of Object.entries(counts)) requireNumber(count, `${path}${keyPath(type)}`, report, 0);
}

export function optional(
  value: unknown,
  path: string,
  report: Report,
  check: (value: unknown, path: string, report: Report) => void,
): void {
  if (value !== undefined) check(value, path, report);
}

function keyPath(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

export interface ReadSnapshotOptions {
  /** Larger files are refused before reading (default 512 MiB). */
  maxBytes?: number;
  /** How the caller lets people raise maxBytes (e.g. a CLI option), given the file's size. */
  raiseLimitHint?: (sizeBytes: number) => string;
}

/** Reads and checks a snapshot file; every error is a SnapshotFileError naming the file. */
export async function readSnapshotFile(path: string, options: ReadSnapshotOptions = {}): Promise<Snapshot> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_SNAPSHOT_BYTES;
  let bytes: Buffer;
  try {
    const handle = await open(path, 'r');
    try {
      const info = await handle.stat();
      if (info.isDirectory()) throw new SnapshotFileError(path, 'unreadable', 'is a directory, not a snapshot file');
      if (info.size > maxBytes) {
        throw new SnapshotFileError(
          path,
          'too-large',
          `the file is ${formatBytes(info.size)}, over the ${formatBytes(maxBytes)} limit for snapshot files, so it was not read.` +
            (options.raiseLimitHint ? ` If it really is a snapshot, ${options.raiseLimitHint(info.size)}.` : ''),
        );
      }
      bytes = await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof SnapshotFileError) throw error;
    throw ioError(path, error, 'read');
  }
  // Checked again: the file may have grown between stat and read.
  if (bytes.length > maxBytes)
    throw new SnapshotFileError(path, 'too-large', `the file is over the ${formatBytes(maxBytes)} limit for snapshot files.`);
  const binary = describeBinary(bytes);
  if (binary) throw new SnapshotFormatError(path, 'binary', `${binary}, not a snapshot (snapshots are JSON text).`);
  let text: string;
  try {
    text = bytes.toString('utf8');
  } catch {
    // Past V8's maximum string length.
    throw new SnapshotFileError(path, 'too-large', `the file (${formatBytes(bytes.length)}) is too large to read as text.`);
  }
  return parseSnapshot(text, path);
}

function describeBinary(bytes: Buffer): string | undefined {
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return 'the file is gzip-compressed: decompress it first (gunzip)';
  if (bytes.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1'))) return 'the file is a zip archive: extract it first';
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
    return 'the file is UTF-16 text: save it as UTF-8';
  if (bytes.subarray(0, 4096).includes(0)) return 'the file is binary data';
  return undefined;
}

/**
 * Writes through the shared writer (core/files/file-output): a regular file is replaced atomically, a
 * symlink stays a link, a FIFO or device is written to, anything else is refused.
 */
export async function writeSnapshotFile(path: string, snapshot: Snapshot): Promise<void> {
  try {
    await writeOutputFile(path, serializeSnapshot(snapshot));
  } catch (error) {
    if (error instanceof FileOutputError) throw new SnapshotFileError(path, 'unwritable', `cannot write the snapshot: ${error.reason}`);
    throw ioError(path, error, 'write');
  }
}

function ioError(path: string, error: unknown, action: 'read' | 'write'): SnapshotFileError {
  const code = (error as NodeJS.ErrnoException)?.code;
  const problem: SnapshotFileProblem = action === 'write' ? 'unwritable' : code === 'ENOENT' ? 'not-found' : 'unreadable';
  const reasons: Record<string, string> = {
    ENOENT: action === 'read' ? 'no such file' : 'no such file or directory',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EISDIR: 'is a directory, not a snapshot file',
    ENOSPC: 'no space left on the device',
    EROFS: 'the file system is read-only',
    ENOTDIR: 'a part of the path is not a directory',
  };
  const reason = (code && reasons[code]) ?? (error instanceof Error ? error.message : String(error));
  return new SnapshotFileError(
    path,
    problem,
    action === 'read' ? `cannot read the snapshot: ${reason}` : `cannot write the snapshot: ${reason}`,
  );
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 * 1024) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}
