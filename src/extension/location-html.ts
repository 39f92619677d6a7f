// A source location for a report page: the folder part may wrap after a slash, the file name and
// line never break inside ("t9-express-pool.js:41:7" stays whole in a narrow editor).
import { escapeHtml } from './escape-html';

export function locationHtml(location: string): string {
  const cut = Math.max(location.lastIndexOf('/'), location.lastIndexOf('\\')) + 1;
  const folder = location.slice(0, cut);
  const file = location.slice(cut);
  const folderHtml = folder ? `<span class="dir">${escapeHtml(folder).replace(/([\\/])/g, '$1<wbr>')}</span>` : '';
  return `${folderHtml}<span class="file">${escapeHtml(file)}</span>`;
}
