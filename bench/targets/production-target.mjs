// Benchmark target for the production profile: run with `-r dist/register.js` (or without, for
// the untracked baseline). Usage: node --expose-gc [-r dist/register.js] production-target.mjs
// Prints `READY {}`, then answers one line per command read from stdin:
//   promises <n>   -> DONE {"ms"}      n never-settling promises from 10 source lines
//   sites <n>      -> DONE {"ms"}      one never-settling promise at each of n new sites
//   scrape <k>     -> SCRAPE {"medianMs","maxMs","bytes"}  k collections of the metrics text, timed here
//   heap           -> HEAP {"heapUsed"} after two full GCs
//   exit
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

const require = createRequire(import.meta.url);
const held = [];
const never = () => {};
const makers = Array.from({ length: 10 }, () => () => new Promise(never));
let siteCount = 0;

function makeSites(n) {
  // Each generated script is its own file, hence its own site.
  for (let i = 0; i < n; i++, siteCount++) held.push((0, eval)(`new Promise(() => {})\n//# sourceURL=bench-site-${siteCount}.js`));
}

function scrape(k, metrics) {
  const times = [];
  let bytes = 0;
  for (let i = 0; i < k; i++) {
    const t0 = performance.now();
    bytes = metrics.leakMetricsText().length;
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[times.length >> 1], maxMs: times[times.length - 1], bytes };
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const [command, arg] = line.trim().split(/\s+/);
  const t0 = performance.now();
  if (command === 'promises') for (let i = 0; i < Number(arg); i++) held.push(makers[i % 10]());
  else if (command === 'sites') makeSites(Number(arg));
  else if (command === 'scrape') {
    const metrics = require(process.env.BENCH_METRICS_MODULE);
    process.stdout.write(`SCRAPE ${JSON.stringify(scrape(Number(arg), metrics))}\n`);
    return;
  } else if (command === 'heap') {
    globalThis.gc();
    globalThis.gc();
    process.stdout.write(`HEAP ${JSON.stringify({ heapUsed: process.memoryUsage().heapUsed })}\n`);
    return;
  } else if (command === 'exit') process.exit(0);
  else return;
  process.stdout.write(`DONE ${JSON.stringify({ ms: performance.now() - t0 })}\n`);
});
lines.on('close', () => process.exit(0));
process.stdout.write('READY {}\n');
