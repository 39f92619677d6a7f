// Benchmark target for the census: async functions suspended before any tool attaches, and
// optionally ballast to grow the heap. Usage:
//   node --inspect=127.0.0.1:0 census-target.mjs <pending tasks> <ballast MB>
// Prints `READY {"heapUsed"}` once everything is in place, then idles until killed.
const tasks = Number(process.argv[2] ?? 0);
const ballastMb = Number(process.argv[3] ?? 0);

const wakers = [];
async function waitForWork(i) {
  await new Promise((resolve) => wakers.push(resolve));
  return i;
}
for (let i = 0; i < tasks; i++) waitForWork(i);

// Small objects with strings, so the heap has many nodes and edges, as a real one does.
const ballast = [];
let bytes = 0;
for (let i = 0; bytes < ballastMb * 1024 * 1024; i++) {
  ballast.push({ id: i, name: `item-${i}`, tags: [i & 7, i & 15], when: new Date(i) });
  bytes += 180;
}
globalThis.__censusBench = { wakers, ballast };
setInterval(() => {}, 1 << 30);
process.stdout.write(`READY ${JSON.stringify({ heapUsed: process.memoryUsage().heapUsed })}\n`);
