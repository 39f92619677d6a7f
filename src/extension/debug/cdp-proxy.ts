// Asks the built-in JavaScript debugger for a CDP proxy to one of its debuggees.
import * as vscode from 'vscode';

interface ProxyAddress {
  host?: unknown;
  port?: unknown;
  path?: unknown;
}

/** How long the debugger gets to answer (it answers in ~10 ms; a wrong session never answers). */
export const PROXY_REQUEST_TIMEOUT_MS = 10_000;

/**
 * A concrete debuggee session of js-debug: the child session it starts per process or worker
 * (type pwa-node, with a pending target id). Only those can hand out a CDP proxy; the parent of
 * a launch config never answers the request.
 */
export function isNodeDebuggee(session: vscode.DebugSession): boolean {
  return session.type === 'pwa-node' && Boolean(session.configuration.__pendingTargetId);
}

/** The ws:// URL of the debugger's CDP proxy for this debuggee session. */
export async function requestCdpProxyUrl(session: vscode.DebugSession, timeoutMs = PROXY_REQUEST_TIMEOUT_MS): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`The JavaScript debugger did not hand out a CDP proxy for "${session.name}" within ${timeoutMs / 1000} s.`)),
      timeoutMs,
    );
  });
  let answer: ProxyAddress | undefined;
  try {
    answer = await Promise.race([
      Promise.resolve(vscode.commands.executeCommand<ProxyAddress | undefined>('extension.js-debug.requestCDPProxy', session.id)),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
  if (!answer || typeof answer.host !== 'string' || typeof answer.port !== 'number') {
    throw new Error(`The JavaScript debugger has no CDP proxy for "${session.name}" (answer: ${JSON.stringify(answer) ?? 'none'}).`);
  }
  // A wildcard bind is reachable on loopback; loopback keeps the address policy simple.
  const host = answer.host === '0.0.0.0' || answer.host === '::' ? '127.0.0.1' : answer.host;
  const path = typeof answer.path === 'string' ? answer.path : '';
  return `ws://${host.includes(':') ? `[${host}]` : host}:${answer.port}${path}`;
}
