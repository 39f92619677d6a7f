// How sites and frames read and sort, the same in the CLI, the reports, the tree and hovers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Frame, Site } from '../../src/core/model';
import { compareSitesByCount, compareSitesToFix, isOpenableFrame, kindWords, locationText, relativeTo, shortLocation } from '../../src/core/site-presentation';

const frame = (file: string, line = 12, column = 5): Frame => ({ file, line, column, function: 'handler' });
const site = (id: string, count: number, kind: Site['kind'], userCode: boolean) => ({ id, count, kind, userCode }) as Site;

test('kind words and locations read the same everywhere', () => {
  assert.equal(kindWords('blocked'), 'blocked at');
  assert.equal(kindWords('created'), 'created at');
  assert.equal(locationText(frame('/app/src/server.js'), relativeTo('/app')), 'src/server.js:12:5');
  assert.equal(locationText(frame('/elsewhere/x.js'), relativeTo('/app')), '/elsewhere/x.js:12:5');
  assert.equal(locationText(frame('node:internal/timers', 0, 0), () => 'not used for node: files'), 'node:internal/timers');
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
  const sites = [site('d', 5, 'created', false), site('c', 5, 'created', true), site('b', 5, 'blocked', true), site('a', 9, 'created', false)];
  assert.deepEqual([...sites].sort(compareSitesByCount).map((s) => s.id), ['a', 'b', 'c', 'd']);
});

test('sites to fix: your code first, blocked-at before created-at, then by count', () => {
  const sites = [site('big-dep', 100, 'created', false), site('dep-blocked', 1, 'blocked', false), site('mine', 2, 'created', true), site('mine-blocked', 1, 'blocked', true)];
  assert.deepEqual([...sites].sort(compareSitesToFix).map((s) => s.id), ['mine-blocked', 'mine', 'dep-blocked', 'big-dep']);
});
