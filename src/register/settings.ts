// Settings of a preloaded agent and of the metrics, read from environment variables. Pure: no I/O.
// A value that does not parse gives one warning (returned, the caller prints it) and the default:
// a typo in a deployment must never stop the app. docs/production.md has the table.
import type { AgentConfig } from '../agent/protocol';

export type Profile = 'dev' | 'production';

/** What the production profile changes against the dev profile an editor uses. */
export const PROFILES: Record<Profile, Omit<AgentConfig, 'version'>> = {
  // Few stack captures and a small CPU share: counts stay exact for promises (created minus
  // settled), sites come from random samples weighted by their probability.
  production: {
    profile: 'production',
    stackDepth: 8,
    nodeModulesAsSites: false,
    stackCapturesPerSecond: 20,
    maxCaptureShare: 0.005,
    maxTrackedResources: 10_000,
    maxSites: 2_000,
    examplesPerSite: 1,
  },
  dev: {
    profile: 'dev',
    stackDepth: 12,
    nodeModulesAsSites: false,
    stackCapturesPerSecond: 1000,
    maxCaptureShare: 0.02,
    maxTrackedResources: 200_000,
    maxSites: 20_000,
    examplesPerSite: 5,
  },
};

export interface Address {
  host: string;
  port: number;
}

export interface MetricsSettings {
  /** Sites exported with their own series (largest pending first, kept stable across scrapes). */
  topSites: number;
  /** Growth test over this span, judged every intervalMs after warmupMs. */
  growthWindowMs: number;
  growthIntervalMs: number;
  growthWarmupMs: number;
}

export interface Settings {
  enabled: boolean;
  config: AgentConfig;
  /** Standalone Prometheus endpoint; undefined: no listener. */
  endpoint?: Address;
  metrics: MetricsSettings;
}

export const DEFAULT_METRICS: MetricsSettings = {
  topSites: 20,
  growthWindowMs: 300_000,
  growthIntervalMs: 10_000,
  growthWarmupMs: 60_000,
};

const PREFIX = 'ASYNC_LEAK_LENS';

type Env = Readonly<Record<string, string | undefined>>;

export function readSettings(env: Env): { settings: Settings; warnings: string[] } {
  const warnings: string[] = [];
  const read = new Reader(env, warnings);
  const enabled = read.switch(PREFIX, true);
  const profile = read.choice(`${PREFIX}_PROFILE`, ['production', 'dev'] as const, 'production');
  const base = PROFILES[profile];
  const config: AgentConfig = {
    ...base,
    // The package's version (a build-time constant, as for the injected agent): a newer client's agent replaces this one.
    version: PACKAGE_VERSION,
    stackCapturesPerSecond: read.number(`${PREFIX}_STACK_CAPTURES_PER_SECOND`, base.stackCapturesPerSecond, 1, 100_000, true),
    maxCaptureShare: read.number(`${PREFIX}_CPU_SHARE`, base.maxCaptureShare ?? 0.02, 0.0001, 0.5, false),
    stackDepth: read.number(`${PREFIX}_STACK_DEPTH`, base.stackDepth, 1, 100, true),
    maxTrackedResources: read.number(`${PREFIX}_MAX_TRACKED`, base.maxTrackedResources, 100, 10_000_000, true),
    maxSites: read.number(`${PREFIX}_MAX_SITES`, base.maxSites, 10, 1_000_000, true),
    nodeModulesAsSites: read.switch(`${PREFIX}_NODE_MODULES_AS_SITES`, base.nodeModulesAsSites),
  };
  const metrics = readMetricsSettings(read);
  const allowRemote = read.switch(`${PREFIX}_METRICS_ALLOW_REMOTE`, false);
  const endpoint = read.address(`${PREFIX}_METRICS`, allowRemote);
  return { settings: { enabled, config, metrics, ...(endpoint ? { endpoint } : {}) }, warnings };
}

/** The metrics settings alone (what `async-leak-lens/metrics` uses when the app gives none). */
export function readMetricsEnv(env: Env): { metrics: MetricsSettings; warnings: string[] } {
  const warnings: string[] = [];
  return { metrics: readMetricsSettings(new Reader(env, warnings)), warnings };
}

function readMetricsSettings(read: Reader): MetricsSettings {
  const d = DEFAULT_METRICS;
  return {
    topSites: read.number(`${PREFIX}_TOP_SITES`, d.topSites, 1, 1000, true),
    growthWindowMs: 1000 * read.number(`${PREFIX}_GROWTH_WINDOW_SECONDS`, d.growthWindowMs / 1000, 1, 7 * 86_400, false),
    growthIntervalMs: 1000 * read.number(`${PREFIX}_GROWTH_INTERVAL_SECONDS`, d.growthIntervalMs / 1000, 0.1, 3600, false),
    growthWarmupMs: 1000 * read.number(`${PREFIX}_GROWTH_WARMUP_SECONDS`, d.growthWarmupMs / 1000, 0, 7 * 86_400, false),
  };
}

/** Loopback host names and addresses (a listener there is reachable from this machine only). */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** "host:port", "[v6]:port" or "port" (127.0.0.1); undefined when it does not parse. */
export function parseAddress(text: string): Address | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(text) ?? /^()()(\d{1,5})$/.exec(text);
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port > 65535) return undefined;
  return { host: match[1] || match[2] || '127.0.0.1', port };
}

class Reader {
  constructor(
    private readonly env: Env,
    private readonly warnings: string[],
  ) {}

  switch(name: string, fallback: boolean): boolean {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    const value = raw.toLowerCase();
    if (['1', 'true', 'on', 'yes'].includes(value)) return true;
    if (['0', 'false', 'off', 'no'].includes(value)) return false;
    return this.invalid(name, raw, 'on/off (1, true, on, yes / 0, false, off, no)', fallback);
  }

  choice<T extends string>(name: string, choices: readonly T[], fallback: T): T {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    const value = raw.toLowerCase() as T;
    return choices.includes(value) ? value : this.invalid(name, raw, `one of ${choices.join(', ')}`, fallback);
  }

  number(name: string, fallback: number, min: number, max: number, whole: boolean): number {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (Number.isFinite(value) && value >= min && value <= max && (!whole || Number.isInteger(value))) return value;
    return this.invalid(name, raw, `${whole ? 'a whole number' : 'a number'} from ${min} to ${max}`, fallback);
  }

  address(name: string, allowRemote: boolean): Address | undefined {
    const raw = this.raw(name);
    if (raw === undefined) return undefined;
    const address = parseAddress(raw);
    if (!address) return this.invalid(name, raw, 'host:port (such as 127.0.0.1:9464)', undefined, 'no metrics endpoint');
    if (!allowRemote && !isLoopbackHost(address.host)) {
      this.warnings.push(
        `${name}=${show(raw)} is not a loopback address: no metrics endpoint. Set ${PREFIX}_METRICS_ALLOW_REMOTE=1 to listen there (anyone who reaches it reads file names and lines of the app).`,
      );
      return undefined;
    }
    return address;
  }

  private raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  private invalid<T>(name: string, raw: string, expected: string, fallback: T, fallbackText = `using ${String(fallback)}`): T {
    this.warnings.push(`${name}=${show(raw)} is not ${expected}: ${fallbackText}.`);
    return fallback;
  }
}

/** A value from the environment, printable: quoted, control characters escaped, cut short. */
function show(raw: string): string {
  return JSON.stringify(raw.length > 80 ? `${raw.slice(0, 80)}…` : raw);
}
