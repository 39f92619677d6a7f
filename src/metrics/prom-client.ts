// prom-client outlet: registerLeakMetrics(register) adds the metrics to the app's own registry, so
// they come out of the /metrics it already serves. The metrics are plain objects of the shape
// Registry.registerMetric takes (name, help, type, get, reset, aggregator): no prom-client class
// is needed, so any prom-client copy or version the app has works. One reading serves all of them
// within a scrape.
import { LeakMetricsView, METRIC_KEYS } from './collect';
import { METRICS, type Collected } from './families';
import type { LeakReadings } from './leak-readings';

/** What registerLeakMetrics needs of a prom-client Registry. */
export interface PromRegistry {
  registerMetric(metric: any): void;
  removeSingleMetric?(name: string): void;
}

/** Collections within this span share one reading (a scrape asks every metric in turn). */
const SHARED_READING_MS = 250;

export function registerPromClientMetrics(
  registry: PromRegistry,
  readings: LeakReadings,
  options: { topSites: number; prefix: string },
): { names: string[]; unregister(): void } {
  const view = new LeakMetricsView(readings, options.topSites);
  let cached: { at: number; collected: Collected } | undefined;
  const current = (): Collected => {
    const now = performance.now();
    if (!cached || now - cached.at > SHARED_READING_MS) cached = { at: now, collected: view.collect() };
    return cached.collected;
  };
  const names: string[] = [];
  for (const key of METRIC_KEYS) {
    const definition = METRICS[key];
    const name = options.prefix + definition.name;
    names.push(name);
    // get() answers the name the registry holds now: in OpenMetrics mode it drops a counter's _total.
    const metric = {
      name,
      help: definition.help,
      type: definition.type,
      labelNames: definition.labels,
      aggregator: 'sum',
      get: async () => {
        let values: { labels: Record<string, string>; value: number }[] = [];
        try {
          values = current()[key].map((s) => ({ labels: { ...s.labels }, value: s.value }));
        } catch {
          // An empty metric rather than a failed scrape.
        }
        return { name: metric.name, help: definition.help, type: definition.type, values, aggregator: 'sum' };
      },
      reset: () => {
        cached = undefined;
      },
    };
    registry.registerMetric(metric);
  }
  return {
    names,
    unregister() {
      for (const name of names) registry.removeSingleMetric?.(name);
    },
  };
}
