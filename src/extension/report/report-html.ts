// The comparison report page. Everything that came from a snapshot is escaped; the page's only
// script (by nonce) turns clicks on site links into "open" messages. No `vscode` import.
import { ABANDONED_HEADING } from '../../core/sites/abandoned';
import { formatCount, formatDelta } from '../../core/number-format';
import type { DiffReportModel, ReportFrame, ReportRow } from './report-model';
import { escapeHtml } from '../escape-html';
import { libraryFramesLabel } from '../../core/sites/site-presentation';
import { locationHtml } from '../location-html';

export interface PageResources {
  /** webview.cspSource */
  cspSource: string;
  /** URI of media/report/report.css as the webview sees it. */
  styleUri: string;
  /** Fresh for every page. */
  nonce: string;
}

export function renderReportHtml(model: DiffReportModel, page: PageResources): string {
  const e = escapeHtml;
  const csp = `default-src 'none'; style-src ${page.cspSource}; script-src 'nonce-${page.nonce}';`;
  const withThreads = model.rows.some((row) => row.thread !== 0);
  const body: string[] = [];

  body.push(`<h1>Sites by growth</h1>`);
  body.push(
    `<p class="points">${point(model.before.name, model.before.origin, model.diff.before.takenAt)} <span class="arrow">→</span> ${point(model.after.name, model.after.origin, model.diff.after.takenAt)}</p>`,
  );
  for (const warning of model.warnings) body.push(`<p class="warning">${e(warning)}</p>`);

  if (model.top) {
    const { row, stack, library } = model.top;
    body.push(
      `<section class="top" aria-label="Top growing site"><h2>Top growing site</h2>` +
        `<p class="headline"><span class="delta grew">${e(formatDelta(row.delta))}</span> ${kindBadge(row)} ${siteLink(row)} <span class="fn">${e(row.functionName)}</span></p>` +
        `<p class="facts">${e(row.type)}, ${e(formatCount(row.before))} → ${e(formatCount(row.after))}${row.estimate ? ' (estimate)' : ''}, oldest ${e(row.oldest)}${row.thread !== 0 ? `, worker ${row.thread}` : ''}</p>` +
        (stack.length
          ? `<p class="label">Example stack</p><ol class="stack">${stack.map((frame) => frameItem(row, frame)).join('')}</ol>`
          : '') +
        (library.length
          ? `<details class="library"><summary>${e(libraryFramesLabel(library.length))}</summary><ol class="stack">${library.map((frame) => frameItem(row, frame)).join('')}</ol></details>`
          : '') +
        `</section>`,
    );
  } else {
    body.push(`<p class="quiet">No site grew between these snapshots.</p>`);
  }

  body.push(`<h2>Changed sites</h2>`);
  if (model.rows.length === 0) {
    body.push(`<p class="quiet">No site grew or shrank${model.unchanged ? ` (${e(formatCount(model.unchanged))} unchanged)` : ''}.</p>`);
  } else {
    const head = ['Δ', 'Before → after', 'Site', 'Type', ...(withThreads ? ['Thread'] : []), 'Location', 'Function', 'Oldest'];
    body.push(
      `<div class="table-scroll"><table class="sites"><thead><tr>${head.map((h) => `<th scope="col">${e(h)}</th>`).join('')}</tr></thead><tbody>`,
    );
    for (const row of model.rows) {
      body.push(
        `<tr class="${row.delta > 0 ? 'grew' : 'shrank'}">` +
          `<td class="num delta">${e(formatDelta(row.delta))}</td>` +
          `<td class="num counts">${e(formatCount(row.before))} → ${e(formatCount(row.after))}${row.estimate ? '<span class="est" title="estimated from sampled stacks">~</span>' : ''}</td>` +
          `<td class="site">${kindBadge(row)}</td>` +
          `<td class="type">${e(row.type)}</td>` +
          (withThreads ? `<td class="thread">${row.thread === 0 ? 'main' : `worker ${row.thread}`}</td>` : '') +
          `<td class="loc">${siteLink(row)}</td>` +
          `<td class="fn">${e(row.functionName)}</td>` +
          `<td class="num oldest">${e(row.oldest)}</td>` +
          `</tr>`,
      );
    }
    body.push(`</tbody></table></div>`);
    const notes: string[] = [];
    if (model.hiddenChanged)
      notes.push(
        `${formatCount(model.hiddenChanged)} more changed sites not listed (export the snapshots and run \`async-leak-lens diff --all\` for all of them)`,
      );
    if (model.unchanged) notes.push(`${formatCount(model.unchanged)} unchanged site${model.unchanged === 1 ? '' : 's'} hidden`);
    if (notes.length) body.push(`<p class="quiet">${e(notes.join('; '))}.</p>`);
  }

  if (model.abandoned.length) {
    body.push(`<h2>Abandoned tasks</h2><p class="warning">${e(ABANDONED_HEADING)}.</p>`);
    body.push(
      `<table class="sites abandoned"><thead><tr>${['Δ', 'Before → after', 'Location', 'Function'].map((h) => `<th scope="col">${e(h)}</th>`).join('')}</tr></thead><tbody>`,
    );
    for (const row of model.abandoned) {
      body.push(
        `<tr class="${row.delta > 0 ? 'grew' : 'shrank'}"><td class="num delta">${e(formatDelta(row.delta))}</td>` +
          `<td class="num">${e(formatCount(row.before))} → ${e(formatCount(row.after))}</td><td class="loc">${siteLink(row)}</td><td class="fn">${e(row.functionName)}</td></tr>`,
      );
    }
    body.push(`</tbody></table>`);
  }

  if (model.totals.length) {
    body.push(
      `<h2>Totals by type</h2><table class="totals"><thead><tr><th scope="col">Type</th><th scope="col">Before</th><th scope="col">After</th><th scope="col">Δ</th></tr></thead><tbody>`,
    );
    for (const t of model.totals) {
      body.push(
        `<tr class="${t.delta > 0 ? 'grew' : t.delta < 0 ? 'shrank' : ''}"><td>${e(t.type)}</td><td class="num">${e(formatCount(t.before))}</td><td class="num">${e(formatCount(t.after))}</td><td class="num delta">${e(formatDelta(t.delta))}</td>` +
          `</tr>`,
      );
    }
    body.push(`</tbody></table>`);
    for (const t of model.totals.filter((x) => x.withoutSiteWhy)) {
      // The split as a sentence under the table: a narrow editor keeps every column.
      body.push(
        `<p class="quiet unsited">${e(`${t.type} ${formatDelta(t.delta)} = ${formatDelta(t.inSitesDelta)} in sites, ${formatDelta(t.withoutSiteDelta)} with no site: ${t.withoutSiteWhy}.`)}</p>`,
      );
    }
  }

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${e(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${e(page.styleUri)}">
<title>${e(`Comparison: ${model.before.name} → ${model.after.name}`)}</title>
</head>
<body>
${body.join('\n')}
<script nonce="${e(page.nonce)}">
(function () {
  const vscode = acquireVsCodeApi();
  document.addEventListener('click', function (event) {
    const link = event.target instanceof Element ? event.target.closest('a[data-site]') : null;
    if (!link) return;
    event.preventDefault();
    const frame = link.getAttribute('data-frame');
    vscode.postMessage({ type: 'open', siteId: link.getAttribute('data-site'), frame: frame === null ? undefined : Number(frame) });
  });
})();
</script>
</body>
</html>
`;
}

function point(name: string, origin: string, takenAt: string): string {
  return `<span class="point" title="${escapeHtml(takenAt)}"><strong>${escapeHtml(name)}</strong> <span class="origin">${escapeHtml(origin)}</span></span>`;
}

function kindBadge(row: ReportRow): string {
  return `<span class="kind ${row.kind}">${escapeHtml(row.kindLabel)}</span>`;
}

function siteLink(row: ReportRow): string {
  if (!row.openable) return `<span class="location">${locationHtml(row.location)}</span>`;
  return `<a href="#" class="location" data-site="${escapeHtml(row.siteId)}" title="Open ${escapeHtml(row.location)}">${locationHtml(row.location)}</a>`;
}

function frameItem(row: ReportRow, frame: ReportFrame): string {
  const where = frame.openable
    ? `<a href="#" data-site="${escapeHtml(row.siteId)}" data-frame="${frame.index}" title="Open ${escapeHtml(frame.location)}">${escapeHtml(frame.location)}</a>`
    : `<span>${escapeHtml(frame.location)}</span>`;
  return `<li class="${frame.internal ? 'internal' : ''}"><span class="fn">${escapeHtml(frame.functionName)}</span> ${where}</li>`;
}
