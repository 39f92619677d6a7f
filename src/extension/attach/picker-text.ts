// How the editor reads what a person types to name a target, decided once: a number is a PORT of
// an inspector on this machine, never a pid; a pid is written `pid:N`. (The CLI's --target tries
// a bare number as a port, then as a pid; in the editor, a typo must not reach another process.)
// No `vscode` import.

export type TypedTarget = { kind: 'pid'; pid: number } | { kind: 'address'; address: string; port?: number };

/**
 * What the process picker's filter text asks for beyond filtering, or undefined when it is only a
 * filter: `pid:N` (or `pid N`), a port `N` (1-65535) or `:N`, `host:port`, or a ws:// URL.
 */
export function readTypedTarget(text: string): TypedTarget | undefined {
  const spec = text.trim();
  const pid = /^pid[:\s]\s*(\d+)$/i.exec(spec);
  if (pid) return Number(pid[1]) > 0 ? { kind: 'pid', pid: Number(pid[1]) } : undefined;
  const port = /^(?:port[:\s]\s*|:)?(\d{1,5})$/i.exec(spec);
  if (port) {
    const n = Number(port[1]);
    return n >= 1 && n <= 65535 ? { kind: 'address', address: `127.0.0.1:${n}`, port: n } : undefined;
  }
  const hostPort = /^(\[[^\]\s]+\]|[\w.-]+):(\d{1,5})$/.exec(spec);
  if (hostPort) {
    const n = Number(hostPort[2]);
    return n >= 1 && n <= 65535 ? { kind: 'address', address: spec, port: n } : undefined;
  }
  if (/^wss?:\/\/\S+$/i.test(spec)) return { kind: 'address', address: spec };
  return undefined;
}

/**
 * The attach address for what was typed in "Attach by Inspector Address": a bare number is a
 * port on 127.0.0.1 (so port 1 is never read as pid 1); anything else goes as typed.
 */
export function addressFromInput(text: string): string {
  const spec = text.trim();
  return /^\d+$/.test(spec) ? `127.0.0.1:${Number(spec)}` : spec;
}
