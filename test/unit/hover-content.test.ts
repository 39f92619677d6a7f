import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandUri, escapeMarkdown, hoverMarkdown } from '../../src/extension/editor/hover-content';
import { SiteIndex } from '../../src/extension/editor/line-marks';
import { APP_DIR, frame, site, snapshot } from './core-test-data';

const OPTIONS = { openFrameCommand: 'asyncLeakLens.openFrame' };

function markOf(sites: ReturnType<typeof site>[], previous?: ReturnType<typeof site>[]) {
  const index = new SiteIndex();
  index.setSource({
    id: 't',
    label: 'pid 4242',
    snapshot: snapshot(sites, { takenAt: '2026-11-26T14:00:05.000Z' }),
    previous: previous && snapshot(previous, { takenAt: '2026-11-26T14:00:00.000Z' }),
  });
  return index.marksForFile(sites[0].frame.file)[0];
}

test('the hover shows count, oldest age, growth and the example stack with links to frames', () => {
  const at = frame('server.js', 41, 20, 'runWorker');
  const stack = [at, frame('server.js', 53, 3, '<anonymous>'), frame('node:events', 524, 28, 'emit')];
  const md = hoverMarkdown(
    markOf([site({ kind: 'blocked', at, count: 130, oldestAgeMs: 12_300, stack })], [site({ kind: 'blocked', at, count: 100 })]),
    OPTIONS,
  );

  assert.match(md, /\*\*Blocked at\*\* · PROMISE · \*\*130\*\* pending tasks/);
  assert.match(md, /oldest 12\\\.3 s/);
  assert.match(md, /\+30 in 5\\\.0 s/);
  const links = [...md.matchAll(/\]\((command:[^ )]+)/g)].map((m) => m[1]);
  assert.equal(links.length, 2, 'the two frames in files link; node:events does not');
  const args = JSON.parse(decodeURIComponent(links[0].split('?')[1]));
  assert.deepEqual(args, [{ file: `${APP_DIR}/server.js`, line: 41, column: 20 }]);
  assert.match(md, /3\. emit \(node\\:events\\:524\\:28\)$/m, 'a node: frame is plain (escaped) text');
});

test('a site that did not change says so instead of "0 in 5.0 s"', () => {
  const at = frame('server.js', 41, 20, 'runWorker');
  const md = hoverMarkdown(markOf([site({ kind: 'blocked', at, count: 7 })], [site({ kind: 'blocked', at, count: 7 })]), OPTIONS);
  assert.match(md, /no change in 5\\\.0 s/);
  assert.doesNotMatch(md, /(^|[^\d])0 in /);
});

test('text from the target cannot inject markdown, HTML or links', () => {
  const evil = '[x](command:workbench.action.terminal.new) <img src=x onerror=alert(1)> **b**';
  const at = { file: `${APP_DIR}/a (1)/b.js`, line: 3, column: 1, function: evil };
  const md = hoverMarkdown(markOf([site({ type: '<script>', at, count: 1, stack: [at] })]), OPTIONS);
  assert.doesNotMatch(md, /(^|[^\\])</, 'every < is escaped: no raw HTML');
  assert.doesNotMatch(md, /(^|[^\\])\[x/, 'the brackets of a would-be link are escaped');
  assert.ok(!md.includes('](command:workbench'), 'no link from the target');
  const links = [...md.matchAll(/\]\((command:[^ )]+)/g)].map((m) => m[1]);
  assert.equal(links.length, 1);
  assert.ok(links[0].startsWith('command:asyncLeakLens.openFrame?'));
  assert.deepEqual(
    JSON.parse(decodeURIComponent(links[0].split('?')[1]))[0].file,
    `${APP_DIR}/a (1)/b.js`,
    'parentheses in paths survive the link',
  );
});

test('escapeMarkdown escapes all ASCII punctuation and flattens lines', () => {
  assert.equal(escapeMarkdown('a*b_[c](d)\n<e>'), 'a\\*b\\_\\[c\\]\\(d\\) \\<e\\>');
  assert.equal(commandUri('x.y', [{ a: '(1)' }]).includes('('), false);
});

test('the hover lists your frames and folds node: and node_modules frames into one line', async () => {
  const { hoverMarkdown } = await import('../../src/extension/editor/hover-content');
  const { site, frame } = await import('./core-test-data');
  const at = frame('server.js', 12, 3, '');
  const stack = [
    frame('node:internal/timers', 1, 1, 'initAsyncResource'),
    at,
    ...Array.from({ length: 10 }, (_, i) => frame(`/srv/app/node_modules/express/lib/r${i}.js`, i + 1, 1, `r${i}`)),
  ];
  const line = 12;
  const md = hoverMarkdown(
    { line, sites: [{ site: site({ kind: 'blocked', at, count: 4, stack }), sourceLabel: 'pid 1', growth: undefined }] } as never,
    { openFrameCommand: 'open' },
  );
  const numbered = md.split('\n').filter((l) => /^\d+\. /.test(l));
  assert.equal(numbered.length, 1, md);
  assert.match(numbered[0], /server\\.js\\:12\\:3/);
  assert.match(md, /11 library frames/);
  assert.doesNotMatch(md, /initAsyncResource/);
});

test('the hover of an await with abandoned tasks says what that means, and when the last was seen', () => {
  const at = frame('server.js', 41, 19, 'queryMirror');
  const gone = {
    ...site({ kind: 'blocked', at, count: 0 }),
    abandoned: 60,
    abandonedSeen: { first: '2026-11-26T13:59:00.000Z', last: '2026-11-26T14:00:00.000Z' },
  };
  const md = hoverMarkdown(markOf([gone]), OPTIONS);
  assert.match(
    md,
    /\*\*Abandoned\*\* · \*\*60\*\* tasks collected by the GC while suspended here since attach: the code after this await and its finally blocks never ran · last seen 2026\\-11\\-26T14\\:00\\:00\\\.000Z/,
  );
  assert.doesNotMatch(md, /0\*\* pending/, 'no "0 pending" line for a site whose tasks were all abandoned');
  assert.match(md, /Example stack \(where the task waits\)/);
});
