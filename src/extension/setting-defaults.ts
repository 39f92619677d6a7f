// The default of every asyncLeakLens.* setting, in one table. package.json declares the same
// values (the Settings editor shows them there); test/unit/setting-defaults.test.ts fails when
// the two differ. Values that core also uses come from core, so the CLI has the same defaults.
import { DEFAULT_AGENT_CONFIG } from '../core/agent-client';
import { DEFAULT_GROWTH_OPTIONS } from '../core/growth';
import { DEFAULT_POLL_INTERVAL_MS, DEFAULT_SITES_EVERY_MS } from '../core/live-target';

export const SETTING_DEFAULTS = {
  pollIntervalMs: DEFAULT_POLL_INTERVAL_MS,
  sitesIntervalMs: DEFAULT_SITES_EVERY_MS,
  stackDepth: DEFAULT_AGENT_CONFIG.stackDepth,
  nodeModulesAsSites: DEFAULT_AGENT_CONFIG.nodeModulesAsSites,
  stackCapturesPerSecond: DEFAULT_AGENT_CONFIG.stackCapturesPerSecond,
  maxTrackedResources: DEFAULT_AGENT_CONFIG.maxTrackedResources,
  maxSites: DEFAULT_AGENT_CONFIG.maxSites,
  autoAttach: 'ask',
  census: 'ask',
  reattach: 'ask',
  reattachTimeoutSeconds: 60,
  'decorations.enabled': true,
  allowRemoteInspector: false,
  'tree.sitesPerType': 50,
  'growth.windowSeconds': DEFAULT_GROWTH_OPTIONS.windowMs / 1000,
  'growth.warmupSeconds': DEFAULT_GROWTH_OPTIONS.warmupMs / 1000,
  'growth.notify': true,
} as const;

export type SettingName = keyof typeof SETTING_DEFAULTS;
