// A benchmark target: one workload, run on command, so that the same process can be measured
// untracked, with the agent attached, after the agent detached, or with a peer tool's hook.
// Usage: node --inspect=127.0.0.1:0 workload-target.mjs <await|timers_fs|http> [--peer]
// Prints `READY {"port":n}` (n = HTTP port, 0 for the others), then answers one line per command
// read from stdin:
//   run <size>  -> RESULT {"wallMs","cpuMs"}   (await, timers_fs: runs the workload once)
//   cpu         -> CPU {"cpuMs"}               (CPU time used so far by this process)
//   exit
// Built-ins only (plus why-is-node-running with --peer); the HTTP server binds 127.0.0.1.
import { stat } from 'node:fs';
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';

const workload = process.argv[2];
if (process.argv.includes('--peer')) {
  // The peer tool installs its async hook (init + destroy, a stack per resource) on import.
  await import('why-is-node-running');
}

function cpuMs() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

async function measure(run) {
  const cpu0 = cpuMs();
  const t0 = performance.now();
  await run();
  return { wallMs: performance.now() - t0, cpuMs: cpuMs() - cpu0 };
}

/** W1: `size` awaits of resolved values in one async function. */
async function awaits(size) {
  let sum = 0;
  for (let i = 0; i < size; i++) sum += await i;
  return sum;
}

/** W3: `size` timers and immediates in batches, plus size/10 fs.stat calls, 50 in flight. */
async function timersAndFs(size) {
  const BATCH = 1000;
  for (let done = 0; done < size; done += BATCH) {
    await new Promise((resolve) => {
      let left = BATCH;
      const one = () => {
        if (--left === 0) resolve();
      };
      for (let i = 0; i < BATCH; i += 2) {
        setTimeout(one, 0);
        setImmediate(one);
      }
    });
  }
  await new Promise((resolve, reject) => {
    const total = Math.ceil(size / 10);
    let started = 0;
    let finished = 0;
    const next = () => {
      if (started >= total) return;
      started++;
      stat(import.meta.filename ?? process.argv[1], (error) => {
        if (error) return reject(error);
        if (++finished === total) resolve();
        else next();
      });
    };
    for (let i = 0; i < 50; i++) next();
  });
}

let port = 0;
if (workload === 'http') {
  // W2: a small JSON API with an async handler (one await of a lookup, as real handlers do).
  const lookup = async (id) => {
    await null;
    return { id, name: `user-${id}`, roles: ['reader'] };
  };
  const server = createServer(async (req, res) => {
    const user = await lookup(req.url.length);
    const body = JSON.stringify(user);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  server.keepAliveTimeout = 10_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = server.address().port;
} else if (workload !== 'await' && workload !== 'timers_fs') {
  process.stderr.write(`unknown workload "${workload}" (await, timers_fs, http)\n`);
  process.exit(2);
}

const lines = createInterface({ input: process.stdin });
lines.on('line', async (line) => {
  const [command, arg] = line.trim().split(/\s+/);
  if (command === 'run') {
    const size = Number(arg);
    const result = await measure(() => (workload === 'await' ? awaits(size) : timersAndFs(size)));
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  } else if (command === 'cpu') {
    process.stdout.write(`CPU ${JSON.stringify({ cpuMs: cpuMs() })}\n`);
  } else if (command === 'exit') {
    process.exit(0);
  }
});
lines.on('close', () => process.exit(0));
process.stdout.write(`READY ${JSON.stringify({ port })}\n`);
