// async-leak-lens/metrics in a real service: the prom-client registry, the standalone endpoint
// and OpenTelemetry (in-memory export through @opentelemetry/sdk-metrics) give the same metrics;
// the leaking line shows up, and is judged growing; sites beyond the top K stay out and the
// chosen ones stay the same between scrapes; after a detach the metrics say so without failing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getJson, repoRoot, startScript, type RunningFixture } from '../support/fixtures';
import { freePort, getText, makeInstalledApp, METRICS_PEERS, parsePromText, type PromSample } from '../support/preload';

const LEAK_LINE = String(
  readFileSync(join(repoRoot(), 'test', 'fixtures', 'production', 'metrics-app.js'), 'utf8')
    .split('\n')
    .findIndex((l) => l.includes('@leak created steady')) + 1,
);
const SITE_METRICS = ['nodejs_async_site_pending_resources', 'nodejs_async_site_abandoned_tasks_total', 'nodejs_async_site_growth_per_second'];

describe('async-leak-lens/metrics', () => {
  let target: RunningFixture;
  let endpoint: string;
  const appUrl = (path: string) => `http://127.0.0.1:${target.port}${path}`;
  const isLeak = (s: PromSample) => s.labels.file === 'metrics-app.js' && s.labels.line === LEAK_LINE;

  before(async () => {
    const app = makeInstalledApp('production', METRICS_PEERS);
    const port = await freePort();
    endpoint = `http://127.0.0.1:${port}/metrics`;
    target = await startScript(join(app, 'metrics-app.js'), {
      inspect: false,
      cwd: app,
      execArgv: ['-r', 'async-leak-lens/register'],
      env: {
        ASYNC_LEAK_LENS_METRICS: `127.0.0.1:${port}`,
        ASYNC_LEAK_LENS_TOP_SITES: '5',
        // Every one of the 60 sites /sites makes gets a stack (the default samples a burst).
        ASYNC_LEAK_LENS_STACK_CAPTURES_PER_SECOND: '2000',
        ASYNC_LEAK_LENS_GROWTH_WINDOW_SECONDS: '6',
        ASYNC_LEAK_LENS_GROWTH_INTERVAL_SECONDS: '0.25',
        ASYNC_LEAK_LENS_GROWTH_WARMUP_SECONDS: '0',
        LEAK_PER_SECOND: '20',
      },
    });
  });
  after(() => target?.stop());

  test('the three outlets give the same metrics, with the leaking line', async () => {
    const prom = await getText(appUrl('/prom'));
    const standalone = await getText(endpoint);
    const otel: { name: string; unit: string; points: { attributes: Record<string, string>; value: number }[] }[] = await getJson(target.port, '/otel');
    const typesOf = (text: string) => [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => `${m[1]} ${m[2]}`).sort();
    assert.deepEqual(typesOf(prom), typesOf(standalone));
    assert.deepEqual(typesOf(prom), [
      'nodejs_async_growing_sites gauge',
      'nodejs_async_pending_resources gauge',
      'nodejs_async_site_abandoned_tasks_total counter',
      'nodejs_async_site_growth_per_second gauge',
      'nodejs_async_site_pending_resources gauge',
      'nodejs_async_tracked_sites gauge',
      'nodejs_async_tracking_active gauge',
    ]);
    // OpenTelemetry exports what has data points, under the same names (a counter's _total is the exporter's to add).
    const withSamples = [...new Set(parsePromText(prom).map((s) => s.name.replace(/_total$/, '')))].sort();
    assert.deepEqual(otel.map((m) => m.name).sort(), withSamples);
    assert.equal(otel.find((m) => m.name === 'nodejs_async_site_pending_resources')?.unit, '{resource}');

    for (const [outlet, samples] of [['prom-client', parsePromText(prom)], ['endpoint', parsePromText(standalone)]] as const) {
      assert.equal(samples.find((s) => s.name === 'nodejs_async_tracking_active')?.value, 1, outlet);
      assert.ok((samples.find((s) => s.name === 'nodejs_async_pending_resources' && s.labels.type === 'PROMISE')?.value ?? 0) > 0, outlet);
      const leak = samples.find((s) => s.name === 'nodejs_async_site_pending_resources' && isLeak(s));
      assert.ok(leak && leak.value > 0, `${outlet}: leak site ${LEAK_LINE} missing`);
      assert.deepEqual(leak.labels, { kind: 'created', type: 'PROMISE', file: 'metrics-app.js', line: LEAK_LINE, function: 'leakOne' });
    }
    const otelLeak = otel.find((m) => m.name === 'nodejs_async_site_pending_resources')?.points.find((p) => p.attributes.line === LEAK_LINE && p.attributes.file === 'metrics-app.js');
    assert.ok(otelLeak && otelLeak.value > 0, 'OpenTelemetry: leak site missing');
  });

  test('the leaking line is judged growing, with a rate, in every outlet', async () => {
    const deadline = Date.now() + 20_000;
    let growth: PromSample | undefined;
    while (!growth && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      growth = parsePromText(await getText(endpoint)).find((s) => s.name === 'nodejs_async_site_growth_per_second' && isLeak(s));
    }
    assert.ok(growth, 'the leak was not judged growing within 20 s');
    // 20 per second, estimated from samples: the order of magnitude is what matters.
    assert.ok(growth.value > 4 && growth.value < 100, `rate ${growth.value}/s`);
    const prom = parsePromText(await getText(appUrl('/prom')));
    assert.ok((prom.find((s) => s.name === 'nodejs_async_growing_sites')?.value ?? 0) >= 1);
    assert.ok(prom.some((s) => s.name === 'nodejs_async_site_growth_per_second' && isLeak(s)));
    const otel: { name: string; points: { attributes: Record<string, string> }[] }[] = await getJson(target.port, '/otel');
    assert.ok(otel.find((m) => m.name === 'nodejs_async_site_growth_per_second')?.points.some((p) => p.attributes.line === LEAK_LINE));
  });

  test('sites: top K only, the same ones from scrape to scrape', async () => {
    await getText(appUrl('/sites?n=60'));
    const sets: string[][] = [];
    for (let i = 0; i < 3; i++) {
      const samples = parsePromText(await getText(endpoint));
      const sites = samples.filter((s) => s.name === 'nodejs_async_site_pending_resources');
      assert.ok(sites.length <= 5, `${sites.length} site series`);
      assert.ok(sites.some(isLeak), 'the largest site is shown');
      sets.push(sites.map((s) => JSON.stringify(s.labels)).sort());
      for (const name of SITE_METRICS) assert.ok(samples.filter((s) => s.name === name).length <= 5, name);
      await new Promise((r) => setTimeout(r, 300));
    }
    assert.deepEqual(sets[1], sets[0]);
    assert.deepEqual(sets[2], sets[0]);
    const tracked = parsePromText(await getText(endpoint)).find((s) => s.name === 'nodejs_async_tracked_sites');
    assert.ok(tracked && tracked.value >= 60, 'all sites are known, only K are exported');
  });

  test('after a detach every outlet answers, with tracking_active 0', async () => {
    assert.equal(await getText(appUrl('/detach')), 'true\n');
    for (const text of [await getText(endpoint), await getText(appUrl('/prom'))]) {
      const samples = parsePromText(text);
      assert.deepEqual(samples, [{ name: 'nodejs_async_tracking_active', labels: {}, value: 0 }]);
    }
    const otel: { name: string; points: { value: number }[] }[] = await getJson(target.port, '/otel');
    assert.equal(otel.find((m) => m.name === 'nodejs_async_tracking_active')?.points[0]?.value, 0);
    assert.equal(await getText(appUrl('/')), 'ok\n');
  });
});
