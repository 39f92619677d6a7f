import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import type { Frame } from '../../src/core/sites/model';
import { lastSourceMappingUrl, SourceMapResolver, toFilePath } from '../../src/core/sites/source-maps';

// Types and a type-only block shift every line, so the compiled positions differ from the .ts ones.
const TS_SOURCE = `interface QueueItem {
  id: number;
  payload: string;
}

type Handler = (item: QueueItem) => Promise<void>;

export function startPolling(intervalMs: number): NodeJS.Timeout {
  const label: string = 'poller';
  return setInterval(() => console.log(label), intervalMs);
}

export async function waitForItem(handler: Handler): Promise<void> {
  const item: QueueItem = await new Promise<QueueItem>(() => {});
  await handler(item);
}
`;

interface Compiled {
  dir: string;
  tsFile: string;
  jsFile: string;
}

/** Compiles TS_SOURCE from <tmp>/src/queue.ts to <tmp>/dist/queue.js, like a project's build. */
function compile(sourcemap: 'linked' | 'inline', source = TS_SOURCE): Compiled {
  const dir = mkdtempSync(join(tmpdir(), 'all-sourcemap-'));
  mkdirSync(join(dir, 'src'));
  const tsFile = join(dir, 'src', 'queue.ts');
  writeFileSync(tsFile, source);
  const jsFile = join(dir, 'dist', 'queue.js');
  esbuild.buildSync({ entryPoints: [tsFile], outfile: jsFile, sourcemap, platform: 'node', format: 'cjs', logLevel: 'silent' });
  return { dir, tsFile, jsFile };
}

/** 1-based line and column of the first occurrence of `needle`. */
function positionOf(text: string, needle: string): { line: number; column: number } {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const column = lines[i].indexOf(needle);
    if (column >= 0) return { line: i + 1, column: column + 1 };
  }
  throw new Error(`${needle} not found`);
}

function compiledFrame(compiled: Compiled, needle: string, fn = 'startPolling'): Frame {
  const js = readFileSync(compiled.jsFile, 'utf8');
  return { file: compiled.jsFile, ...positionOf(js, needle), function: fn };
}

function assertResolvesToTs(resolver: SourceMapResolver, compiled: Compiled, needle: string, source = TS_SOURCE): void {
  const generated = compiledFrame(compiled, needle);
  const expected = positionOf(source, needle);
  assert.notEqual(generated.line, expected.line, 'the test needs compiled and original lines to differ');
  const result = resolver.resolve(generated);
  assert.deepEqual(result.frame, { file: compiled.tsFile, line: expected.line, column: expected.column, function: 'startPolling' });
  assert.deepEqual(result.generatedFrame, generated);
}

