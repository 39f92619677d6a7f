'use strict';
// A target that holds a great many pending promises, on request:
// - GET /spread: 10 pending promises at each of 200 generated lines, paced so every one gets a
//   stack (many sites, for the views that must load them lazily);
// - GET /grow?count=N: N pending promises at three lines, made in batches between which the
//   target keeps answering;
// - GET /heap: heap used after a full GC (start with --expose-gc).
const http = require('node:http');
const path = require('node:path');
const vm = require('node:vm');

const resolvers = [];
const keep = (resolve) => resolvers.push(resolve);
const makers = [
  () => new Promise(keep), // first of three sites
  () => new Promise(keep), // second
  () => new Promise(keep), // third
];
const SPREAD_SITES = 200;
const spreadMakers = vm.runInThisContext(
  `(function (keep) { return [\n${Array.from({ length: SPREAD_SITES }, () => '  () => new Promise(keep),').join('\n')}\n]; })`,
  { filename: path.join(__dirname, 'million-promises-generated.js') },
)(keep);

function grow(count, done) {
  let made = 0;
  const batch = () => {
    const end = Math.min(count, made + 50_000);
    for (; made < end; made++) makers[made % 3]();
    if (made < count) setImmediate(batch);
    else done();
  };
  batch();
}

function spread(done) {
  let round = 0;
  const next = () => {
    for (const make of spreadMakers) make();
    if (++round < 10) setTimeout(next, 250);
    else done();
  };
  next();
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  const reply = (body) => res.end(`${JSON.stringify(body)}\n`);
  if (url.pathname === '/grow') grow(Number(url.searchParams.get('count') ?? 0), () => reply({ pending: resolvers.length }));
  else if (url.pathname === '/spread') spread(() => reply({ pending: resolvers.length }));
  else if (url.pathname === '/heap') {
    global.gc?.();
    reply({ heapUsed: process.memoryUsage().heapUsed, pending: resolvers.length });
  } else {
    res.statusCode = 404;
    res.end();
  }
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`READY ${JSON.stringify({ port: server.address().port })}\n`));
