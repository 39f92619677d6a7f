// How sites and frames read and sort, the same in the CLI, the reports, the tree and hovers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Frame, Site } from '../../src/core/sites/model';
import {
  compareSitesByCount,
  compareSitesToFix,
  isOpenableFrame,
  kindWords,
  locationText,
  relativeTo,
  shortLocation,
} from '../../src/core/sites/site-presentation';

const frame = (file: string, line = 12, column = 5): Frame => ({ file, line, column, function: 'handler' });
const site = (id: string, count: number, kind: Site['kind'], userCode: boolean) => ({ id, count, kind, userCode }) as Site;

test('kind words and locations read the same everywhere', () => {
  assert.equal(kindWords('blocked'), 'blocked at');
  assert.equal(kindWords('created'), 'created at');
  assert.equal(locationText(frame('/app/src/server.js'), relativeTo('/app')), 'src/server.js:12:5');
  assert.equal(locationText(frame('/elsewhere/x.js'), relativeTo('/app')), '/elsewhere/x.js:12:5');
  assert.equal(
    locationText(frame('node:internal/timers', 0, 0), () => 'not used for node: files'),
    'node:internal/timers',
  );
  assert.equal(locationText(frame('', 3)), '<unknown>');
  assert.equal(locationText(frame('/app/a.js', 7, 0)), '/app/a.js:7');
  assert.equal(shortLocation(frame('C:\\app\\server.js')), 'server.js:12');
});

test('only absolute files with a line can be opened', () => {
  assert.equal(isOpenableFrame(frame('/app/server.js')), true);
  assert.equal(isOpenableFrame(frame('C:\\app\\server.js')), true);
  assert.equal(isOpenableFrame(frame('node:fs')), false);
  assert.equal(isOpenableFrame(frame('relative.js')), false);
  assert.equal(isOpenableFrame(frame('/app/server.js', 0)), false);
});

test('sites by count: ties go to blocked-at lines in your code, then your code, then id', () => {
  const sites = [
    site('d', 5, 'created', false),
    site('c', 5, 'created', true),
    site('b', 5, 'blocked', true),
    site('a', 9, 'created', false),
  ];
  assert.deepEqual(
    [...sites].sort(compareSitesByCount).map((s) => s.id),
    ['a', 'b', 'c', 'd'],
  );
});

test('sites to fix: your code first, blocked-at before created-at, then by count', () => {
  const sites = [
    site('big-dep', 100, 'created', false),
    site('dep-blocked', 1, 'blocked', false),
    site('mine', 2, 'created', true),
    site('mine-blocked', 1, 'blocked', true),
  ];
  assert.deepEqual(
    [...sites].sort(compareSitesToFix).map((s) => s.id),
    ['mine-blocked', 'mine', 'dep-blocked', 'big-dep'],
  );
});

test('library frames (node:, node_modules, unknown) are set apart from yours; one alone is not', async () => {
  const { splitLibraryFrames, libraryFramesLabel } = await import('../../src/core/sites/site-presentation');
  const stack = [frame('node:internal/timers'), frame('/app/server.js'), frame('/app/node_modules/express/lib/router.js'), frame('')];
  assert.deepEqual(splitLibraryFrames(stack), { user: [1], library: [0, 2, 3] });
  assert.deepEqual(splitLibraryFrames([frame('/app/a.js'), frame('node:events')]), { user: [0, 1], library: [] });
  assert.deepEqual(splitLibraryFrames([frame('node:a'), frame('node:b')]), { user: [0, 1], library: [] }, 'nothing of yours: all shown');
  assert.equal(libraryFramesLabel(11), '11 library frames');
});

test('sites that grew: your code before node internals and dependencies, however much those grew', async () => {
  const { compareGrownSites } = await import('../../src/core/sites/site-presentation');
  const grown = (id: string, delta: number, userCode: boolean, kind: Site['kind'] = 'created') => ({
    id,
    delta,
    after: delta,
    userCode,
    kind,
  });
  const sites = [grown('http-incoming', 200, false), grown('mine-created', 5, true), grown('mine-blocked', 50, true, 'blocked')];
  assert.deepEqual(
    sites.sort(compareGrownSites).map((s) => s.id),
    ['mine-blocked', 'mine-created', 'http-incoming'],
  );
});
