// Benchmark target holding many live async resources, for the snapshot, memory and poll-cost
// benchmarks. Usage: node --expose-gc --inspect=127.0.0.1:0 pending-target.mjs
// Prints `READY {}`, then answers one line per command read from stdin:
//   promises <n>   -> DONE {"ms"}       n never-settling promises, made from 10 source lines
//   timers <n>     -> DONE {"ms"}       n live (unref'd) intervals, made from 2 source lines
//   heap           -> HEAP {"heapUsed"} after two full GCs
//   clear          -> DONE {"ms"}       drops and clears everything
//   exit
import { createInterface } from 'node:readline';

const held = [];
const intervals = [];
const never = () => {};

// Ten creation sites, called round-robin.
const makers = [
  () => new Promise(never),
  () => new Promise(never),
  () => new Promise(never),
  () => new Promise(never),
  () => new Promise(never),
  () => new Promise(never),
  () => new Promise(never),
  () => new Promise(never),
  () => new Promise(never),
  () => new Promise(never),
];

function makePromises(n) {
  for (let i = 0; i < n; i++) held.push(makers[i % 10]());
}

function makeTimers(n) {
  for (let i = 0; i < n; i++) {
    const timer = i % 2 ? setInterval(never, 3_600_000) : setInterval(never, 7_200_000);
    timer.unref();
    intervals.push(timer);
  }
}

function heapAfterGc() {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const [command, arg] = line.trim().split(/\s+/);
  const t0 = performance.now();
  if (command === 'promises') makePromises(Number(arg));
  else if (command === 'timers') makeTimers(Number(arg));
  else if (command === 'clear') {
    held.length = 0;
    for (const timer of intervals.splice(0)) clearInterval(timer);
  } else if (command === 'heap') {
    process.stdout.write(`HEAP ${JSON.stringify({ heapUsed: heapAfterGc() })}\n`);
    return;
  } else if (command === 'exit') process.exit(0);
  else return;
  process.stdout.write(`DONE ${JSON.stringify({ ms: performance.now() - t0 })}\n`);
});
lines.on('close', () => process.exit(0));
process.stdout.write('READY {}\n');
