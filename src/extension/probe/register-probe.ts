// "Run Leak Probe...": bounded loopback load in rounds against an attached target, with progress
// and cancel, and the verdict as a readable report. With arguments (from tests, other commands or
// a target's tree item) it asks nothing that was given.
import * as vscode from 'vscode';
import { describeError, LensError } from '../../core/errors';
import { ProbeCancelled, runProbe, type ProbeOptions, type ProbeResult } from '../../core/probe';
import { formatProbeMarkdown } from '../../core/probe-report';
import type { LensContext } from '../lens-context';
import { chooseTarget } from '../targets/choose-target';
import { askProbeInputs, lastInputs, rememberInputs } from './probe-inputs';
import { ProbeReportDocuments } from './probe-report-document';

export const RUN_PROBE_COMMAND = 'asyncLeakLens.runProbe';

/** What a caller can pass instead of answering questions. */
export interface ProbeCommandArgs extends Partial<Omit<ProbeOptions, 'url'>> {
  url: string;
  /** 'preview' (default): open the report; 'none': only return the result. */
  report?: 'preview' | 'none';
}

export function registerProbe(lens: LensContext): void {
  const documents = new ProbeReportDocuments();
  lens.extension.subscriptions.push(
    documents,
    vscode.commands.registerCommand(RUN_PROBE_COMMAND, (targetArg?: unknown, args?: ProbeCommandArgs) => runProbeCommand(lens, documents, targetArg, args)),
  );
}

async function runProbeCommand(lens: LensContext, documents: ProbeReportDocuments, targetArg: unknown, args: ProbeCommandArgs | undefined): Promise<ProbeResult | undefined> {
  const target = await chooseTarget(lens.targets, targetArg, {
    title: 'Run Leak Probe',
    placeHolder: 'Which process serves the URL?',
    noneAttached: 'the probe needs an attached Node.js process (the one that serves the URL). Attach to it first.',
    quiet: args !== undefined,
  });
  if (!target) return undefined;
  const state = lens.extension.workspaceState;
  let options: ProbeOptions;
  if (args) {
    const last = lastInputs(state);
    options = { ...args, requests: args.requests ?? last.requests, concurrency: args.concurrency ?? last.concurrency, method: args.method ?? 'GET' };
  } else {
    const inputs = await askProbeInputs(state, target.label);
    if (!inputs) return undefined;
    options = inputs;
  }

  const rounds = options.rounds ?? 3;
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Leak probe on ${target.label}`, cancellable: true },
      (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        let reported = 0;
        return runProbe(target.session, options, {
          signal: controller.signal,
          onProgress: (p) => {
            // The bar follows requests sent; settling and snapshots only change the message.
            const done = p.phase === 'load' && p.done !== undefined && p.total ? ((p.round - 1 + p.done / p.total) / rounds) * 100 : ((p.round - (p.phase === 'load' ? 1 : 0)) / rounds) * 100;
            const increment = Math.max(0, done - reported);
            reported += increment;
            progress.report({ message: p.message, increment });
          },
        });
      },
    );
    if (args) await rememberInputs(state, { url: options.url, method: options.method ?? 'GET', requests: options.requests, concurrency: options.concurrency });
    lens.output.info(`Leak probe on ${target.label}: ${result.verdict === 'leak' ? `leak, ${result.leaks.length} site(s) grow with requests` : result.verdict === 'abandoned' ? `abandoned tasks, ${result.abandoned.length} site(s) grow with requests` : result.verdict === 'cannot-tell' ? `cannot tell (${result.sitesUnavailable ?? 'no sites'})` : 'no leak'}${result.hung ? `, ${result.hung} requests hung` : ''}`);
    if ((args?.report ?? 'preview') === 'preview') {
      const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      const uri = documents.add(formatProbeMarkdown(result, cwd ? { cwd } : {}), `leak-probe-${target.label}`);
      await documents.show(uri);
    }
    return result;
  } catch (error) {
    if (error instanceof ProbeCancelled) {
      void vscode.window.showInformationMessage('Leak probe cancelled; the target is left as it was.');
      return undefined;
    }
    const message = error instanceof LensError ? error.message : `The leak probe failed: ${describeError(error)}`;
    void vscode.window.showErrorMessage(`Async Leak Lens: ${message}`);
    if (args) throw error; // callers with arguments (tests, other commands) get the error itself
    return undefined;
  }
}
