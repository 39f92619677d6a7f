'use strict';
// A target whose names drive terminals: the leaking module sits in a folder and a file whose
// names hold ESC sequences, an OSC window title, a carriage return and a newline followed by a
// fake verdict line; so do its leaking function's name and the process title. GET / adds one task
// blocked in that function. With PLANT_BROKEN_AGENT=1 it also plants an object posing as the
// agent whose calls throw an error with the same text, so the CLI prints exception text.
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const FAKE = 'OK: no leak found';
const INJECTION = `\u001b]0;pwned\u0007\u001b[2J\u001b[31m\r${FAKE}\n${FAKE}`;
const FUNCTION_NAME = `leak${INJECTION}`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alens-\u001b]2;dir\u0007\u001b[1A-'));
const file = path.join(dir, `jobs\r\n${FAKE}\u001b[K.js`);
const lines = [
  "'use strict';",
  'const waiters = [];',
  'module.exports = {',
  `  async [${JSON.stringify(FUNCTION_NAME)}]() {`,
  '    await new Promise((resolve) => waiters.push(resolve)); // @leak blocked',
  '  },',
  '};',
];
fs.writeFileSync(file, `${lines.join('\n')}\n`);
const leakLine = lines.findIndex((l) => l.includes('// @leak')) + 1;
const jobs = require(file);
process.title = `t\u001b]0;title\u0007\r${FAKE}`;

if (process.env.PLANT_BROKEN_AGENT === '1') {
  // An agent registry whose agent (of the tool's own version, so it is reused) throws the
  // injection from every call: the tool reports the exception text.
  const fail = () => {
    throw new Error(INJECTION);
  };
  const { version } = require('../../../package.json');
  globalThis.__brokenAgent = Object.freeze({ version, info: fail, poll: fail, snapshot: fail, census: fail, reuse() {}, detach: fail });
  require('node:vm').runInThisContext(
    "const __asyncLeakLensAgents = Object.freeze({ schema: 'async-leak-lens/agent-registry@1', current: () => globalThis.__brokenAgent, put() {}, release() {} });",
  );
}

const cleanUp = () => fs.rmSync(dir, { recursive: true, force: true });
process.on('exit', cleanUp);
process.on('SIGTERM', () => process.exit(0));

const server = http.createServer((req, res) => {
  if (req.url !== '/') {
    res.statusCode = 404;
    res.end();
    return;
  }
  jobs[FUNCTION_NAME]();
  res.end('ok\n');
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`READY ${JSON.stringify({ port: server.address().port, leakFile: file, leakLine })}\n`);
});
