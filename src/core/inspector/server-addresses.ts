// The HTTP-ish servers a target listens on, so the probe can offer the right URL. Asked with a
// constant expression of ours (the target's net.Server handles and their addresses; the
// inspector's own socket is not one of them); the answer is only parsed as data, checked field
// by field, never evaluated.
import type { CdpChannel } from './inspector-connection';

export interface ServerAddress {
  /** As the server bound it: '127.0.0.1', '::', '0.0.0.0', '::1'. */
  address: string;
  port: number;
}

/** Our code, the same every time: the addresses of listening net.Server handles (at most 20). */
const EXPRESSION = `(() => {
  try {
    const net = require('net');
    const handles = typeof process._getActiveHandles === 'function' ? process._getActiveHandles() : [];
    const out = [];
    for (const h of handles) {
      if (!(h instanceof net.Server) || !h.listening) continue;
      const a = h.address();
      if (a && typeof a === 'object') out.push({ address: String(a.address), port: Number(a.port) });
      if (out.length >= 20) break;
    }
    return JSON.stringify(out);
  } catch (e) {
    return '[]';
  }
})()`;

const CALL_TIMEOUT_MS = 3000;

/** The target's listening TCP servers, oldest first; empty when it has none or cannot say. */
export async function listeningServers(channel: CdpChannel): Promise<ServerAddress[]> {
  let answer: { result?: { value?: unknown } };
  try {
    answer = await channel.send(
      'Runtime.evaluate',
      { expression: EXPRESSION, includeCommandLineAPI: true, returnByValue: true, silent: true },
      CALL_TIMEOUT_MS,
    );
  } catch {
    return [];
  }
  return parseServerAddresses(answer?.result?.value);
}

/** The answer checked as data: a JSON list of { address, port } with a sane address and port. */
export function parseServerAddresses(value: unknown): ServerAddress[] {
  if (typeof value !== 'string' || value.length > 10_000) return [];
  let list: unknown;
  try {
    list = JSON.parse(value);
  } catch {
    return [];
  }
  if (!Array.isArray(list)) return [];
  const out: ServerAddress[] = [];
  for (const item of list.slice(0, 20)) {
    const { address, port } = (item ?? {}) as { address?: unknown; port?: unknown };
    if (typeof address !== 'string' || !/^[0-9a-fA-F.:]{2,45}$/.test(address)) continue;
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) continue;
    out.push({ address, port });
  }
  return out;
}

/**
 * The URL a probe should try for a server: loopback servers and wildcard ones are reached on
 * 127.0.0.1 (or [::1] for an IPv6 loopback); servers bound to another address only, not at all.
 */
export function probeUrlFor(server: ServerAddress): string | undefined {
  const a = server.address.toLowerCase();
  if (a === '::1') return `http://[::1]:${server.port}/`;
  if (a === '0.0.0.0' || a === '::' || /^127\./.test(a) || a === '::ffff:127.0.0.1') return `http://127.0.0.1:${server.port}/`;
  return undefined;
}
