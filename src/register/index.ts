// async-leak-lens/register: `node -r async-leak-lens/register app.js`, `node --import
// async-leak-lens/register app.mjs`, or either in NODE_OPTIONS. Starts the agent in this process
// before the app's code runs (no inspector port is opened), with the production profile unless
// ASYNC_LEAK_LENS_PROFILE says otherwise; the CLI or the editor attaching later reuse it and its
// history. Opens a metrics endpoint only when ASYNC_LEAK_LENS_METRICS asks for one.
// Never throws into the app: whatever goes wrong is one line on stderr.
import { install } from '../agent/index';
import { declareRegistry } from './registry-binding';
import { readSettings, type Address } from './settings';
import { warn, warnSettingsOnce } from './warn';

declare const require: (id: string) => unknown;

function register(): void {
  const { isMainThread } = require('node:worker_threads') as { isMainThread: boolean };
  const { settings, warnings } = readSettings(process.env);
  // Worker threads preload this too (they inherit the flags): one warning per process is enough.
  if (isMainThread) warnSettingsOnce(warnings);
  if (!settings.enabled) return;
  const answer = install(settings.config, declareRegistry());
  // Another agent is in the way (a newer one, or something posing as one): this one stays out; the
  // metrics still read whatever agent the registry holds.
  if ('refused' in answer) warn(`not tracking: ${answer.refused}`);
  if (settings.endpoint && isMainThread) {
    // The metrics bundle beside this one, required rather than bundled: the app's own
    // require('async-leak-lens/metrics') then gets the same instance (one growth tracker).
    const metrics = require('./metrics.js') as typeof import('../metrics/index');
    metrics.startMetricsEndpoint({ ...clusterAddress(settings.endpoint), ...settings.metrics });
  }
}

/** In a node:cluster worker the port is the one given plus the worker's id, so workers do not collide. */
function clusterAddress(address: Address): Address {
  // Node has set the worker up (and removed NODE_UNIQUE_ID from the environment) before preloads run.
  const cluster = require('node:cluster') as { isWorker: boolean; worker?: { id: number } };
  const workerId = cluster.isWorker ? cluster.worker?.id : undefined;
  if (address.port === 0 || workerId === undefined || !(workerId > 0)) return address;
  return { host: address.host, port: address.port + workerId };
}

try {
  register();
} catch (error) {
  warn(`not tracking: ${error instanceof Error ? error.message : String(error)}`);
}
