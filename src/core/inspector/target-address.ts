// Parses what a user types to name a target: ws URL, host:port, port, or pid.
import { LensError } from '../errors';

export type TargetAddress =
  | { kind: 'ws'; url: string; host: string; port: number }
  | { kind: 'http'; host: string; port: number }
  /** A bare number: a port if an inspector answers there, else a pid. */
  | { kind: 'port-or-pid'; value: number }
  | { kind: 'pid'; pid: number };

export function parseTargetAddress(text: string): TargetAddress {
  const spec = text.trim();
  if (spec === '')
    throw new LensError('bad-target', 'No target given. Use a port (9229), host:port (127.0.0.1:9229), a ws:// URL, or pid:<n>.');
  if (/^wss?:\/\//i.test(spec)) {
    let url: URL;
    try {
      url = new URL(spec);
    } catch {
      throw new LensError('bad-target', `"${spec}" is not a valid WebSocket URL.`);
    }
    return { kind: 'ws', url: spec, host: stripBrackets(url.hostname), port: Number(url.port || (url.protocol === 'wss:' ? 443 : 80)) };
  }
  const pid = /^pid:(\d+)$/i.exec(spec);
  if (pid) return { kind: 'pid', pid: Number(pid[1]) };
  if (/^\d+$/.test(spec)) {
    const value = Number(spec);
    if (value <= 0) throw new LensError('bad-target', `"${spec}" is neither a port nor a pid.`);
    return value > 65535 ? { kind: 'pid', pid: value } : { kind: 'port-or-pid', value };
  }
  const hostPort = /^(\[[^\]]+\]|[^:\s/]+):(\d{1,5})$/.exec(spec);
  if (hostPort) {
    const port = Number(hostPort[2]);
    if (port < 1 || port > 65535) throw new LensError('bad-target', `Port ${port} is out of range (1-65535).`);
    return { kind: 'http', host: stripBrackets(hostPort[1]), port };
  }
  throw new LensError(
    'bad-target',
    `Cannot read target "${spec}". Use a port (9229), host:port (127.0.0.1:9229), a ws:// URL, or pid:<n>.`,
  );
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1';
}

/** The host an address names when it is not loopback (pids and bare ports are always local). */
export function remoteHostOf(address: TargetAddress): string | undefined {
  return (address.kind === 'ws' || address.kind === 'http') && !isLoopbackHost(address.host) ? address.host : undefined;
}

/** Inspector access is code execution in the target: remote hosts need an explicit opt-in. */
export function assertAllowedHost(host: string, allowRemote: boolean): void {
  if (!allowRemote && !isLoopbackHost(host)) {
    throw new LensError(
      'not-loopback',
      `Refusing to connect to ${host}: only loopback inspector addresses are allowed by default, because an inspector gives full control of the process. Allow remote addresses explicitly (--allow-remote, or the asyncLeakLens.allowRemoteInspector setting) if you trust the network.`,
    );
  }
}

/**
 * The loopback rule for a WebSocket URL about to be opened, wherever it came from. Only ws:// and
 * wss:// URLs: anything else would make the connection library look elsewhere on its own.
 */
export function assertAllowedUrl(url: string, allowRemote: boolean): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new LensError('bad-target', `"${url}" is not a valid inspector WebSocket URL.`);
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:')
    throw new LensError('bad-target', `"${url}" is not an inspector WebSocket URL (ws://...).`);
  assertAllowedHost(stripBrackets(parsed.hostname), allowRemote);
}
