// The README's "real session" is the output of a real `npm run demo`: this runs the demo and
// writes its output between the README's demo markers (--write), checks that the README still
// matches it apart from what changes on every run: pids, ports, times, temp folders (--check, run
// by test/integration/readme-session.test.ts), or prints it.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const README = join(root, 'README.md');
const START = '<!-- demo output: start (npm run readme:session -- --write) -->';
const END = '<!-- demo output: end -->';

/** Runs the demo (built CLI needed) and returns its output with the temp folder named /tmp/demo. */
function runDemo() {
  // One file for stdout and stderr keeps their lines in the order a terminal shows them.
  const dir = mkdtempSync(join(tmpdir(), 'async-leak-lens-readme-'));
  const file = join(dir, 'demo.txt');
  const fd = openSync(file, 'w');
  let output;
  try {
    const run = spawnSync(process.execPath, [join(root, 'scripts', 'demo.mjs')], {
      cwd: root,
      stdio: ['ignore', fd, fd],
      timeout: 180_000,
    });
    output = readFileSync(file, 'utf8');
    if (run.status !== 0) throw new Error(`the demo failed (exit ${run.status ?? run.signal}):\n${output}`);
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
  return output.replace(/\/[^\s]*\/async-leak-lens-demo-[A-Za-z0-9]+/g, '/tmp/demo').trimEnd();
}

/** The transcript in the README, between the markers. */
function readmeTranscript(readme = readFileSync(README, 'utf8')) {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no demo markers (${START} … ${END})`);
  return readme
    .slice(start + START.length, end)
    .replace(/^\s*```text\n/, '')
    .replace(/\n```\s*$/, '');
}

/** What differs between two runs of the same demo, replaced by placeholders. */
function normalise(text) {
  return (
    text
      .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<time>')
      .replace(/\(pid \d+\)|pid \d+/g, (m) => m.replace(/\d+/, '<pid>'))
      .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>')
      .replace(/--target \d+/g, '--target <port>')
      .replace(/\bv\d+\.\d+\.\d+, [^)]+\)/g, '<node>)')
      .replace(/\d+(\.\d+)? (ms|s)\b/g, '<duration>')
      .replace(/\d+(\.\d+)? MB\b/g, '<size>')
      // Node's own timers (the HTTP date cache) come and go with the moment of the census.
      .replace(/\(\d+ more in Node or dependencies\)/g, '(<n> more in Node or dependencies)')
      .replace(/ +/g, ' ')
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const output = runDemo();
  if (process.argv.includes('--write')) {
    const readme = readFileSync(README, 'utf8');
    const start = readme.indexOf(START);
    const end = readme.indexOf(END);
    if (start < 0 || end < start) throw new Error('README.md has no demo markers');
    writeFileSync(README, `${readme.slice(0, start + START.length)}\n\`\`\`text\n${output}\n\`\`\`\n${readme.slice(end)}`);
    console.log('README.md: demo output replaced');
  } else if (process.argv.includes('--check')) {
    const want = normalise(readmeTranscript()).split('\n');
    const got = normalise(output).split('\n');
    const at = want.findIndex((line, i) => line !== got[i]);
    if (at >= 0 || got.length !== want.length) {
      const i = at >= 0 ? at : Math.min(want.length, got.length);
      console.error(
        `README.md's demo output is stale at line ${i + 1} of the transcript:\n  README: ${want[i] ?? '(ends)'}\n  demo:   ${got[i] ?? '(ends)'}\nRegenerate it: npm run build && npm run readme:session -- --write`,
      );
      process.exit(1);
    }
    console.log(`README.md's demo output matches a real run (${got.length} lines)`);
  } else {
    console.log(output);
  }
}
