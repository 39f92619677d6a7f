// Settings of live growth detection (asyncLeakLens.growth.*, declared in package.json).
import * as vscode from 'vscode';
import type { GrowthOptions } from '../../core/growth';

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
