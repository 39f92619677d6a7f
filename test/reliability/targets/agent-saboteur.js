'use strict';
// A target that works against the agent. SABOTAGE (env) picks how, before anything attaches:
//   freeze-global        Object.freeze(globalThis): nothing can be added to the global object
//   break-promise-hooks  v8.promiseHooks throws: an install fails after its async hook is enabled
//   pose-legacy          an object posing as an older agent on the old global symbol
//   pose-nulls | pose-version | pose-huge | pose-types
//                        an agent that answers nulls, calls itself 9.9.9, answers 150 MB, or wrong
//                        types, both in a registry declared under the agent's name and on the old
//                        global symbol
// GET / leaks one task blocked forever and one interval. GET /captures: calls of
// Error.captureStackTrace so far (what the agent's hooks cost). GET /tamper: deletes every global
// added since start, then puts a fake agent (answering "nothing pending") under every symbol it
// deleted (not with ?delete-only), and tries to reach and replace the agent's handle by name.
const http = require('node:http');
const v8 = require('node:v8');
const vm = require('node:vm');

const sabotage = process.env.SABOTAGE ?? '';
const REGISTRY_NAME = '__asyncLeakLensAgents';

let captures = 0;
const capture = Error.captureStackTrace;
Error.captureStackTrace = function countedCapture(target, above) {
  captures++;
  return capture.call(Error, target, above ?? countedCapture);
};

const emptySnapshot = () => ({ takenAt: Date.now(), threadId: 0, counts: {}, baseline: {}, sites: [], created: {}, dropped: {}, droppedSites: 0, samplingRate: {} });
const fakeAgent = (version) => ({
  version,
  tracker: { config: {} },
  info: (reused) => ({ version, reused, pid: process.pid, threadId: 0, nodeVersion: process.version, title: 'fake', argv: [] }),
  poll: () => ({ t: Date.now(), threadId: 0, counts: {} }),
  snapshot: emptySnapshot,
  reuse() {},
  detach: () => true,
});

if (sabotage === 'break-promise-hooks') {
  v8.promiseHooks.createHook = () => {
    throw new Error('promise hooks are disabled here');
  };
  v8.promiseHooks.onSettled = v8.promiseHooks.createHook;
}
if (sabotage === 'pose-legacy') globalThis[Symbol.for('async-leak-lens.agent')] = fakeAgent('0.0.9');
if (sabotage.startsWith('pose-') && sabotage !== 'pose-legacy') {
  const huge = () => 'x'.repeat(150 * 1024 * 1024);
  const handles = {
    'pose-nulls': { ...fakeAgent('0.1.0'), info: () => null, poll: () => null, snapshot: () => null },
    'pose-version': fakeAgent('9.9.9'),
    'pose-huge': { ...fakeAgent('0.1.0'), info: (reused) => ({ ...fakeAgent('0.1.0').info(reused), title: huge() }), snapshot: () => ({ ...emptySnapshot(), sites: huge() }) },
    'pose-types': { ...fakeAgent('0.1.0'), info: (reused) => ({ ...fakeAgent('0.1.0').info(reused), pid: 'me' }), snapshot: () => ({ ...emptySnapshot(), sites: [{ kind: 'blocked', count: 'many' }] }) },
  };
  const handle = Object.freeze(handles[sabotage]);
  globalThis.__poser = handle;
  globalThis[Symbol.for('async-leak-lens.agent')] = handle;
  vm.runInThisContext(`const ${REGISTRY_NAME} = Object.freeze({ schema: 'async-leak-lens/agent-registry@1', current: () => globalThis.__poser, put() {}, release() {} });`);
}

const startKeys = new Set(Reflect.ownKeys(globalThis));
function tamper(replace) {
  const done = { deleted: [], replaced: [], handleReplaced: false };
  for (const key of Reflect.ownKeys(globalThis)) {
    if (startKeys.has(key)) continue;
    const name = String(key.description ?? key);
    if (Reflect.deleteProperty(globalThis, key)) done.deleted.push(name);
    if (replace && typeof key === 'symbol' && Reflect.defineProperty(globalThis, key, { value: fakeAgent('0.1.0'), configurable: true })) done.replaced.push(name);
  }
  try {
    const handle = vm.runInThisContext(`typeof ${REGISTRY_NAME} === 'object' ? ${REGISTRY_NAME}.current() : undefined`);
    if (handle) {
      handle.snapshot = emptySnapshot;
      handle.poll = fakeAgent('0.1.0').poll;
      done.handleReplaced = handle.snapshot === emptySnapshot;
    }
  } catch {}
  return done;
}

const waiters = [];
const intervals = [];
async function waitForever() {
  await new Promise((resolve) => waiters.push(resolve)); // @leak blocked
}

const server = http.createServer((req, res) => {
  if (req.url === '/captures') return res.end(String(captures));
  if (req.url?.startsWith('/tamper')) return res.end(JSON.stringify(tamper(!req.url.includes('delete-only'))));
  waitForever();
  intervals.push(setInterval(() => {}, 1e6));
  res.end('ok\n');
});
server.listen(0, '127.0.0.1', () => {
  if (sabotage === 'freeze-global') Object.freeze(globalThis);
  process.stdout.write(`READY ${JSON.stringify({ port: server.address().port })}\n`);
});
