'use strict';
// A target that makes stack capture hard. TRICK (env) picks how, before anything attaches:
//   throwing-capture   Error.captureStackTrace throws
//   readonly-prepare   Error.prepareStackTrace is read-only (and not ours)
//   (none)             with `node --frozen-intrinsics`: Error itself is frozen
//   promise-in-capture Error.captureStackTrace is wrapped by code that makes a promise each call
//   promise-subclass   the global Promise is a subclass
// GET / adds one task blocked forever and one interval. GET /state: how often the capture wrapper
// ran, and how often it was entered while already running.
const http = require('node:http');

const trick = process.env.TRICK ?? '';
const state = { captures: 0, reentered: 0 };

if (trick === 'throwing-capture') {
  Error.captureStackTrace = function refuse() {
    throw new Error('stack capture is disabled in this process');
  };
}
if (trick === 'readonly-prepare') {
  Object.defineProperty(Error, 'prepareStackTrace', { value: (error) => `no stacks: ${error.message}`, writable: false, configurable: false });
}
if (trick === 'promise-in-capture') {
  const capture = Error.captureStackTrace;
  let depth = 0;
  Error.captureStackTrace = function tracedCapture(target, above) {
    state.captures++;
    if (depth > 0) state.reentered++;
    depth++;
    try {
      // Tracing code that reports asynchronously: a promise per call.
      Promise.resolve(state.captures).then(() => undefined);
      return capture.call(Error, target, above ?? tracedCapture);
    } finally {
      depth--;
    }
  };
}
if (trick === 'promise-subclass') {
  const NativePromise = Promise;
  global.Promise = class TracedPromise extends NativePromise {};
}

const waiters = [];
const intervals = [];
async function waitForever() {
  await new Promise((resolve) => waiters.push(resolve)); // @leak blocked
}

const server = http.createServer((req, res) => {
  if (req.url === '/state') return res.end(JSON.stringify(state));
  waitForever();
  intervals.push(setInterval(() => {}, 1e6));
  res.end('ok\n');
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`READY ${JSON.stringify({ port: server.address().port })}\n`));
