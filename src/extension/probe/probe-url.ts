// Which URL the probe offers first: the last one used, when the target serves its port; else the
// target's own server; the last one (or the default) only when the target's servers are unknown.
// No `vscode` import.
import { probeUrlFor, type ServerAddress } from '../../core/server-addresses';

export function defaultProbeUrl(lastUrl: string, servers: readonly ServerAddress[]): string {
  const offered = servers.map(probeUrlFor).filter((u): u is string => u !== undefined);
  if (offered.length === 0) return lastUrl;
  const ports = new Set(servers.map((s) => s.port));
  try {
    if (ports.has(Number(new URL(lastUrl).port))) return lastUrl;
  } catch {
    // not a URL: offer the target's
  }
  return offered[0];
}

/** "The program listens on 127.0.0.1:3001 and [::]:8080." for the input's prompt, or '' when unknown. */
export function serversText(servers: readonly ServerAddress[]): string {
  if (servers.length === 0) return '';
  const names = servers.slice(0, 5).map((s) => (s.address.includes(':') ? `[${s.address}]:${s.port}` : `${s.address}:${s.port}`));
  return ` The program listens on ${names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names[0]}.`;
}