test('a linked .map file maps a compiled position to the .ts file, line and column', (t) => {
  const compiled = compile('linked');
  t.after(() => rmSync(compiled.dir, { recursive: true, force: true }));
  assert.match(readFileSync(compiled.jsFile, 'utf8'), /\/\/# sourceMappingURL=queue\.js\.map\s*$/);
  const resolver = new SourceMapResolver();
  assertResolvesToTs(resolver, compiled, 'setInterval(');
  assertResolvesToTs(resolver, compiled, 'new Promise');
});

test('an inline base64 map (with and without a charset) maps to the .ts file', (t) => {
  const compiled = compile('inline');
  t.after(() => rmSync(compiled.dir, { recursive: true, force: true }));
  const js = readFileSync(compiled.jsFile, 'utf8');
  assert.match(js, /sourceMappingURL=data:application\/json;base64,/);
  assertResolvesToTs(new SourceMapResolver(), compiled, 'setInterval(');

  writeFileSync(compiled.jsFile, js.replace('data:application/json;base64,', 'data:application/json;charset=utf-8;base64,'));
  assertResolvesToTs(new SourceMapResolver(), compiled, 'setInterval(');
});

test('file:// URLs are accepted for frames and for the map location', (t) => {
  const compiled = compile('linked');
  t.after(() => rmSync(compiled.dir, { recursive: true, force: true }));
  const generated = compiledFrame(compiled, 'setInterval(');
  const viaUrl = new SourceMapResolver().resolve({ ...generated, file: pathToFileURL(compiled.jsFile).href });
  assert.equal(viaUrl.frame.file, compiled.tsFile);
  assert.equal(viaUrl.generatedFrame?.file, compiled.jsFile, 'the generated frame carries a path, not the URL');

  const js = readFileSync(compiled.jsFile, 'utf8');
  writeFileSync(
    compiled.jsFile,
    js.replace('sourceMappingURL=queue.js.map', `sourceMappingURL=${pathToFileURL(`${compiled.jsFile}.map`).href}`),
  );
  assert.equal(new SourceMapResolver().resolve(generated).frame.file, compiled.tsFile);
});

test('sources resolve against sourceRoot (relative and file:// URL) and the map location', (t) => {
  const compiled = compile('linked');
  t.after(() => rmSync(compiled.dir, { recursive: true, force: true }));
  const mapFile = `${compiled.jsFile}.map`;
  const map = JSON.parse(readFileSync(mapFile, 'utf8'));
  assert.deepEqual(map.sources, ['../src/queue.ts']);
  const generated = compiledFrame(compiled, 'setInterval(');

  writeFileSync(mapFile, JSON.stringify({ ...map, sourceRoot: '../src', sources: ['queue.ts'] }));
  assert.equal(new SourceMapResolver().resolve(generated).frame.file, compiled.tsFile);

  writeFileSync(
    mapFile,
    JSON.stringify({ ...map, sourceRoot: pathToFileURL(join(compiled.dir, 'src')).href + '/', sources: ['queue.ts'] }),
  );
  assert.equal(new SourceMapResolver().resolve(generated).frame.file, compiled.tsFile);

  writeFileSync(mapFile, JSON.stringify({ ...map, sources: [compiled.tsFile] }));
  assert.equal(new SourceMapResolver().resolve(generated).frame.file, compiled.tsFile);
});

test('the last sourceMappingURL comment wins; markers inside code are ignored', (t) => {
  const compiled = compile('linked');
  t.after(() => rmSync(compiled.dir, { recursive: true, force: true }));
  const js = readFileSync(compiled.jsFile, 'utf8');
  // An earlier comment left by a concatenated input, and a string literal after the real comment.
  const edited = `//# sourceMappingURL=stale-input.js.map\n${js}const text = "//# sourceMappingURL=not-a-comment.map";\n`;
  writeFileSync(compiled.jsFile, edited);
  assert.equal(lastSourceMappingUrl(edited), 'queue.js.map');
  // The prepended line moves the compiled code down by one line.
  const generated = compiledFrame(compiled, 'setInterval(');
  const resolved = new SourceMapResolver().resolve({ ...generated, line: generated.line - 1 });
  assert.equal(resolved.frame.file, compiled.tsFile);
});

test('missing, corrupt or absent maps leave the frame unchanged and never throw', (t) => {
  const compiled = compile('linked');
  t.after(() => rmSync(compiled.dir, { recursive: true, force: true }));
  const generated = compiledFrame(compiled, 'setInterval(');
  const mapFile = `${compiled.jsFile}.map`;

  writeFileSync(mapFile, '{"version":3,"sources":["../src/queue.ts"],"mappings":"AAAA;;;;;'); // cut off
  assert.deepEqual(new SourceMapResolver().resolve(generated), { frame: generated });

  writeFileSync(mapFile, '{"version":3,"sources":["x.ts"],"mappings":"!!!not vlq!!!"}');
  assert.deepEqual(new SourceMapResolver().resolve(generated), { frame: generated });

  rmSync(mapFile);
  assert.deepEqual(new SourceMapResolver().resolve(generated), { frame: generated });

  const resolver = new SourceMapResolver();
  const others: Frame[] = [
    { file: 'node:internal/timers', line: 581, column: 17, function: 'listOnTimeout' },
    { file: '', line: 0, column: 0, function: '' },
    { file: join(compiled.dir, 'no-such-file.js'), line: 1, column: 1, function: 'x' },
    { file: compiled.dir, line: 1, column: 1, function: 'a directory' },
    { file: 'relative/path.js', line: 3, column: 4, function: 'y' },
  ];
  for (const frame of others) assert.deepEqual(resolver.resolve(frame), { frame });
});

test('a file larger than maxFileBytes is not read', (t) => {
  const compiled = compile('inline');
  t.after(() => rmSync(compiled.dir, { recursive: true, force: true }));
  const generated = compiledFrame(compiled, 'setInterval(');
  assert.deepEqual(new SourceMapResolver({ maxFileBytes: 100 }).resolve(generated), { frame: generated });
  assert.equal(new SourceMapResolver().resolve(generated).frame.file, compiled.tsFile);
});

test('the cache is invalidated when the compiled file or its map changes (negative results too)', (t) => {
  const compiled = compile('linked');
  t.after(() => rmSync(compiled.dir, { recursive: true, force: true }));
  const resolver = new SourceMapResolver();
  const mapFile = `${compiled.jsFile}.map`;
  const mapText = readFileSync(mapFile, 'utf8');
  const generated = compiledFrame(compiled, 'setInterval(');
  const future = (seconds: number) => new Date(Date.now() + seconds * 1000);

  // No map yet: cached as "no map"; then the map appears and is picked up.
  rmSync(mapFile);
  assert.deepEqual(resolver.resolve(generated), { frame: generated });
  writeFileSync(mapFile, mapText);
  assert.equal(resolver.resolve(generated).frame.file, compiled.tsFile);

  // The source gains lines and is rebuilt: the new map must be used, not the cached one.
  const shifted = `// one\n// two\n// three\n${TS_SOURCE}`;
  writeFileSync(compiled.tsFile, shifted);
  esbuild.buildSync({
    entryPoints: [compiled.tsFile],
    outfile: compiled.jsFile,
    sourcemap: 'linked',
    platform: 'node',
    format: 'cjs',
    logLevel: 'silent',
  });
  utimesSync(compiled.jsFile, future(10), future(10));
  utimesSync(mapFile, future(10), future(10));
  assertResolvesToTs(resolver, compiled, 'setInterval(', shifted);

  // The compiled file loses its comment: the frame is left as it is.
  writeFileSync(compiled.jsFile, readFileSync(compiled.jsFile, 'utf8').replace(/\/\/# sourceMappingURL=.*$/m, ''));
  utimesSync(compiled.jsFile, future(20), future(20));
  const plain = compiledFrame(compiled, 'setInterval(');
  assert.deepEqual(resolver.resolve(plain), { frame: plain });
});

test('lastSourceMappingUrl reads //# and //@ comments and block comments', () => {
  assert.equal(lastSourceMappingUrl('x();\n//# sourceMappingURL=a.js.map\n'), 'a.js.map');
  assert.equal(lastSourceMappingUrl('x();\n//@ sourceMappingURL=old.js.map'), 'old.js.map');
  assert.equal(lastSourceMappingUrl('x();\r\n/*# sourceMappingURL=b.js.map */\r\n'), 'b.js.map');
  assert.equal(lastSourceMappingUrl('x();\n'), undefined);
  assert.equal(lastSourceMappingUrl('sourceMappingURL=at-start.map'), undefined);
});

test('toFilePath converts file:// URLs and leaves everything else alone', () => {
  const path = join(tmpdir(), 'dir with space', 'app.mjs');
  assert.equal(toFilePath(pathToFileURL(path).href), path);
  assert.equal(toFilePath(path), path);
  assert.equal(toFilePath('node:internal/process/task_queues'), 'node:internal/process/task_queues');
  assert.equal(toFilePath(''), '');
  // A URL with a host has no POSIX path: it is kept rather than throwing.
  if (process.platform !== 'win32') assert.equal(toFilePath('file://remote-host/share/x.js'), 'file://remote-host/share/x.js');
});
