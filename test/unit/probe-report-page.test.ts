import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findLeaks, PROBE_SCHEMA, type ProbeResult } from '../../src/core/probe/probe';
import { parseServerAddresses, probeUrlFor } from '../../src/core/inspector/server-addresses';
import { renderProbeHtml } from '../../src/extension/probe/probe-report-html';
import {
  buildProbeView,
  describeProbeRequest,
  probeFrameForRequest,
  probeTitle,
  type ProbePage,
} from '../../src/extension/probe/probe-report-model';
import { parseProbePageMessage } from '../../src/extension/probe/probe-report-protocol';
import { defaultProbeUrl, serversText } from '../../src/extension/probe/probe-url';
import { frame, site, snapshot } from './core-test-data';

const evil = frame('src/`x`|<img src=x onerror=alert(1)>.ts', 7, 1, '**bold**<script>alert(1)</script>');
const caller = frame('src/server.ts', 20, 5, 'handle');
const leakSnapshots = [0, 20, 40, 60].map((count) =>
  snapshot(
    count
      ? [site({ kind: 'blocked', at: evil, count, stack: [evil, caller, frame('node:internal/timers', 581, 17, 'listOnTimeout')] })]
      : [],
  ),
);
const request = { url: 'http://127.0.0.1:3000/sync', method: 'GET' as const, requests: 20, concurrency: 10, rounds: 3, timeoutMs: 300 };
const result: ProbeResult = {
  schema: PROBE_SCHEMA,
  target: { pid: 4242, nodeVersion: 'v20.20.2', title: 'node' },
  request,
  startedAt: '2026-11-26T14:00:00.000Z',
  durationMs: 6300,
  rounds: [0, 1, 2, 3].map((round) => ({
    round,
    ...(round ? { load: { sent: 20, ok: 20, httpErrors: 0, failed: 0, hung: 0, statuses: {}, durationMs: 300 } } : {}),
    settle: { waitedMs: 1000, settled: true },
    takenAt: '2026-11-26T14:00:00.000Z',
    pending: round * 20,
  })),
  totals: { PROMISE: [0, 20, 40, 60] },
  verdict: 'leak',
  leaks: findLeaks(leakSnapshots, [20, 20, 20], 0.05),
  abandoned: [],
  hung: 0,
  notes: ['a note with <b>markup</b>'],
};
const resources = { cspSource: 'vscode-webview://abc', styleUri: 'vscode-webview://abc/report.css', nonce: 'n0nce' };
const label = 't3-interval.js · pid 4242';

test('the probe page: a short title, the verdict, locations as links the extension resolves, everything escaped', () => {
  const view = buildProbeView(result, { displayPath: (f) => f.replace('/srv/app/', ''), canOpen: (f) => !f.file.startsWith('node:') });
  const html = renderProbeHtml({ state: 'done', target: label, request: describeProbeRequest(request), view }, resources);
  assert.equal(probeTitle(label), 'Leak Probe: t3-interval.js · pid 4242');
  assert.match(html, /<title>Leak Probe: t3-interval\.js · pid 4242<\/title>/);
  assert.match(html, /content="default-src &#39;none&#39;; style-src vscode-webview:\/\/abc; script-src &#39;nonce-n0nce&#39;;"/);
  // One script, by nonce; no markup, link or script from the target.
  assert.equal(html.match(/<script/g)?.length, 1);
  assert.match(html, /<script nonce="n0nce">/);
  assert.doesNotMatch(html, /<img|<b>|\*\*bold\*\*<script/);
  assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;\.ts:7:1/);
  // Locations are links by index (no path or URL in the link), not text like "[file:8:3] (file:///…)".
  assert.match(
    html,
    /<a href="#" class="location" data-leak="0" title="Open src\/`x`\|&lt;img[^"]*"><span class="dir">src\/<wbr><\/span><span class="file">`x`\|&lt;img src=x onerror=alert\(1\)&gt;\.ts:7:1<\/span><\/a>/,
  );
  assert.doesNotMatch(html, /file:\/\//);
  assert.match(html, /<a href="#" data-leak="0" data-frame="1" title="Open src\/server\.ts:20:5">src\/server\.ts:20:5<\/a>/);
  assert.match(html, /<li class="internal"><span class="fn">listOnTimeout<\/span> <span>node:internal\/timers:581:17<\/span><\/li>/);
  assert.match(html, /Leak: 1 site grows with every round of requests/);
  assert.match(html, /<td class="num delta" title="\+1\.0 per request">\+1\.00<\/td>/);
  assert.match(html, /0 → 20 → 40 → 60/);
  assert.match(html, /<button id="rerun" type="button">Run Again<\/button>/);
  assert.match(html, /a note with &lt;b&gt;markup&lt;\/b&gt;/);
  // What a click asks for is resolved against this result only.
  assert.equal(probeFrameForRequest(result, 0, undefined), result.leaks[0].site.frame);
  assert.equal(probeFrameForRequest(result, 0, 1), caller);
  assert.equal(probeFrameForRequest(result, 1, undefined), undefined);
});

