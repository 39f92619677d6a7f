import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LensError } from '../../src/core/errors';
import { checkProbeOptions, findAbandoned, findLeaks, parseProbeUrl, PROBE_SCHEMA, type ProbeResult } from '../../src/core/probe/probe';
import { formatProbeReport } from '../../src/cli/probe-report-text';
import { formatProbeMarkdown } from '../../src/core/probe/probe-report';
import { frame, site, snapshot } from './core-test-data';

const sendAt = frame('src/sender.ts', 39, 11, 'send');
const cacheAt = frame('src/cache.ts', 12, 3, 'fill');
const socketAt = frame('node:net', 175, 12, 'createHandle');

/** Snapshots with the given counts per site (one snapshot per column). */
function rounds(columns: Record<string, { at: typeof sendAt; kind?: 'blocked' | 'created'; counts: number[] }>) {
  const userCode = (at: typeof sendAt) => !at.file.startsWith('node:');
  const n = Object.values(columns)[0].counts.length;
  return Array.from({ length: n }, (_, i) =>
    snapshot(
      Object.values(columns).flatMap((c) =>
        c.counts[i] > 0 ? [site({ at: c.at, kind: c.kind, count: c.counts[i], userCode: userCode(c.at) })] : [],
      ),
    ),
  );
}

describe('probe verdict: growth that scales with requests', () => {
  test('a leak is a line (3 -> 53 -> 104): flagged with its per-request rate', () => {
    const leaks = findLeaks(rounds({ send: { at: sendAt, kind: 'blocked', counts: [3, 53, 104] } }), [50, 50], 0.05);
    assert.equal(leaks.length, 1);
    assert.equal(leaks[0].site.frame, sendAt);
    assert.deepEqual(leaks[0].counts, [3, 53, 104]);
    assert.ok(Math.abs(leaks[0].perRequest - 1.02) < 1e-9, `rate ${leaks[0].perRequest}`);
  });

  test('a one-off warm-up cost (first round only) is not a leak', () => {
    const leaks = findLeaks(rounds({ cache: { at: cacheAt, counts: [0, 50, 50, 51] } }), [50, 50, 50], 0.05);
    assert.deepEqual(leaks, []);
  });

  test('late work that does not pile up from round to round is not a leak', () => {
    // Whatever is still running at each snapshot: about the same every round.
    assert.deepEqual(findLeaks(rounds({ socket: { at: socketAt, counts: [0, 8, 7, 9] } }), [100, 100, 100], 0.05), []);
    // Growing, but by less than the minimum per request in one round.
    assert.deepEqual(findLeaks(rounds({ socket: { at: socketAt, counts: [0, 8, 11, 30] } }), [100, 100, 100], 0.05), []);
  });

  test('with one round there is nothing to tell warm-up from a leak: round 1 is judged alone', () => {
    const leaks = findLeaks(rounds({ cache: { at: cacheAt, counts: [0, 50] } }), [50], 0.05);
    assert.equal(leaks.length, 1);
    assert.equal(leaks[0].perRequest, 1);
  });

  test('your code first, then the fastest, blocked-at lines first among equals', () => {
    const leaks = findLeaks(
      rounds({
        internal: { at: socketAt, counts: [0, 200, 400] },
        created: { at: cacheAt, counts: [0, 100, 200] },
        blocked: { at: sendAt, kind: 'blocked', counts: [0, 100, 200] },
      }),
      [100, 100],
      0.05,
    );
    assert.deepEqual(
      leaks.map((l) => l.site.frame.function),
      ['send', 'fill', 'createHandle'],
    );
  });
});

test('in a chain of suspended calls, the innermost await comes first', () => {
  const outer = frame('src/routes.ts', 47, 17, 'handle');
  const inner = frame('src/reports.ts', 31, 24, 'runReport');
  const snapshots = [0, 20, 40].map((n) =>
    snapshot(
      n === 0
        ? []
        : [
            site({ at: outer, kind: 'blocked', count: n, stack: [outer] }),
            site({ at: inner, kind: 'blocked', count: n, stack: [inner, outer] }),
          ],
    ),
  );
  assert.deepEqual(
    findLeaks(snapshots, [20, 20], 0.05).map((l) => l.site.frame.function),
    ['runReport', 'handle'],
  );
  assert.deepEqual(
    findLeaks(
      [...snapshots].map((s) => ({ ...s, sites: [...s.sites].reverse() })),
      [20, 20],
      0.05,
    ).map((l) => l.site.frame.function),
    ['runReport', 'handle'],
  );
});

