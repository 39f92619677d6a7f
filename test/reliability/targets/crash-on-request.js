'use strict';
// A target that crashes on request: GET /crash throws an uncaught exception from a timer (exit
// code 1, like a real crash); GET / leaves one task waiting forever, so there is work to track.
const http = require('node:http');

const waiters = [];
async function waitForever() {
  await new Promise((resolve) => waiters.push(resolve)); // @leak blocked
}

const server = http.createServer((req, res) => {
  if (req.url === '/crash') {
    res.end('crashing\n');
    setTimeout(() => {
      throw new Error('crash requested by the test');
    }, 50);
    return;
  }
  waitForever();
  res.end('ok\n');
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`READY ${JSON.stringify({ port: server.address().port })}\n`));
