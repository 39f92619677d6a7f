'use strict';
// A target that freezes once the agent is in it, to test what the CLI does with a target that
// cannot answer. FREEZE=gc: after the next GC it prints GC and blocks for 2 s, time for the test
// to stop it (SIGSTOP) in the middle of an attach or a snapshot. FREEZE=block:<ms>: it blocks its main thread in a synchronous child
// process for that long (no inspector message is served meanwhile) and prints BLOCKING first.
// Otherwise an ordinary server with a forgotten interval per request.
const { execFileSync } = require('node:child_process');
const http = require('node:http');

const mode = process.env.FREEZE ?? '';
// The agent's registry is a global lexical binding the tool declares; reading it before then throws.
const agentInstalled = () => {
  try {
    // eslint-disable-next-line no-undef
    return __asyncLeakLensAgents.current() !== undefined;
  } catch {
    return false;
  }
};
const armed = setInterval(() => {
  if (!agentInstalled()) return;
  clearInterval(armed);
  if (mode === 'gc') {
    // Called after a GC collected the object; blocked natively, it serves no inspector message
    // until the test has stopped it.
    const registry = new FinalizationRegistry(() => {
      process.stdout.write('GC\n');
      execFileSync('sleep', ['2']);
    });
    registry.register({ big: new Array(1000).fill(0) }, 'gone');
    globalThis.freezeRegistry = registry;
  } else if (mode.startsWith('block:')) {
    process.stdout.write('BLOCKING\n');
    execFileSync('sleep', [String(Number(mode.slice('block:'.length)) / 1000)]);
  }
}, 5);

process.on('SIGTERM', () => process.exit(0));
const server = http.createServer((req, res) => {
  setInterval(() => {}, 60_000);
  res.end('ok\n');
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`READY ${JSON.stringify({ port: server.address().port })}\n`));
