// "Run Leak Probe...": bounded loopback load in rounds against an attached target, with progress
// and cancel, and the verdict in a report panel (one per target: a rerun replaces the result and
// shows its progress there). With arguments (from tests, other commands or a target's tree item)
// it asks nothing that was given.
import * as vscode from 'vscode';
import { describeError, LensError } from '../../core/errors';
import { ProbeCancelled, runProbe, type ProbeOptions, type ProbeResult } from '../../core/probe/probe';
import { listeningServers } from '../../core/inspector/server-addresses';
import type { LensContext } from '../lens-context';
import type { AttachedTarget } from '../targets/attached-target';
import { chooseTarget } from '../targets/choose-target';
import { askProbeInputs, lastInputs, rememberInputs } from './probe-inputs';
import { ProbeReportPanel } from './probe-report-panel';
import { describeProbeRequest } from './probe-report-model';

export const RUN_PROBE_COMMAND = 'asyncLeakLens.runProbe';

/** What a caller can pass instead of answering questions. */
export interface ProbeCommandArgs extends Partial<Omit<ProbeOptions, 'url'>> {
  url: string;
  /** 'panel' (default; 'preview' is the same): show the report panel; 'none': only return the result. */
  report?: 'panel' | 'preview' | 'none';
}

/** The report panels by target id (for tests and checks). */
export interface ProbeReports {
  panelFor(targetId: string): ProbeReportPanel | undefined;
}

export function registerProbe(lens: LensContext): ProbeReports {
  const panels: Panels = { byTarget: new Map(), rerunArgs: new Map() };
  lens.extension.subscriptions.push(
    { dispose: () => [...panels.byTarget.values()].forEach((p) => p.dispose()) },
    vscode.commands.registerCommand(RUN_PROBE_COMMAND, (targetArg?: unknown, args?: ProbeCommandArgs) =>
      runProbeCommand(lens, panels, targetArg, args),
    ),
  );
  return { panelFor: (id) => panels.byTarget.get(id) };
}

interface Panels {
  byTarget: Map<string, ProbeReportPanel>;
  /** What Run Again repeats: the target's last run. */
  rerunArgs: Map<string, ProbeCommandArgs>;
}

async function runProbeCommand(
  lens: LensContext,
  panels: Panels,
  targetArg: unknown,
  args: ProbeCommandArgs | undefined,
): Promise<ProbeResult | undefined> {
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
    options = {
      ...args,
      requests: args.requests ?? last.requests,
      concurrency: args.concurrency ?? last.concurrency,
      method: args.method ?? 'GET',
    };
  } else {
    const servers = target.isPaused ? [] : await listeningServers(target.session.connection.main);
    const inputs = await askProbeInputs(state, target.label, servers);
    if (!inputs) return undefined;
    options = inputs;
  }

  const rounds = options.rounds ?? 3;
  const request = describeProbeRequest({ ...options, rounds });
  const panel = (args?.report ?? 'panel') === 'none' ? undefined : reportPanel(lens, panels, target, request, options);
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
            const done =
              p.phase === 'load' && p.done !== undefined && p.total
                ? ((p.round - 1 + p.done / p.total) / rounds) * 100
                : ((p.round - (p.phase === 'load' ? 1 : 0)) / rounds) * 100;
            const increment = Math.max(0, done - reported);
            reported += increment;
            progress.report({ message: p.message, increment });
            panel?.progress(p.message, reported);
          },
        });
      },
    );
    if (args)
      await rememberInputs(state, {
        url: options.url,
        method: options.method ?? 'GET',
        requests: options.requests,
        concurrency: options.concurrency,
      });
    lens.output.info(
      `Leak probe on ${target.label}: ${result.verdict === 'leak' ? `leak, ${result.leaks.length} site(s) grow with requests` : result.verdict === 'abandoned' ? `abandoned tasks, ${result.abandoned.length} site(s) grow with requests` : result.verdict === 'cannot-tell' ? `cannot tell (${result.sitesUnavailable ?? 'no sites'})` : 'no leak'}${result.hung ? `, ${result.hung} requests hung` : ''}`,
    );
    if (panel && !panel.isDisposed) panel.done(result);
    return result;
  } catch (error) {
    if (error instanceof ProbeCancelled) {
      if (panel && !panel.isDisposed) panel.cancelled();
      void vscode.window.showInformationMessage('Leak probe cancelled; the target is left as it was.');
      return undefined;
    }
    const message = error instanceof LensError ? error.message : `The leak probe failed: ${describeError(error)}`;
    if (panel && !panel.isDisposed) panel.failed(message);
    void vscode.window.showErrorMessage(`Async Leak Lens: ${message}`);
    if (args) throw error; // callers with arguments (tests, other commands) get the error itself
    return undefined;
  }
}

/** The target's report panel, showing the new run (created on the first run). */
function reportPanel(
  lens: LensContext,
  panels: Panels,
  target: AttachedTarget,
  request: ReturnType<typeof describeProbeRequest>,
  options: ProbeOptions,
): ProbeReportPanel {
  panels.rerunArgs.set(target.id, {
    url: options.url,
    method: options.method,
    body: options.body,
    requests: options.requests,
    concurrency: options.concurrency,
    rounds: options.rounds,
    timeoutMs: options.timeoutMs,
  });
  const existing = panels.byTarget.get(target.id);
  if (existing && !existing.isDisposed) {
    existing.running(request);
    return existing;
  }
  const rerun = () => {
    const again = panels.rerunArgs.get(target.id);
    if (again) void Promise.resolve(vscode.commands.executeCommand(RUN_PROBE_COMMAND, target.id, again)).catch(() => undefined);
  };
  const panel = new ProbeReportPanel(lens.extension.extensionUri, target.label, request, rerun, () => {
    if (panels.byTarget.get(target.id) === panel) panels.byTarget.delete(target.id);
  });
  panels.byTarget.set(target.id, panel);
  return panel;
}
