import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAddress, PROFILES, readSettings } from '../../src/register/settings';

test('no environment: production profile, no endpoint, no warning', () => {
  const { settings, warnings } = readSettings({});
  assert.equal(settings.enabled, true);
  assert.equal(settings.config.profile, 'production');
  assert.equal(settings.config.stackCapturesPerSecond, PROFILES.production.stackCapturesPerSecond);
  assert.equal(settings.endpoint, undefined);
  assert.deepEqual(warnings, []);
});

test('values parse, with their ranges; a bad one warns once and keeps the default', () => {
  const { settings, warnings } = readSettings({
    ASYNC_LEAK_LENS_PROFILE: 'DEV',
    ASYNC_LEAK_LENS_STACK_CAPTURES_PER_SECOND: '50',
    ASYNC_LEAK_LENS_MAX_SITES: '5',
    ASYNC_LEAK_LENS_CPU_SHARE: '0.01',
    ASYNC_LEAK_LENS_NODE_MODULES_AS_SITES: 'yes',
    ASYNC_LEAK_LENS_TOP_SITES: '2.5',
    ASYNC_LEAK_LENS_GROWTH_WINDOW_SECONDS: '60',
  });
  assert.equal(settings.config.profile, 'dev');
  assert.equal(settings.config.stackCapturesPerSecond, 50);
  assert.equal(settings.config.maxSites, PROFILES.dev.maxSites);
  assert.equal(settings.config.maxCaptureShare, 0.01);
  assert.equal(settings.config.nodeModulesAsSites, true);
  assert.equal(settings.metrics.topSites, 20);
  assert.equal(settings.metrics.growthWindowMs, 60_000);
  assert.deepEqual(warnings, [
    'ASYNC_LEAK_LENS_MAX_SITES="5" is not a whole number from 10 to 1000000: using 20000.',
    'ASYNC_LEAK_LENS_TOP_SITES="2.5" is not a whole number from 1 to 1000: using 20.',
  ]);
});

test('kill switch and on/off values', () => {
  for (const off of ['0', 'off', 'false', 'NO']) assert.equal(readSettings({ ASYNC_LEAK_LENS: off }).settings.enabled, false, off);
  const odd = readSettings({ ASYNC_LEAK_LENS: 'maybe' });
  assert.equal(odd.settings.enabled, true);
  assert.equal(odd.warnings.length, 1);
});

test('metrics address: loopback unless allowed; control characters escaped in the warning', () => {
  assert.deepEqual(readSettings({ ASYNC_LEAK_LENS_METRICS: '127.0.0.1:9464' }).settings.endpoint, { host: '127.0.0.1', port: 9464 });
  assert.deepEqual(readSettings({ ASYNC_LEAK_LENS_METRICS: '9464' }).settings.endpoint, { host: '127.0.0.1', port: 9464 });
  assert.deepEqual(readSettings({ ASYNC_LEAK_LENS_METRICS: '[::1]:9464' }).settings.endpoint, { host: '::1', port: 9464 });
  const remote = readSettings({ ASYNC_LEAK_LENS_METRICS: '0.0.0.0:9464' });
  assert.equal(remote.settings.endpoint, undefined);
  assert.match(remote.warnings[0], /not a loopback address/);
  assert.deepEqual(readSettings({ ASYNC_LEAK_LENS_METRICS: '0.0.0.0:9464', ASYNC_LEAK_LENS_METRICS_ALLOW_REMOTE: '1' }).settings.endpoint, {
    host: '0.0.0.0',
    port: 9464,
  });
  const bad = readSettings({ ASYNC_LEAK_LENS_METRICS: 'host:99999\u001b[2J' });
  assert.equal(bad.settings.endpoint, undefined);
  assert.ok(!bad.warnings[0].includes('\u001b'), bad.warnings[0]);
  assert.equal(parseAddress('localhost:70000'), undefined);
});

test('docs/production.md lists every environment variable with its production default', () => {
  const { readFileSync } = require('node:fs') as typeof import('node:fs');
  const { join } = require('node:path') as typeof import('node:path');
  const { repoRoot } = require('../support/fixtures') as typeof import('../support/fixtures');
  const source = readFileSync(join(repoRoot(), 'src', 'register', 'settings.ts'), 'utf8');
  const doc = readFileSync(join(repoRoot(), 'docs', 'production.md'), 'utf8');
  const names = ['ASYNC_LEAK_LENS', ...[...source.matchAll(/\$\{PREFIX\}_([A-Z_]+)/g)].map((m) => `ASYNC_LEAK_LENS_${m[1]}`)];
  assert.ok(names.length >= 14);
  for (const name of names) assert.match(doc, new RegExp(`^\\| \`${name}\` \\|`, 'm'), `${name} is not in the table`);
  const row = (name: string) => doc.split('\n').find((l) => l.startsWith(`| \`${name}\` |`)) ?? '';
  const p = PROFILES.production;
  assert.match(
    row('ASYNC_LEAK_LENS_STACK_CAPTURES_PER_SECOND'),
    new RegExp(`\\| ${p.stackCapturesPerSecond} \\(dev ${PROFILES.dev.stackCapturesPerSecond}\\) \\|`),
  );
  assert.match(
    row('ASYNC_LEAK_LENS_MAX_TRACKED'),
    new RegExp(`\\| ${p.maxTrackedResources} \\(dev ${PROFILES.dev.maxTrackedResources}\\) \\|`),
  );
  assert.match(row('ASYNC_LEAK_LENS_MAX_SITES'), new RegExp(`\\| ${p.maxSites} \\(dev ${PROFILES.dev.maxSites}\\) \\|`));
  assert.match(row('ASYNC_LEAK_LENS_CPU_SHARE'), new RegExp(`\\| ${p.maxCaptureShare} \\(dev ${PROFILES.dev.maxCaptureShare}\\) \\|`));
});
