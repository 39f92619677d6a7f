'use strict';
// A target with its own HTTP server that prints every request it gets, with the pid of the
// process that sent it ("REQUEST GET /path FROM 1234" on stdout; Linux /proc, else "FROM ?"):
// a tool that probes it as if it were an inspector shows up in its output, even on a machine
// where other programs probe ports too.
const fs = require('node:fs');
const http = require('node:http');

const server = http.createServer((req, res) => {
  process.stdout.write(`REQUEST ${req.method} ${req.url} FROM ${senderPid(req.socket.remotePort)}\n`);
  res.end('ok\n');
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`READY ${JSON.stringify({ port: server.address().port })}\n`));

/** The process that holds the client end of a loopback connection (its local port is our remote port). */
function senderPid(clientPort) {
  try {
    const ownPort = server.address().port;
    const hex = (n) => n.toString(16).toUpperCase().padStart(4, '0');
    let inode;
    for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
      for (const line of fs.readFileSync(table, 'utf8').split('\n').slice(1)) {
        const cols = line.trim().split(/\s+/);
        if (cols.length > 9 && cols[1].endsWith(`:${hex(clientPort)}`) && cols[2].endsWith(`:${hex(ownPort)}`)) inode = cols[9];
      }
    }
    if (!inode) return '?';
    for (const pid of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      let fds = [];
      try {
        fds = fs.readdirSync(`/proc/${pid}/fd`);
      } catch {
        continue;
      }
      for (const fd of fds) {
        try {
          if (fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`) return pid;
        } catch {
          // closed meanwhile
        }
      }
    }
  } catch {
    // not Linux
  }
  return '?';
}