describe('probe options', () => {
  test('only http:// to 127.0.0.1, localhost or [::1]', () => {
    for (const ok of ['http://127.0.0.1:3000/orders', 'http://localhost:8080/', 'http://[::1]:9000/x?y=1'])
      assert.equal(parseProbeUrl(ok).protocol, 'http:');
    const refused: [string, RegExp][] = [
      ['http://10.0.0.5:3000/', /only sends load to this machine/],
      ['http://example.com/', /only sends load to this machine/],
      ['http://127.0.0.2:3000/', /only sends load to this machine/],
      ['https://127.0.0.1:3000/', /only sends plain http/],
      ['127.0.0.1:3000', /only sends plain http|is not a URL/],
      ['not a url', /is not a URL/],
      ['http://user:secret@127.0.0.1:3000/', /no credentials/],
    ];
    for (const [url, message] of refused)
      assert.throws(
        () => parseProbeUrl(url),
        (e: unknown) => e instanceof LensError && message.test(e.message),
        url,
      );
  });

  test('numbers and methods are checked with clear messages', () => {
    const base = { url: 'http://127.0.0.1:3000/', requests: 10, concurrency: 2 };
    assert.equal(checkProbeOptions(base).rounds, 3);
    assert.equal(checkProbeOptions({ ...base, method: 'post' }).method, 'POST');
    assert.throws(() => checkProbeOptions({ ...base, method: 'BREW' }), /Unknown HTTP method "BREW"/);
    assert.throws(() => checkProbeOptions({ ...base, requests: 0 }), /requests must be a whole number from 1/);
    assert.throws(() => checkProbeOptions({ ...base, concurrency: 2.5 }), /concurrency must be a whole number/);
    assert.throws(() => checkProbeOptions({ ...base, rounds: 99 }), /rounds must be a whole number from 1 to 20/);
  });
});

/** Snapshots whose sites carry these abandoned counts (nothing pending there). */
function abandonedRounds(columns: { at: typeof sendAt; userCode?: boolean; kind?: 'blocked' | 'created'; counts: number[] }[]) {
  return columns[0].counts.map((_, i) =>
    snapshot(
      columns.map((c) => ({
        ...site({ at: c.at, kind: c.kind ?? 'blocked', count: 0, userCode: c.userCode ?? true }),
        abandoned: c.counts[i],
      })),
    ),
  );
}

describe('probe verdict: abandoned tasks', () => {
  test('abandoned counts that grow every round after the first by >= 0.05 per request are flagged', () => {
    const found = findAbandoned(abandonedRounds([{ at: sendAt, counts: [0, 100, 200, 300] }]), [50, 50, 50], 0.05);
    assert.deepEqual(
      found.map((f) => [f.site.frame.function, f.counts, f.perRequest]),
      [['send', [0, 100, 200, 300], 2]],
    );
  });

  test('a pool filled once (4 abandoned, then none), library code, slow growth: not flagged', () => {
    const snapshots = abandonedRounds([
      { at: cacheAt, counts: [0, 4, 4, 4] },
      { at: frame('/srv/app/node_modules/q/index.js', 9, 3, 'take'), userCode: false, counts: [0, 50, 100, 150] },
      { at: frame('src/slow.ts', 3, 3, 'slow'), counts: [0, 2, 4, 6] },
    ]);
    assert.deepEqual(findAbandoned(snapshots, [50, 50, 50], 0.05), []);
  });

  test('pending leaks ignore abandoned counts and the other way round', () => {
    const snapshots = abandonedRounds([{ at: sendAt, counts: [0, 100, 200, 300] }]);
    assert.deepEqual(findLeaks(snapshots, [50, 50, 50], 0.05), []);
  });
});

