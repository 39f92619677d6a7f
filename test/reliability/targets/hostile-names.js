'use strict';
// A target whose names are markup: the leaking module sits in a folder and a file named with HTML
// tags and quotes, its leaking function is named with a script tag, and so is the process title.
// Every view must show these names as text. GET / adds one task blocked in that function.
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const FUNCTION_NAME = '<script>alert("fn")</script>&amp;';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), `alens-<img src=x onerror=alert('dir')>"-`));
const file = path.join(dir, '<b onmouseover=alert(1)>jobs &amp;.js');
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
process.title = '<img src=x onerror=alert("title")>';

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
  process.stdout.write(`READY ${JSON.stringify({ port: server.address().port, leakFile: file, leakLine, functionName: FUNCTION_NAME })}\n`);
});
