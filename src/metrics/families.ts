// The metrics, named after prom-client's `nodejs_` conventions (base unit in the name, counters
// end in _total). One definition serves the three outlets (prom-client, the standalone endpoint,
// OpenTelemetry), so their names, help and units cannot drift apart.

export type MetricType = 'gauge' | 'counter';

export interface MetricDefinition {
  name: string;
  type: MetricType;
  help: string;
  /** UCUM-style unit for OpenTelemetry ('{resource}' is a count of resources). */
  unit: string;
  labels: readonly string[];
}

export const SITE_LABELS = ['kind', 'type', 'file', 'line', 'function'] as const;

export const METRICS = {
  active: {
    name: 'nodejs_async_tracking_active',
    type: 'gauge',
    help: '1 while the async-leak-lens agent tracks this process, 0 when it is absent or was detached.',
    unit: '1',
    labels: [],
  },
  pending: {
    name: 'nodejs_async_pending_resources',
    type: 'gauge',
    help: 'Async resources pending now, by type (PROMISE, Timeout, TCPWRAP, ...); estimated from weighted samples when sampling.',
    unit: '{resource}',
    labels: ['type'],
  },
  trackedSites: {
    name: 'nodejs_async_tracked_sites',
    type: 'gauge',
    help: 'Distinct sites (source lines where async resources were created or tasks are blocked) the agent knows.',
    unit: '{site}',
    labels: [],
  },
  sitePending: {
    name: 'nodejs_async_site_pending_resources',
    type: 'gauge',
    help: 'Async resources pending now at one site, for the sites with most pending only (top K, labels stable across scrapes).',
    unit: '{resource}',
    labels: SITE_LABELS,
  },
  siteAbandoned: {
    name: 'nodejs_async_site_abandoned_tasks_total',
    type: 'counter',
    help: 'Tasks collected by the GC while still suspended at this site (they can never finish), since tracking started; top K sites.',
    unit: '{task}',
    labels: SITE_LABELS,
  },
  growingSites: {
    name: 'nodejs_async_growing_sites',
    type: 'gauge',
    help: 'Sites whose pending count is judged growing (its floor keeps rising over the growth window, the test of `watch`).',
    unit: '{site}',
    labels: [],
  },
  siteGrowth: {
    name: 'nodejs_async_site_growth_per_second',
    type: 'gauge',
    help: 'Growth rate of a site judged growing, in pending resources per second (robust slope of its floor); only growing sites have this series.',
    unit: '{resource}/s',
    labels: SITE_LABELS,
  },
} as const satisfies Record<string, MetricDefinition>;

export type MetricKey = keyof typeof METRICS;

export interface Sample {
  labels: Readonly<Record<string, string>>;
  value: number;
}

export type Collected = Record<MetricKey, Sample[]>;