describe('probe reports', () => {
  const evil = frame('src/`x`|<img src=x onerror=alert(1)>.ts', 7, 1, '**bold**[link](http://evil)');
  const leakSnapshots = rounds({ evil: { at: evil, kind: 'blocked', counts: [0, 20, 40, 60] } });
  const result: ProbeResult = {
    schema: PROBE_SCHEMA,
    target: { pid: 4242, nodeVersion: 'v20.20.2', title: 'node' },
    request: { url: 'http://127.0.0.1:3000/sync', method: 'GET', requests: 20, concurrency: 10, rounds: 3, timeoutMs: 300 },
    startedAt: '2026-11-26T14:00:00.000Z',
    durationMs: 6300,
    rounds: [0, 1, 2, 3].map((round) => ({
      round,
      ...(round ? { load: { sent: 20, ok: 0, httpErrors: 0, failed: 0, hung: 20, statuses: {}, durationMs: 300 } } : {}),
      settle: { waitedMs: 1000, settled: true },
      takenAt: '2026-11-26T14:00:00.000Z',
      pending: round * 20,
    })),
    totals: { PROMISE: [0, 20, 40, 60] },
    verdict: 'leak',
    leaks: findLeaks(leakSnapshots, [20, 20, 20], 0.05),
    abandoned: [],
    hung: 60,
    notes: ['60 requests hung and were aborted after 300 ms: requests that never finish are a common symptom of an async leak.'],
  };

  test('the terminal report: rounds, the leaking line with its rate and counts, a stack, the notes', () => {
    const text = formatProbeReport(result, { cwd: '/srv/app' });
    assert.match(
      text,
      /^Leak probe of pid 4242 \(Node v20\.20\.2\): 3 rounds of 20 GET http:\/\/127\.0\.0\.1:3000\/sync, 10 at a time, timeout 300 ms/,
    );
    assert.match(text, /LEAK: 1 site grows with every round of requests\./);
    assert.match(text, /\+1\.00 {2}blocked at {2}PROMISE .*src\/`x`\|<img.*\.ts:7:1 .* 0 → 20 → 40 → 60/);
    assert.match(text, /Example stack, blocked at src\/.*\(\+1\.0 per request\):\n {2}> at \*\*bold\*\*/);
    assert.match(text, /Note: 60 requests hung/);
    const clean = formatProbeReport({ ...result, verdict: 'no-leak', leaks: [], notes: [] });
    assert.match(clean, /No leak: no site grew with the number of requests after the first round\./);
  });

  test('the ABANDONED verdict: its own section with the await, the rate and the counts by round', () => {
    const found = findAbandoned(abandonedRounds([{ at: sendAt, counts: [0, 40, 80, 120] }]), [20, 20, 20], 0.05);
    const abandoned = { ...result, verdict: 'abandoned' as const, leaks: [], abandoned: found, notes: [] };
    const text = formatProbeReport(abandoned, { cwd: '/srv/app' });
    assert.doesNotMatch(text, /No leak/);
    assert.match(text, /ABANDONED: tasks collected while suspended at 1 await, more with every round of requests\./);
    assert.match(text, /the code after this await and its finally blocks never ran/);
    assert.match(text, /\+2\.00 {2}src\/sender\.ts:39:11 {2}send +0 → 40 → 80 → 120/);
    assert.match(formatProbeMarkdown(abandoned, { cwd: '/srv/app' }), /^# Leak probe: abandoned tasks found[\s\S]*## Abandoned tasks/);
  });

  test('the Markdown report escapes everything that came from the target', () => {
    const md = formatProbeMarkdown(result, { cwd: '/srv/app' });
    assert.match(md, /^# Leak probe: leak found/);
    // Inside the fenced stack block text is literal; everywhere else it must be escaped.
    const [outside, stack] = [md.replace(/```text\n[\s\S]*?```/g, ''), /```text\n([\s\S]*?)```/.exec(md)![1]];
    assert.match(stack, /> at \*\*bold\*\*/);
    assert.doesNotMatch(outside, /(^|[^\\])<img/, 'no raw HTML from the target');
    assert.doesNotMatch(outside, /(^|[^\\])\*\*bold/, 'no formatting from the target');
    assert.doesNotMatch(outside, /[^\\]\]\(http:\/\/evil/, 'no links from the target');
    assert.match(md, /\\\*\\\*bold\\\*\\\*\\\[link\\\]\\\(http:\/\/evil\\\)/);
    assert.match(md, /\(file:\/\/\/srv\/app\/src\/[^()\s]*\.ts#L7\)/, 'a link to the local source line, built by us');
    assert.match(md, /\| 3 \| 20 \| 0 \| 0 \| 0 \| 20 \| 1\.0 s \| 60 \|/);
  });
});
