// The census in the editor: "Take Census" on a target, and at attach as the `asyncLeakLens.census`
// setting says (always / ask / never). It walks the target's heap, which pauses it: the cost is
// said first, progress is shown, and cancelling stops what can be stopped (the heap snapshot
// itself, once V8 writes it, runs to its end).
import * as vscode from 'vscode';
import { estimateCensus, type CensusPhase } from '../../core/census/census';
import { describeError } from '../../core/errors';
import type { CensusInfo } from '../../core/sites/model';
import type { LensContext } from '../lens-context';
import { SETTING_DEFAULTS } from '../setting-defaults';
import { chooseTarget } from '../targets/choose-target';
import type { AttachedTarget } from '../targets/attached-target';

export type CensusMode = 'always' | 'ask' | 'never';

/** With "always", a census at attach still asks above this heap size (a long pause). */
const ALWAYS_HEAP_LIMIT_BYTES = 128 * 1024 * 1024;

const PHASE_WORDS: Record<CensusPhase, string> = {
  snapshot: 'the target is paused while V8 writes its heap snapshot',
  scan: 'reading the heap snapshot',
  resolve: 'finding the exact await lines',
};

export interface CensusCommands {
  /** Runs the census on a target (no questions); resolves with what it found, undefined if cancelled or failed. */
  take(target: AttachedTarget): Promise<CensusInfo | undefined>;
}

export function registerCensus(lens: LensContext): CensusCommands {
  const offered = new Set<string>();
  const take = (target: AttachedTarget) => runCensus(lens, target);
  lens.extension.subscriptions.push(
    vscode.commands.registerCommand('asyncLeakLens.takeCensus', async (arg?: unknown) => {
      const target = await chooseTarget(lens.targets, arg, {
        title: 'Take Census',
        placeHolder: 'Which process?',
        noneAttached: 'no Node.js process is attached. Attach to one first, then take the census.',
      });
      if (!target) return undefined;
      if (typeof arg !== 'string' && !(await confirmCost(target, 'Take the census'))) return undefined;
      return take(target);
    }),
    lens.targets.onDidChangeTargets(() => {
      for (const target of lens.targets.list()) {
        if (offered.has(target.id)) continue;
        offered.add(target.id);
        void offerAtAttach(lens, target, take);
      }
    }),
  );
  return { take };
}

function censusMode(): CensusMode {
  return vscode.workspace.getConfiguration('asyncLeakLens').get<CensusMode>('census', SETTING_DEFAULTS.census);
}

async function offerAtAttach(lens: LensContext, target: AttachedTarget, take: (t: AttachedTarget) => Promise<unknown>): Promise<void> {
  const mode = censusMode();
  if (mode === 'never' || !target.session.needsCensus || target.isEnded) return;
  try {
    const cost = await estimateCensus(target.session.connection.main);
    if (mode === 'always' && cost.heapBytes <= ALWAYS_HEAP_LIMIT_BYTES) {
      await take(target);
      return;
    }
    const choice = await vscode.window.showInformationMessage(
      `Async Leak Lens sees only what ${target.label} starts from now on. Take a census of what is already pending? ${costText(target, cost)}`,
      'Take Census',
      'Not Now',
    );
    if (choice === 'Take Census' && !target.isEnded) await take(target);
  } catch (error) {
    lens.output.warn(`${target.label}: no census: ${describeError(error)}`);
  }
}

async function confirmCost(target: AttachedTarget, action: string): Promise<boolean> {
  const cost = await estimateCensus(target.session.connection.main);
  if (cost.heapBytes <= ALWAYS_HEAP_LIMIT_BYTES) return true;
  const choice = await vscode.window.showWarningMessage(`${costText(target, cost)} ${action}?`, { modal: true }, action);
  return choice === action;
}

function costText(target: AttachedTarget, cost: { heapBytes: number; pauseMs: number; targetBytes: number }): string {
  return `Its heap is ${mb(cost.heapBytes)}: ${target.label} pauses about ${(cost.pauseMs / 1000).toFixed(1)} s and needs up to ${mb(cost.targetBytes)} more memory while V8 writes a heap snapshot.`;
}

function mb(bytes: number): string {
  return `${Math.round(bytes / 1024 / 1024)} MB`;
}

async function runCensus(lens: LensContext, target: AttachedTarget): Promise<CensusInfo | undefined> {
  try {
    const info = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Census of ${target.label}`, cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        let last = 0;
        return target.session.census({
          signal: controller.signal,
          onProgress: (phase, fraction) => {
            const percent = Math.round(fraction * 100);
            progress.report({
              message: `${PHASE_WORDS[phase]}…`,
              increment: phase === 'snapshot' ? Math.max(0, percent * 0.6 - last) : undefined,
            });
            if (phase === 'snapshot') last = percent * 0.6;
          },
        });
      },
    );
    lens.output.info(
      `Census of ${target.label}: ${info.tasks} suspended async functions and ${info.timers} active timers in your code (${info.elsewhere} more in Node or dependencies), in ${(info.durationMs / 1000).toFixed(1)} s`,
    );
    await target.refreshSites(true);
    return info;
  } catch (error) {
    void vscode.window.showErrorMessage(`Async Leak Lens: the census of ${target.label} failed: ${describeError(error)}`);
    return undefined;
  }
}
