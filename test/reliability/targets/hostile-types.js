'use strict';
// A target whose AsyncResource types are named like Object.prototype members. GET / adds one
// pending resource of each (kept, never finished).
const http = require('node:http');
const { AsyncResource } = require('node:async_hooks');

const TYPES = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf'];
const kept = [];

const server = http.createServer((req, res) => {
  for (const type of TYPES) kept.push(new AsyncResource(type));
  res.end('ok\n');
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`READY ${JSON.stringify({ port: server.address().port, types: TYPES })}\n`));
