// The live chart page's HTML: a strict Content-Security-Policy, one script by nonce, one
// stylesheet from the extension, nothing remote and no inline style. No `vscode` import, so
// unit tests can check the policy.
import { randomBytes } from 'node:crypto';
import { escapeHtml } from '../escape-html';

export interface ChartPageResources {
  /** webview.cspSource: where the extension's own files are served from. */
  cspSource: string;
  /** webview URIs (as strings) of dist/webview/chart.js and chart.css. */
  scriptUri: string;
  styleUri: string;
  /** Defaults to a fresh random nonce. */
  nonce?: string;
}

export function newNonce(): string {
  return randomBytes(18).toString('base64url');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [`default-src 'none'`, `script-src 'nonce-${nonce}'`, `style-src ${cspSource}`, `img-src ${cspSource} data:`].join('; ');
}

export function chartPageHtml(resources: ChartPageResources): string {
  const nonce = resources.nonce ?? newNonce();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(resources.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(resources.styleUri)}">
<title>Async Leak Lens: Live Chart</title>
</head>
<body>
<script nonce="${escapeHtml(nonce)}" src="${escapeHtml(resources.scriptUri)}"></script>
</body>
</html>
`;
}
