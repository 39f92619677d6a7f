// OpenTelemetry outlet: observable instruments on a Meter (the global MeterProvider's by default),
// all observed in one batch callback from one reading, so whatever exporter the app configured
// (OTLP, Prometheus, ...) ships them. Counter names leave out _total: exporters to Prometheus add it.
import { LeakMetricsView, METRIC_KEYS } from './collect';
import { METRICS, type MetricKey } from './families';
import type { LeakReadings } from './leak-readings';

/** The parts of @opentelemetry/api used here (so the types need no import of it). */
export interface OtelMeter {
  createObservableGauge(name: string, options?: { description?: string; unit?: string }): object;
  createObservableCounter(name: string, options?: { description?: string; unit?: string }): object;
  addBatchObservableCallback(callback: (observer: OtelBatchObserver) => void, observables: object[]): void;
  removeBatchObservableCallback(callback: (observer: OtelBatchObserver) => void, observables: object[]): void;
}

export interface OtelBatchObserver {
  observe(observable: object, value: number, attributes?: Record<string, string>): void;
}

export function otelName(key: MetricKey): string {
  const { name, type } = METRICS[key];
  return type === 'counter' ? name.replace(/_total$/, '') : name;
}

export function registerOtelInstruments(meter: OtelMeter, readings: LeakReadings, topSites: number): { unregister(): void } {
  const view = new LeakMetricsView(readings, topSites);
  const instruments = new Map<MetricKey, object>();
  for (const key of METRIC_KEYS) {
    const { help, unit, type } = METRICS[key];
    const options = { description: help, unit };
    instruments.set(
      key,
      type === 'counter' ? meter.createObservableCounter(otelName(key), options) : meter.createObservableGauge(otelName(key), options),
    );
  }
  const callback = (observer: OtelBatchObserver): void => {
    try {
      const collected = view.collect();
      for (const key of METRIC_KEYS) {
        const instrument = instruments.get(key)!;
        for (const sample of collected[key]) observer.observe(instrument, sample.value, { ...sample.labels });
      }
    } catch {
      // Nothing observed rather than an error in the exporter.
    }
  };
  const observables = [...instruments.values()];
  meter.addBatchObservableCallback(callback, observables);
  return { unregister: () => meter.removeBatchObservableCallback(callback, observables) };
}
