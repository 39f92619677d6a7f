// Kills a process group and every descendant (Linux /proc), so no extension host, file watcher
// or debuggee outlives a test run. Descendants are listed before the kill: once their parent
// dies they are re-parented and can no longer be traced back.
import { readdirSync, readFileSync } from 'node:fs';

function parentMap() {
  const parents = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // Field 4 of /proc/PID/stat is the parent pid; the command name (field 2) may hold spaces.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // The process ended while we were reading.
    }
  }
  return parents;
}

export function descendants(pid) {
  let parents;
  try {
    parents = parentMap();
  } catch {
    return [];
  } // no /proc: rely on the group kill
  const found = [];
  const queue = [pid];
  while (queue.length) {
    const current = queue.shift();
    for (const [child, parent] of parents) {
      if (parent === current) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

// A zombie counts as gone: in containers nobody may ever reap it.
function alive(pid) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\S+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}
const signal = (pid, sig) => {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
};

// Synchronous last resort (usable in an 'exit' handler).
export function killTreeNow(groupLeader) {
  for (const pid of descendants(groupLeader)) signal(pid, 'SIGKILL');
  signal(-groupLeader, 'SIGKILL');
}

// SIGTERM first so servers can shut down, SIGKILL whatever is left after graceMs.
export async function killTree(groupLeader, graceMs = 3000) {
  const pids = [groupLeader, ...descendants(groupLeader)];
  signal(-groupLeader, 'SIGTERM');
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && pids.some(alive)) {
    await new Promise((r) => setTimeout(r, 100));
  }
  signal(-groupLeader, 'SIGKILL');
  for (const pid of pids) if (alive(pid)) signal(pid, 'SIGKILL');
}
