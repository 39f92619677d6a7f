// Typed access to the extension's settings (declared in package.json under asyncLeakLens.*; their
// defaults in setting-defaults.ts).
import * as vscode from 'vscode';
import type { GrowthOptions } from '../core/growth';
import type { SessionOptions } from '../core/session';
import { SETTING_DEFAULTS as D } from './setting-defaults';

export type AutoAttachMode = 'ask' | 'always' | 'never';
export type ReattachMode = 'ask' | 'always' | 'never';

export interface LensSettings {
  pollIntervalMs: number;
  sitesIntervalMs: number;
  stackDepth: number;
  nodeModulesAsSites: boolean;
  stackCapturesPerSecond: number;
  maxTrackedResources: number;
  maxSites: number;
  autoAttach: AutoAttachMode;
  decorationsEnabled: boolean;
  allowRemoteInspector: boolean;
  sitesPerType: number;
  reattach: ReattachMode;
  reattachTimeoutSeconds: number;
}

export function readSettings(): LensSettings {
  const c = vscode.workspace.getConfiguration('asyncLeakLens');
  return {
    pollIntervalMs: c.get('pollIntervalMs', D.pollIntervalMs),
    sitesIntervalMs: c.get('sitesIntervalMs', D.sitesIntervalMs),
    stackDepth: c.get('stackDepth', D.stackDepth),
    nodeModulesAsSites: c.get<boolean>('nodeModulesAsSites', D.nodeModulesAsSites),
    stackCapturesPerSecond: c.get('stackCapturesPerSecond', D.stackCapturesPerSecond),
    maxTrackedResources: c.get('maxTrackedResources', D.maxTrackedResources),
    maxSites: c.get('maxSites', D.maxSites),
    autoAttach: c.get<AutoAttachMode>('autoAttach', D.autoAttach),
    decorationsEnabled: c.get<boolean>('decorations.enabled', D['decorations.enabled']),
    allowRemoteInspector: c.get<boolean>('allowRemoteInspector', D.allowRemoteInspector),
    sitesPerType: c.get('tree.sitesPerType', D['tree.sitesPerType']),
    reattach: c.get<ReattachMode>('reattach', D.reattach),
    reattachTimeoutSeconds: c.get('reattachTimeoutSeconds', D.reattachTimeoutSeconds),
  };
}

export function sessionOptions(settings: LensSettings): SessionOptions {
  return {
    agent: {
      stackDepth: settings.stackDepth,
      nodeModulesAsSites: settings.nodeModulesAsSites,
      stackCapturesPerSecond: settings.stackCapturesPerSecond,
      maxTrackedResources: settings.maxTrackedResources,
      maxSites: settings.maxSites,
    },
  };
}

/** Settings of live growth detection (asyncLeakLens.growth.*). */
export interface GrowthSettings {
  options: Partial<GrowthOptions>;
  /** One notification per newly growing site. */
  notify: boolean;
}

export function readGrowthSettings(): GrowthSettings {
  const c = vscode.workspace.getConfiguration('asyncLeakLens.growth');
  return {
    options: {
      windowMs: Math.max(5, c.get<number>('windowSeconds', D['growth.windowSeconds'])) * 1000,
      warmupMs: Math.max(0, c.get<number>('warmupSeconds', D['growth.warmupSeconds'])) * 1000,
    },
    notify: c.get<boolean>('notify', D['growth.notify']),
  };
}
