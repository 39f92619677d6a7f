// async-leak-lens/metrics in a real service: the prom-client registry, the standalone endpoint
// and OpenTelemetry (in-memory export through @opentelemetry/sdk-metrics) give the same metrics;
// the leaking line shows up, and is judged growing; sites beyond the top K stay out and the
// chosen ones stay the same between scrapes; after a detach the metrics say so without failing;
// abandoned tasks (abandoned-fanout) count up at their await.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { driveLoad, findMarker, getJson, repoRoot, startScript, type RunningFixture } from '../support/fixtures';
import { freePort, getText, makeInstalledApp, METRICS_PEERS, parsePromText, type PromSample } from '../support/preload';

const LEAK_LINE = String(
  readFileSync(join(repoRoot(), 'test', 'fixtures', 'production', 'metrics-app.js'), 'utf8')
    .split('\n')
    .findIndex((l) => l.includes('@leak created steady')) + 1,
);
const SITE_METRICS = [
  'nodejs_async_site_pending_resources',
  'nodejs_async_site_abandoned_tasks_total',
  'nodejs_async_site_growth_per_second',
];

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
        // Every one of the sites /sites makes gets a stack (the default samples a burst), also on a
        // busy machine (the capture budget is a share of the CPU time the app gets).
        ASYNC_LEAK_LENS_STACK_CAPTURES_PER_SECOND: '2000',
        ASYNC_LEAK_LENS_CPU_SHARE: '0.5',
        ASYNC_LEAK_LENS_GROWTH_WINDOW_SECONDS: '6',
        ASYNC_LEAK_LENS_GROWTH_INTERVAL_SECONDS: '0.25',
        ASYNC_LEAK_LENS_GROWTH_WARMUP_SECONDS: '0',
        LEAK_PER_SECOND: '20',
      },
    });
  });
  const others: RunningFixture[] = [];
  after(() => Promise.all([target?.stop(), ...others.map((t) => t.stop())]));

  test('the three outlets give the same metrics, with the leaking line', async () => {
    // The app has just started: wait (bounded) until its leak is among the top sites.
    const deadline = Date.now() + 10_000;
    while (
      Date.now() < deadline &&
      !parsePromText(await getText(endpoint)).some((s) => s.name === 'nodejs_async_site_pending_resources' && isLeak(s))
    ) {
      await new Promise((r) => setTimeout(r, 200));
    }
    type OtelMetric = { name: string; unit: string; points: { attributes: Record<string, string>; value: number }[] };
    const namesWithSamples = (text: string) => [...new Set(parsePromText(text).map((s) => s.name.replace(/_total$/, '')))].sort();
    let prom = '';
    let standalone = '';
    let otel: OtelMetric[] = [];
    // Each outlet reads at its own moment: a small blocked site (shown with its abandoned counter)
    // may come and go in between, so read again (a few times at most) until they saw the same sites.
    for (let attempt = 0; attempt < 5; attempt++) {
      prom = await getText(appUrl('/prom'));
      standalone = await getText(endpoint);
      otel = await getJson(target.port, '/otel');
      if (JSON.stringify(otel.map((m) => m.name).sort()) === JSON.stringify(namesWithSamples(prom))) break;
    }
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
    assert.deepEqual(otel.map((m) => m.name).sort(), namesWithSamples(prom));
    assert.equal(otel.find((m) => m.name === 'nodejs_async_site_pending_resources')?.unit, '{resource}');

    for (const [outlet, samples] of [
      ['prom-client', parsePromText(prom)],
      ['endpoint', parsePromText(standalone)],
    ] as const) {
      assert.equal(samples.find((s) => s.name === 'nodejs_async_tracking_active')?.value, 1, outlet);
      assert.ok((samples.find((s) => s.name === 'nodejs_async_pending_resources' && s.labels.type === 'PROMISE')?.value ?? 0) > 0, outlet);
      const leak = samples.find((s) => s.name === 'nodejs_async_site_pending_resources' && isLeak(s));
      assert.ok(leak && leak.value > 0, `${outlet}: leak site ${LEAK_LINE} missing`);
      assert.deepEqual(leak.labels, { kind: 'created', type: 'PROMISE', file: 'metrics-app.js', line: LEAK_LINE, function: 'leakOne' });
    }
    const otelLeak = otel
      .find((m) => m.name === 'nodejs_async_site_pending_resources')
      ?.points.find((p) => p.attributes.line === LEAK_LINE && p.attributes.file === 'metrics-app.js');
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
    // 2K sites of 100, 93 ... 37 pending, well above the app's own timers and sockets (a few
    // each, some now and then at 0: a shown one would then make room for another). Then 60 of 1.
    for (let i = 0; i < 10; i++) await getText(appUrl(`/sites?n=1&each=${100 - 7 * i}`));
    await getText(appUrl('/sites?n=60'));
    const isLargest = (s: PromSample) => s.labels.file.startsWith('generated-site-') && s.value >= 90; // 100, estimated
    const sets: string[][] = [];
    for (let i = 0; i < 3; i++) {
      const samples = parsePromText(await getText(endpoint));
      const sites = samples.filter((s) => s.name === 'nodejs_async_site_pending_resources');
      assert.ok(sites.length <= 5, `${sites.length} site series`);
      assert.ok(sites.some(isLargest), 'the largest site is shown');
      sets.push(sites.map((s) => JSON.stringify(s.labels)).sort());
      for (const name of SITE_METRICS) assert.ok(samples.filter((s) => s.name === name).length <= 5, name);
      await new Promise((r) => setTimeout(r, 300));
    }
    assert.deepEqual(sets[1], sets[0]);
    assert.deepEqual(sets[2], sets[0]);
    const tracked = parsePromText(await getText(endpoint)).find((s) => s.name === 'nodejs_async_tracked_sites');
    assert.ok(tracked && tracked.value >= 70, 'all sites are known, only K are exported');
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

  test('tasks the GC collected while suspended count up at their await', async () => {
    const app = makeInstalledApp('abandoned-fanout');
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}/metrics`;
    const marker = findMarker('abandoned-fanout');
    // Only the GC finds abandoned tasks, and a full one may not come for minutes in a small
    // program: this one runs a full GC every 200 ms (no inspector needed).
    writeFileSync(join(app, 'gc-often.js'), 'setInterval(() => globalThis.gc(), 200).unref();\n');
    const fanout = await startScript(join(app, 'server.js'), {
      inspect: false,
      cwd: app,
      execArgv: ['--expose-gc', '-r', './gc-often.js', '-r', 'async-leak-lens/register'],
      env: {
        ASYNC_LEAK_LENS_METRICS: `127.0.0.1:${port}`,
        ASYNC_LEAK_LENS_STACK_CAPTURES_PER_SECOND: '2000',
        ASYNC_LEAK_LENS_CPU_SHARE: '0.5',
      },
    });
    others.push(fanout);
    const atMarker = (s: PromSample) =>
      s.name === 'nodejs_async_site_abandoned_tasks_total' && s.labels.file === 'server.js' && s.labels.line === String(marker.line);
    let abandoned: PromSample | undefined;
    let requests = 0;
    // Bounded: at most 20 rounds of 50 requests, until a GC has collected some losers.
    for (let round = 0; round < 20 && !(abandoned && abandoned.value > 0); round++) {
      const load = await driveLoad(fanout.port, { requests: 50, concurrency: 5, timeoutMs: 5000 });
      assert.equal(load.failed + load.timedOut, 0, `load failed: ${JSON.stringify(load)}`);
      requests += 50;
      await new Promise((r) => setTimeout(r, 300));
      abandoned = parsePromText(await getText(endpoint)).find(atMarker);
    }
    assert.ok(abandoned && abandoned.value > 0, `no abandoned count at server.js:${marker.line} after ${requests} requests`);
    assert.deepEqual(abandoned.labels, {
      kind: 'blocked',
      type: 'PROMISE',
      file: 'server.js',
      line: String(marker.line),
      function: 'queryMirror',
    });
    // Load has stopped: a few more GCs collect every loser. Two per request, estimated from
    // samples (exact while every await is sampled): the order of magnitude is what matters.
    await new Promise((r) => setTimeout(r, 600));
    const samples = parsePromText(await getText(endpoint));
    const total = samples.find(atMarker)?.value ?? 0;
    assert.ok(total >= requests && total <= 3 * requests, `${total} abandoned after ${requests} requests (2 per request)`);
    const elsewhere = samples.filter((s) => s.name === 'nodejs_async_site_abandoned_tasks_total' && s.value > 0 && !atMarker(s));
    assert.deepEqual(elsewhere, [], 'no other site has abandoned tasks');
  });
});