test('the probe page while it runs: a visible running state with progress, and no old result', () => {
  const page: ProbePage = {
    state: 'running',
    target: label,
    request: describeProbeRequest(request),
    message: 'Round 2 of 3: 12 of 20 requests',
    percent: 53.4,
  };
  const html = renderProbeHtml(page, resources);
  assert.match(html, /<body class="probe running">/);
  assert.match(html, /aria-busy="true"/);
  assert.match(html, /Running…/);
  assert.match(html, /<p id="progress-message" role="status">Round 2 of 3: 12 of 20 requests<\/p>/);
  assert.match(html, /<progress id="progress" max="100" value="53">/);
  assert.doesNotMatch(html, /table class="sites"|Run Again/);
  assert.match(html, /GET http:\/\/127\.0\.0\.1:3000\/sync<\/code> · 3 rounds of 20 requests, 10 at a time/);
});

test('messages from the probe page are checked before anything happens', () => {
  assert.deepEqual(parseProbePageMessage({ type: 'open', leak: 0 }), { type: 'open', leak: 0 });
  assert.deepEqual(parseProbePageMessage({ type: 'open', leak: 2, frame: 3 }), { type: 'open', leak: 2, frame: 3 });
  assert.deepEqual(parseProbePageMessage({ type: 'rerun', url: 'http://evil/' }), { type: 'rerun' });
  for (const bad of [
    null,
    [],
    'open',
    { type: 'open' },
    { type: 'open', leak: -1 },
    { type: 'open', leak: 1.5 },
    { type: 'open', leak: 0, frame: '1' },
    { type: 'open', leak: 1e9 },
    { type: 'eval', code: '1' },
  ]) {
    assert.equal(parseProbePageMessage(bad), undefined, JSON.stringify(bad));
  }
});

test("the probe's URL comes from the target's own servers, not from another target's last run", () => {
  const servers = parseServerAddresses(
    JSON.stringify([
      { address: '::', port: 4837 },
      { address: '10.0.0.5', port: 9000 },
      { address: '<x>', port: 1 },
      { address: '127.0.0.1', port: 70000 },
    ]),
  );
  assert.deepEqual(servers, [
    { address: '::', port: 4837 },
    { address: '10.0.0.5', port: 9000 },
  ]);
  assert.equal(probeUrlFor(servers[0]), 'http://127.0.0.1:4837/');
  assert.equal(probeUrlFor(servers[1]), undefined, 'a server on another address only is not loopback');
  assert.equal(probeUrlFor({ address: '::1', port: 8080 }), 'http://[::1]:8080/');
  // The last URL was another target's (port 3000): this one serves 4837.
  assert.equal(defaultProbeUrl('http://127.0.0.1:3000/', servers), 'http://127.0.0.1:4837/');
  // The last URL was this target's: keep its path.
  assert.equal(defaultProbeUrl('http://127.0.0.1:4837/orders?x=1', servers), 'http://127.0.0.1:4837/orders?x=1');
  assert.equal(defaultProbeUrl('http://127.0.0.1:3000/', []), 'http://127.0.0.1:3000/', 'unknown servers: the last URL');
  assert.equal(serversText(servers), ' The program listens on [::]:4837 and 10.0.0.5:9000.');
  for (const bad of [undefined, 42, 'not json', '{"a":1}', 'x'.repeat(20_000)]) assert.deepEqual(parseServerAddresses(bad), []);
});
