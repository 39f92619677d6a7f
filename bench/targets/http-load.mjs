// Load client for the HTTP workload, in its own process: `requests` keep-alive GETs to
// 127.0.0.1:<port>, `concurrency` in flight. Prints RESULT {"wallMs","ok","failed"}.
// Usage: node http-load.mjs <port> <requests> <concurrency>
import { Agent, get } from 'node:http';

const [port, requests, concurrency] = process.argv.slice(2).map(Number);
if (!(port > 0 && requests > 0 && concurrency > 0)) {
  process.stderr.write('usage: node http-load.mjs <port> <requests> <concurrency>\n');
  process.exit(2);
}
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
const REQUEST_TIMEOUT_MS = 10_000;

function once() {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path: '/user', agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
      res.on('error', () => resolve(false));
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
  });
}

let started = 0;
let ok = 0;
let failed = 0;
const t0 = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (started < requests) {
      started++;
      if (await once()) ok++;
      else failed++;
    }
  }),
);
const wallMs = performance.now() - t0;
agent.destroy();
process.stdout.write(`RESULT ${JSON.stringify({ wallMs, ok, failed })}\n`);
