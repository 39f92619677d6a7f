// A real Prometheus for tests: started on 127.0.0.1 with a generated config and a temp storage
// folder, queried through its HTTP API, stopped (and its folder removed) at the end.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTool } from './prometheus-tools';
import { freePort } from './preload';

export interface ScrapeJob {
  job: string;
  targets: string[];
}

export interface PromResult {
  metric: Record<string, string>;
  value: [number, string];
}

export class PrometheusServer {
  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
    private readonly dir: string,
    private readonly output: () => string,
  ) {}

  /** `rules`: the text of a rules file to load (evaluated every second, like the scrapes). */
  static async start(jobs: ScrapeJob[], rules?: string, listenPort?: number): Promise<PrometheusServer> {
    const binary = findTool('prometheus');
    if (!binary) throw new Error('prometheus not found');
    const dir = mkdtempSync(join(tmpdir(), 'all-prometheus-'));
    const port = listenPort ?? (await freePort());
    const config = [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      '  evaluation_interval: 1s',
      ...(rules ? ['rule_files:', `  - ${JSON.stringify(join(dir, 'rules.yml'))}`] : []),
      'scrape_configs:',
      ...jobs.flatMap((j) => [
        `  - job_name: ${JSON.stringify(j.job)}`,
        '    static_configs:',
        `      - targets: ${JSON.stringify(j.targets)}`,
      ]),
      '',
    ].join('\n');
    writeFileSync(join(dir, 'prometheus.yml'), config);
    if (rules) writeFileSync(join(dir, 'rules.yml'), rules);
    const child = spawn(
      binary,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout!.on('data', (c) => (output += c));
    child.stderr!.on('data', (c) => (output += c));
    const server = new PrometheusServer(`http://127.0.0.1:${port}`, child, dir, () => output);
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`prometheus exited: ${output}`);
      try {
        if ((await fetch(`${server.url}/-/ready`, { signal: AbortSignal.timeout(1000) })).status === 200) return server;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await server.stop();
        throw new Error(`prometheus not ready after 20 s: ${output}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** An instant PromQL query (HTTP API /api/v1/query). */
  async query(promql: string): Promise<PromResult[]> {
    const response = await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(promql)}`, { signal: AbortSignal.timeout(5000) });
    const body = (await response.json()) as { status: string; data?: { result: PromResult[] }; error?: string };
    if (body.status !== 'success') throw new Error(`query ${promql}: ${body.error ?? response.status}`);
    return body.data!.result;
  }

  /** Polls `promql` until `done` holds for its result; returns that result (or the last one on timeout). */
  async waitFor(promql: string, done: (r: PromResult[]) => boolean, timeoutMs: number): Promise<PromResult[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const result = await this.query(promql);
      if (done(result) || Date.now() > deadline) return result;
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  get log(): string {
    return this.output();
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
