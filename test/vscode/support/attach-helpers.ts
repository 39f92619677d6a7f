// Helpers for the attach and debug-session suites: waiting with a clear failure message, the
// extension's API, and an independent look into a target over its own inspector.
import { join } from 'node:path';
import CDP from 'chrome-remote-interface';
import * as vscode from 'vscode';
import { agentPresentExpression } from '../../../src/core/inspector/agent-expressions';
import type { LensApi } from '../../../src/extension/extension';
import { repoRoot, startScript, type RunningFixture, type StartOptions } from '../../support/fixtures';

export const EXTENSION_ID = 'async-leak-lens.async-leak-lens';

export async function lensApi(): Promise<LensApi> {
  const ext = vscode.extensions.getExtension<LensApi>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not loaded in this VS Code`);
  return ext.activate();
}

/** Polls `check` until it is truthy; fails after timeoutMs with `what` (a function for live detail). */
export async function eventually<T>(
  check: () => T | Promise<T>,
  timeoutMs: number,
  what: string | (() => string),
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for: ${typeof what === 'function' ? what() : what}`);
    await sleep(100);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Whether the agent is in the target, asked over a separate inspector connection of the test's
 * own (not through the extension), so a detach that left the agent behind shows.
 */
export async function agentInstalled(inspectorUrl: string): Promise<boolean> {
  const client = await CDP({ target: inspectorUrl, local: true });
  try {
    const answer = await client.Runtime.evaluate({ expression: agentPresentExpression, returnByValue: true });
    if (answer.exceptionDetails) throw new Error(`evaluate failed in the target: ${answer.exceptionDetails.text}`);
    return answer.result.value === true;
  } finally {
    await client.close();
  }
}

/** Prints how long each step took (shown with VSCODE_TEST_VERBOSE=1): slow steps on a busy machine. */
export function stopwatch(label: string): (step: string) => void {
  const start = Date.now();
  let last = start;
  return (step) => {
    const now = Date.now();
    console.log(`[${label}] ${step}: +${((now - last) / 1000).toFixed(1)} s (total ${((now - start) / 1000).toFixed(1)} s)`);
    last = now;
  };
}

/** Starts `test/reliability/targets/<name>.js` with its inspector on a free loopback port. */
export function startReliabilityTarget(name: string, options?: StartOptions): Promise<RunningFixture> {
  return startScript(join(repoRoot(), 'test', 'reliability', 'targets', `${name}.js`), options);
}

/** After a test: dispose what it opened, detach every target, stop its process, close editors. */
export async function cleanUpAfterTest(target: RunningFixture | undefined, opened?: { dispose(): void }): Promise<void> {
  opened?.dispose();
  await (await lensApi()).targets.detachAll();
  await target?.stop();
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
