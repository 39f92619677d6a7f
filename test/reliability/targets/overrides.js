'use strict';
// A target that overrides what the agent relies on: Error.prepareStackTrace and stackTraceLimit,
// the global Promise, process.emit, and async_hooks.createHook. The agent must still find the
// leak, and every override must keep working exactly as before. GET /state reports on them.
const asyncHooks = require('node:async_hooks');
const http = require('node:http');

Error.stackTraceLimit = 2;
Error.prepareStackTrace = (error, sites) => `custom(${sites.length}): ${error.message}`;

const NativePromise = Promise;
let promisesConstructed = 0;
global.Promise = class CountingPromise extends NativePromise {
  constructor(executor) {
    super(executor);
    promisesConstructed++;
  }
};

let emits = 0;
const emit = process.emit;
process.emit = function patchedEmit(...args) {
  emits++;
  return emit.apply(this, args);
};

let hooksCreated = 0;
const createHook = asyncHooks.createHook;
asyncHooks.createHook = function patchedCreateHook(callbacks) {
  hooksCreated++;
  return createHook.call(this, callbacks);
};

// Kept reachable: an unreachable never-settling promise is garbage, not a leak.
const waiters = [];
async function waitForever() {
  await new global.Promise((resolve) => waiters.push(resolve)); // @leak blocked
}

const server = http.createServer((req, res) => {
  if (req.url === '/state') {
    process.emit('custom-event');
    const stack = (function a() { return (function b() { return (function c() { return new Error('probe').stack; })(); })(); })();
    res.end(JSON.stringify({ stack, limit: Error.stackTraceLimit, promisesConstructed, emits, hooksCreated, promiseIsOurs: global.Promise.name }));
    return;
  }
  waitForever();
  res.end('ok\n');
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`READY ${JSON.stringify({ port: server.address().port })}\n`));
