// Runs programs the way a production install does: a temp folder with node_modules/async-leak-lens
// pointing at this repository (so `-r async-leak-lens/register` resolves through package.json
// "exports" to the built dist/), plus the program's files copied in.
import { cpSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot } from './fixtures';

/**
 * A temp app folder with the package installed, the `peers` it uses (linked from this
 * repository's node_modules) and the files of test/fixtures/<fixture> in it.
 */
export function makeInstalledApp(fixture: string, peers: string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'all-prod-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(repoRoot(), join(dir, 'node_modules', 'async-leak-lens'), 'dir');
  for (const peer of peers) {
    mkdirSync(dirname(join(dir, 'node_modules', peer)), { recursive: true });
    symlinkSync(join(repoRoot(), 'node_modules', peer), join(dir, 'node_modules', peer), 'dir');
  }
  cpSync(join(repoRoot(), 'test', 'fixtures', fixture), dir, { recursive: true });
  return dir;
}

/** The packages metrics-app.js needs besides async-leak-lens. */
export const METRICS_PEERS = ['prom-client', '@opentelemetry/api', '@opentelemetry/sdk-metrics', '@opentelemetry/exporter-prometheus'];

/** A loopback port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

/** The first of `n` consecutive loopback ports that are all free right now. */
export async function freePortRange(n: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = await freePort();
    if (base + n > 65535) continue;
    const servers: net.Server[] = [];
    let ok = true;
    for (let i = 0; i < n && ok; i++) {
      const server = net.createServer();
      ok = await new Promise<boolean>((resolve) => {
        server.once('error', () => resolve(false));
        server.listen(base + i, '127.0.0.1', () => resolve(true));
      });
      if (ok) servers.push(server);
    }
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    if (ok) return base;
  }
  throw new Error(`no ${n} consecutive free ports found`);
}

/** GET a loopback URL's body as text (status must be 200). */
export async function getText(url: string, timeoutMs = 10_000): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status} ${body.slice(0, 200)}`);
  return body;
}

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses Prometheus text format samples (enough for tests: no timestamps, no exemplars). */
export function parsePromText(text: string): PromSample[] {
  const out: PromSample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    const pairs = match[2] ?? '';
    const pair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g;
    let m: RegExpExecArray | null;
    while ((m = pair.exec(pairs))) labels[m[1]] = m[2].replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    out.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return out;
}
