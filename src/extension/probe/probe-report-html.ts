// The probe report page: the run in progress, or its verdict. Everything that came from the
// target is escaped; the page's only script (by nonce) turns clicks on locations into "open"
// messages, the Run Again button into "rerun", and shows progress sent by the extension.
// No `vscode` import.
import { escapeHtml } from '../escape-html';
import { locationHtml } from '../location-html';
import type { PageResources } from '../report/report-html';
import type { ProbeFrameRow, ProbeLeakRow, ProbePage, ProbeResultView } from './probe-report-model';
import { probeTitle } from './probe-report-model';

export function renderProbeHtml(page: ProbePage, resources: PageResources): string {
  const e = escapeHtml;
  const csp = `default-src 'none'; style-src ${resources.cspSource}; script-src 'nonce-${resources.nonce}';`;
  const body: string[] = [];
  body.push(`<h1>${e(probeTitle(page.target))}</h1>`);
  body.push(`<p class="points"><code>${e(page.request.what)}</code> · ${e(page.request.load)}</p>`);

  if (page.state === 'running') {
    body.push(
      `<section class="running" aria-busy="true"><p class="state"><span class="spinner" aria-hidden="true"></span> Running…</p>` +
        `<p id="progress-message" role="status">${e(page.message)}</p>` +
        `<progress id="progress" max="100" value="${Math.round(Math.min(100, Math.max(0, page.percent)))}"></progress>` +
        `<p class="quiet">The previous result is cleared; the new one appears here when the last round settles. Cancel from the notification.</p></section>`,
    );
  } else if (page.state === 'failed') {
    body.push(`<p class="warning" role="alert">${e(page.message)}</p>${rerunButton()}`);
  } else if (page.state === 'cancelled') {
    body.push(`<p class="quiet">Cancelled; the target is left as it was.</p>${rerunButton()}`);
  } else {
    body.push(resultHtml(page.view));
  }

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${e(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${e(resources.styleUri)}">
<title>${e(probeTitle(page.target))}</title>
</head>
<body class="probe ${page.state}">
${body.join('\n')}
<script nonce="${e(resources.nonce)}">
(function () {
  const vscode = acquireVsCodeApi();
  document.addEventListener('click', function (event) {
    const target = event.target instanceof Element ? event.target : null;
    const link = target ? target.closest('a[data-leak]') : null;
    if (link) {
      event.preventDefault();
      const frame = link.getAttribute('data-frame');
      vscode.postMessage({ type: 'open', leak: Number(link.getAttribute('data-leak')), frame: frame === null ? undefined : Number(frame) });
      return;
    }
    if (target && target.closest('#rerun')) vscode.postMessage({ type: 'rerun' });
  });
  window.addEventListener('message', function (event) {
    const data = event.data;
    if (!data || data.type !== 'progress') return;
    const message = document.getElementById('progress-message');
    const bar = document.getElementById('progress');
    if (message) message.textContent = String(data.message);
    if (bar) bar.value = Number(data.percent) || 0;
  });
})();
</script>
</body>
</html>
`;
}

function resultHtml(view: ProbeResultView): string {
  const e = escapeHtml;
  const out: string[] = [];
  out.push(
    `<section class="top verdict ${view.verdict}" aria-label="Verdict"><p class="headline">${e(view.headline)}</p><p class="facts">${e(view.facts)}</p>${rerunButton()}</section>`,
  );
  if (view.leaks.length) {
    out.push(`<h2>Sites that grow with requests</h2><p class="quiet">The first one is where to look.</p>`);
    out.push(
      `<div class="table-scroll"><table class="sites"><thead><tr>${['Per request', 'Site', 'Type', 'Location', 'Function', 'Count by round'].map((h) => `<th scope="col">${e(h)}</th>`).join('')}</tr></thead><tbody>`,
    );
    for (const leak of view.leaks) {
      out.push(
        `<tr class="grew"><td class="num delta" title="${e(leak.rate)}">${e(leak.perRequest)}</td><td class="site"><span class="kind ${leak.kind}">${e(leak.kindLabel)}</span></td>` +
          `<td class="type">${e(leak.type)}</td><td class="loc">${leakLink(leak)}</td><td class="fn">${e(leak.functionName)}</td><td class="num counts">${e(leak.counts)}</td></tr>`,
      );
    }
    out.push(`</tbody></table></div>`);
    if (view.hiddenLeaks) out.push(`<p class="quiet">… ${view.hiddenLeaks} more.</p>`);
    if (view.stack.length) {
      out.push(`<h2>Example stack of the first site</h2><ol class="stack">${view.stack.map(frameItem).join('')}</ol>`);
    }
  }
  out.push(
    `<h2>Rounds</h2><div class="table-scroll"><table class="rounds"><thead><tr>${['Round', 'Requests', 'OK', 'HTTP errors', 'Failed', 'Hung', 'Settled in', 'Pending'].map((h) => `<th scope="col">${e(h)}</th>`).join('')}</tr></thead><tbody>`,
  );
  for (const r of view.rounds) {
    out.push(
      `<tr><td>${e(r.round)}</td>${[r.sent, r.ok, r.httpErrors, r.failed, r.hung, r.settled, r.pending].map((v) => `<td class="num">${e(v)}</td>`).join('')}</tr>`,
    );
  }
  out.push(`</tbody></table></div>`);
  if (view.notes.length) out.push(`<h2>Notes</h2><ul class="notes">${view.notes.map((n) => `<li>${e(n)}</li>`).join('')}</ul>`);
  return out.join('\n');
}

function rerunButton(): string {
  return `<p><button id="rerun" type="button">Run Again</button></p>`;
}

function leakLink(leak: ProbeLeakRow): string {
  if (!leak.openable) return `<span class="location">${locationHtml(leak.location)}</span>`;
  return `<a href="#" class="location" data-leak="${leak.index}" title="Open ${escapeHtml(leak.location)}">${locationHtml(leak.location)}</a>`;
}

function frameItem(frame: ProbeFrameRow): string {
  const where = frame.openable
    ? `<a href="#" data-leak="0" data-frame="${frame.index}" title="Open ${escapeHtml(frame.location)}">${escapeHtml(frame.location)}</a>`
    : `<span>${escapeHtml(frame.location)}</span>`;
  return `<li class="${[frame.internal ? 'internal' : '', frame.isSite ? 'site' : ''].join(' ').trim()}"><span class="fn">${escapeHtml(frame.functionName)}</span> ${where}</li>`;
}
