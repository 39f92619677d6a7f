// Typed access to the extension's settings (declared in package.json under asyncLeakLens.*).
import * as vscode from 'vscode';
import type { GrowthOptions } from '../core/growth';
import type { SessionOptions } from '../core/session';

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
    pollIntervalMs: c.get('pollIntervalMs', 1000),
    sitesIntervalMs: c.get('sitesIntervalMs', 5000),
    stackDepth: c.get('stackDepth', 12),
    nodeModulesAsSites: c.get('nodeModulesAsSites', false),
    stackCapturesPerSecond: c.get('stackCapturesPerSecond', 1000),
    maxTrackedResources: c.get('maxTrackedResources', 200_000),
    maxSites: c.get('maxSites', 20_000),
    autoAttach: c.get<AutoAttachMode>('autoAttach', 'ask'),
    decorationsEnabled: c.get('decorations.enabled', true),
    allowRemoteInspector: c.get('allowRemoteInspector', false),
    sitesPerType: c.get('tree.sitesPerType', 50),
    reattach: c.get<ReattachMode>('reattach', 'ask'),
    reattachTimeoutSeconds: c.get('reattachTimeoutSeconds', 60),
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
      windowMs: Math.max(5, c.get('windowSeconds', 120)) * 1000,
      warmupMs: Math.max(0, c.get('warmupSeconds', 20)) * 1000,
    },
    notify: c.get('notify', true),
  };
}
