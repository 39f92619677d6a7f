// Asks what the leak probe should send (URL, method, requests, concurrency), remembering the
// last answers per workspace. Answers are checked as they are typed.
import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import { parseProbeUrl, PROBE_METHODS } from '../../core/probe/probe';
import type { ServerAddress } from '../../core/inspector/server-addresses';
import { defaultProbeUrl, serversText } from './probe-url';

export interface ProbeInputs {
  url: string;
  method: string;
  requests: number;
  concurrency: number;
}

const LAST_INPUTS_KEY = 'asyncLeakLens.probe.lastInputs';
const DEFAULTS: ProbeInputs = { url: 'http://127.0.0.1:3000/', method: 'GET', requests: 50, concurrency: 8 };

export function lastInputs(state: vscode.Memento): ProbeInputs {
  return { ...DEFAULTS, ...state.get<Partial<ProbeInputs>>(LAST_INPUTS_KEY) };
}

export async function rememberInputs(state: vscode.Memento, inputs: ProbeInputs): Promise<void> {
  await state.update(LAST_INPUTS_KEY, inputs);
}

/** Undefined when the user cancels any step. */
export async function askProbeInputs(
  state: vscode.Memento,
  targetLabel: string,
  servers: readonly ServerAddress[],
): Promise<ProbeInputs | undefined> {
  const last = lastInputs(state);
  const title = (step: number) => `Run Leak Probe on ${targetLabel} (${step}/4)`;
  const url = await vscode.window.showInputBox({
    title: title(1),
    prompt: `Where to send the load: an http:// URL on this machine (127.0.0.1, localhost or [::1]).${serversText(servers)}`,
    value: defaultProbeUrl(last.url, servers),
    ignoreFocusOut: true,
    validateInput: (text) => {
      try {
        parseProbeUrl(text.trim());
        return undefined;
      } catch (error) {
        return describeError(error);
      }
    },
  });
  if (url === undefined) return undefined;
  const methodPick = await vscode.window.showQuickPick(
    PROBE_METHODS.map((m) => ({ label: m, picked: m === last.method })),
    { title: title(2), placeHolder: `HTTP method (last time: ${last.method})`, ignoreFocusOut: true },
  );
  if (!methodPick) return undefined;
  const requests = await askCount(title(3), 'Requests per round (the probe runs 3 rounds)', last.requests, 100_000);
  if (requests === undefined) return undefined;
  const concurrency = await askCount(title(4), 'Requests in flight at once', Math.min(last.concurrency, requests), 1000);
  if (concurrency === undefined) return undefined;
  const inputs = { url: url.trim(), method: methodPick.label, requests, concurrency };
  await rememberInputs(state, inputs);
  return inputs;
}

async function askCount(title: string, prompt: string, value: number, max: number): Promise<number | undefined> {
  const text = await vscode.window.showInputBox({
    title,
    prompt,
    value: String(value),
    ignoreFocusOut: true,
    validateInput: (t) => (/^\d+$/.test(t.trim()) && Number(t) >= 1 && Number(t) <= max ? undefined : `A whole number from 1 to ${max}`),
  });
  return text === undefined ? undefined : Number(text.trim());
}
