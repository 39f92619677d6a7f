// Against the real thing: Prometheus scrapes the three workers of a node:cluster service (one of
// them leaks) through the standalone endpoint of async-leak-lens/register, and through the
// OpenTelemetry Prometheus exporter fed by registerLeakInstruments; PromQL finds the growing site
// on the leaking instance only, and the shipped alert rule (with its 15 minutes shortened) fires
// for it alone.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, startScript, type RunningFixture } from '../support/fixtures';
import { freePortRange, makeInstalledApp, METRICS_PEERS } from '../support/preload';
import { PrometheusServer } from '../support/prometheus-server';
import { skipWithout } from '../support/prometheus-tools';

const LEAK_LINE = String(
  readFileSync(join(repoRoot(), 'test', 'fixtures', 'production', 'metrics-app.js'), 'utf8')
    .split('\n')
    .findIndex((l) => l.includes('@leak created steady')) + 1,
);
const skip = skipWithout('prometheus');

describe('Prometheus scraping a node:cluster service', { skip }, () => {
  let service: RunningFixture;
  let prometheus: PrometheusServer;
  let lensBase: number;
  let otelBase: number;
  const instance = (base: number, worker: number) => `127.0.0.1:${base + worker}`;

  before(async () => {
    const app = makeInstalledApp('production', METRICS_PEERS);
    // The primary's endpoint takes lensBase, worker n's lensBase + n; the OpenTelemetry exporters
    // otelBase + n; Prometheus lensBase + 8.
    lensBase = await freePortRange(9);
    otelBase = lensBase + 4;
    // The shipped rules with their minutes turned into seconds, in proportion to the growth window
    // (6 s here, 5 min by default): a one-off step (connections opening) leaves the window and the
    // look-back before the alert could fire; only a steady rise fires it.
    const rules = readFileSync(join(repoRoot(), 'prometheus', 'async-leak-lens.rules.yml'), 'utf8')
      .replace(/for: 15m/g, 'for: 20s')
      .replace(/\[5m\]/g, '[6s]')
      .replace(/\[10m\]/g, '[12s]');
    // Prometheus first: it scrapes each worker from the moment it listens, so connections ramping
    // up fall within the growth warm-up, as they do in production.
    prometheus = await PrometheusServer.start(
      [
        { job: 'lens', targets: [1, 2, 3].map((w) => instance(lensBase, w)) },
        { job: 'otel', targets: [1, 2, 3].map((w) => instance(otelBase, w)) },
      ],
      rules,
      lensBase + 8,
    );
    service = await startScript(join(app, 'cluster.js'), {
      inspect: false,
      cwd: app,
      timeoutMs: 30_000,
      env: {
        NODE_OPTIONS: '-r async-leak-lens/register',
        ASYNC_LEAK_LENS_METRICS: `127.0.0.1:${lensBase}`,
        ASYNC_LEAK_LENS_GROWTH_WINDOW_SECONDS: '6',
        ASYNC_LEAK_LENS_GROWTH_INTERVAL_SECONDS: '0.25',
        ASYNC_LEAK_LENS_GROWTH_WARMUP_SECONDS: '3',
        OTEL_BASE_PORT: String(otelBase),
        LEAK_PER_SECOND: '20',
      },
    });
  });
  after(async () => {
    await prometheus?.stop();
    await service?.stop();
  });

  test('every worker is scraped through both outlets', async () => {
    const up = await prometheus.waitFor('up == 1', (r) => r.length === 6, 20_000);
    assert.equal(up.length, 6, JSON.stringify(up));
    const active = await prometheus.query('nodejs_async_tracking_active');
    assert.equal(active.length, 6, 'endpoint and OpenTelemetry exporter of 3 workers');
  });

  test('PromQL finds the growing site on the leaking instance only; the alert fires for it alone', async () => {
    const leaky = instance(lensBase, 2);
    const growing = await prometheus.waitFor(
      `nodejs_async_site_growth_per_second{job="lens"}`,
      (r) => r.some((s) => s.metric.instance === leaky && s.metric.line === LEAK_LINE),
      30_000,
    );
    const leakSeries = growing.find((s) => s.metric.instance === leaky && s.metric.line === LEAK_LINE);
    assert.ok(leakSeries, `no growing site on ${leaky}: ${JSON.stringify(growing)}\n${prometheus.log}`);
    assert.deepEqual(
      { file: leakSeries.metric.file, kind: leakSeries.metric.kind, type: leakSeries.metric.type, function: leakSeries.metric.function },
      { file: 'metrics-app.js', kind: 'created', type: 'PROMISE', function: 'leakOne' },
    );

    // The alert fires for the leaking line on the leaking worker (through either outlet), never for
    // that line elsewhere.
    const leakyInstances = new Set([leaky, instance(otelBase, 2)]);
    const firingHere = (r: { metric: Record<string, string> }[]) =>
      r.some((a) => leakyInstances.has(a.metric.instance) && a.metric.line === LEAK_LINE);
    const alerts = await prometheus.waitFor('ALERTS{alertname="AsyncLeakSiteGrowing",alertstate="firing"}', firingHere, 60_000);
    assert.ok(firingHere(alerts), `the alert did not fire for ${leaky}: ${JSON.stringify(alerts)}`);
    for (const alert of alerts.filter((a) => a.metric.file === 'metrics-app.js'))
      assert.ok(leakyInstances.has(alert.metric.instance), `alert on a healthy instance: ${JSON.stringify(alert.metric)}`);

    // Over everything scraped so far, the leaking line was never judged growing on a healthy worker.
    const healthy = `instance!~".*:(${lensBase + 2}|${otelBase + 2})"`;
    assert.deepEqual(await prometheus.query(`max_over_time(nodejs_async_site_growth_per_second{line="${LEAK_LINE}",${healthy}}[5m])`), []);
    assert.deepEqual(await prometheus.query(`max_over_time(ALERTS{alertstate="firing",file="metrics-app.js",${healthy}}[5m])`), []);
  });

  test('the OpenTelemetry Prometheus exporter carries the same site, on the leaking worker', async () => {
    const leakyOtel = instance(otelBase, 2);
    const pending = await prometheus.waitFor(
      `nodejs_async_site_pending_resources{job="otel",file="metrics-app.js",line="${LEAK_LINE}"}`,
      (r) => r.length > 0,
      20_000,
    );
    assert.deepEqual(
      pending.map((s) => s.metric.instance),
      [leakyOtel],
    );
    assert.ok(Number(pending[0].value[1]) > 0);
    const growth = await prometheus.waitFor(
      `nodejs_async_site_growth_per_second{job="otel",line="${LEAK_LINE}"}`,
      (r) => r.length > 0,
      20_000,
    );
    assert.deepEqual(
      growth.map((s) => s.metric.instance),
      [leakyOtel],
    );
  });
});
