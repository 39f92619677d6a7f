// Plain-text building blocks for the CLI's terminal output: optional ANSI styles and aligned columns.
// Own ANSI helpers: node:util styleText does not exist on Node 18.
import { escapeControl } from '../core/terminal-text';

export type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'magenta' | 'cyan';

const ANSI: Record<Style, [open: number, close: number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  magenta: [35, 39],
  cyan: [36, 39],
};

/** Returns a function that styles text, or leaves it plain when color is off. */
export function painter(color: boolean): (text: string, ...styles: Style[]) => string {
  if (!color) return (text) => text;
  return (text, ...styles) => {
    if (!text) return text;
    let out = text;
    for (const style of styles) out = `\u001b[${ANSI[style][0]}m${out}\u001b[${ANSI[style][1]}m`;
    return out;
  };
}

export interface Cell {
  text: string;
  align?: 'left' | 'right';
  styles?: Style[];
}

/**
 * Rows of cells as aligned lines. Widths come from the plain text, styles are applied after
 * padding, so escape codes never break the alignment. Trailing blanks are trimmed. Cell text is
 * data (names from a target or a file): its control characters are shown as escapes.
 */
export function renderTable(rows: Cell[][], color: boolean, indent = ''): string[] {
  const paint = painter(color);
  rows = rows.map((row) => row.map((cell) => ({ ...cell, text: escapeControl(cell.text) })));
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, displayWidth(cell.text))));
  return rows.map((row) => {
    const parts = row.map((cell, i) => {
      const padding = ' '.repeat(widths[i] - displayWidth(cell.text));
      const styled = paint(cell.text, ...(cell.styles ?? []));
      return cell.align === 'right' ? padding + styled : styled + padding;
    });
    return (indent + parts.join('  ')).trimEnd();
  });
}

/** Counts code points, not UTF-16 units, so arrows and accented names align. */
function displayWidth(text: string): number {
  let width = 0;
  for (const _ of text) width++;
  return width;
}

/** Keeps the start of text longer than `max` characters and marks the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
