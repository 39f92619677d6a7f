// async-leak-lens/metrics: the agent's counts as metrics, through the monitoring the app already
// has. One implementation (leak-readings.ts, collect.ts), three outlets:
//
//   registerLeakMetrics(register)        prom-client: adds the metrics to the app's registry
//   startMetricsEndpoint({ port })       a standalone Prometheus endpoint (register starts it from
//                                        ASYNC_LEAK_LENS_METRICS)
//   registerLeakInstruments()            OpenTelemetry: observable instruments on the global
//                                        MeterProvider (or the meter given)
//
// The numbers come from the agent of this thread (preloaded with async-leak-lens/register, or
// installed by the CLI or the editor); without one, only nodejs_async_tracking_active (0) is there.
import type { Server } from 'node:http';
import { isLoopbackHost, readMetricsEnv, type MetricsSettings } from '../register/settings';
import { warnSettingsOnce } from '../register/warn';
import { LeakMetricsView } from './collect';
import { startEndpoint } from './endpoint';
import { sharedReadings } from './leak-readings';
import { registerOtelInstruments, type OtelMeter } from './opentelemetry';
import { registerPromClientMetrics, type PromRegistry } from './prom-client';
import { toPrometheusText } from './prometheus-text';

export { METRICS } from './families';
export { PROMETHEUS_CONTENT_TYPE } from './prometheus-text';

declare const require: (id: string) => any;

export interface LeakMetricsOptions {
  /** Sites with their own series (default 20, or ASYNC_LEAK_LENS_TOP_SITES). */
  topSites?: number;
}

export interface PromClientOptions extends LeakMetricsOptions {
  /** Put before every metric name (like prom-client's collectDefaultMetrics prefix). */
  prefix?: string;
}

export interface OpenTelemetryOptions extends LeakMetricsOptions {
  /** The meter to create the instruments on; default: the global MeterProvider's "async-leak-lens" meter. */
  meter?: OtelMeter;
  /** A MeterProvider to take the meter from instead of the global one. */
  meterProvider?: { getMeter(name: string, version?: string): OtelMeter };
}

export interface EndpointOptions extends LeakMetricsOptions, Partial<MetricsSettings> {
  /** Default 127.0.0.1. Must be loopback unless allowRemote. */
  host?: string;
  /** Default 9464; 0 picks a free port (see server.address()). */
  port?: number;
  allowRemote?: boolean;
}

function settings(options: Partial<MetricsSettings> = {}): MetricsSettings {
  const { metrics, warnings } = readMetricsEnv(process.env);
  warnSettingsOnce(warnings);
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  return { ...metrics, ...given };
}

/** Adds the leak metrics to a prom-client registry (default: prom-client's global `register`). */
export function registerLeakMetrics(register?: PromRegistry, options: PromClientOptions = {}): { names: string[]; unregister(): void } {
  const s = settings(options);
  const registry = register ?? loadPeer('prom-client', 'registerLeakMetrics()').register;
  return registerPromClientMetrics(registry, sharedReadings(s), { topSites: s.topSites, prefix: options.prefix ?? '' });
}

/** Adds the leak metrics as observable instruments to OpenTelemetry. */
export function registerLeakInstruments(options: OpenTelemetryOptions = {}): { unregister(): void } {
  const s = settings(options);
  const meter =
    options.meter ??
    (options.meterProvider ?? loadPeer('@opentelemetry/api', 'registerLeakInstruments()').metrics).getMeter(
      'async-leak-lens',
      PACKAGE_VERSION,
    );
  return registerOtelInstruments(meter, sharedReadings(s), s.topSites);
}

/** Serves the metrics in Prometheus text format on GET /metrics (loopback unless allowRemote). */
export function startMetricsEndpoint(options: EndpointOptions = {}): Server {
  const host = options.host ?? '127.0.0.1';
  if (!options.allowRemote && !isLoopbackHost(host))
    throw new Error(`async-leak-lens: ${host} is not a loopback address; pass allowRemote: true to listen there.`);
  const s = settings(options);
  return startEndpoint(sharedReadings(s), { host, port: options.port ?? 9464, topSites: s.topSites });
}

/** The metrics in Prometheus text format, for an app that serves them itself. */
export function leakMetricsText(options: LeakMetricsOptions = {}): string {
  const s = settings(options);
  textView ??= new LeakMetricsView(sharedReadings(s), s.topSites);
  return toPrometheusText(textView.collect());
}

let textView: LeakMetricsView | undefined;

function loadPeer(name: string, caller: string): any {
  try {
    return require(name);
  } catch {
    throw new Error(`async-leak-lens: ${caller} needs ${name} (npm install ${name}), or pass what it should use.`);
  }
}
