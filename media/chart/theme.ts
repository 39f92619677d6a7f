// Colours of the live chart, read from the theme's CSS variables (VS Code sets --vscode-* on
// the page and updates them when the theme changes). The canvas needs resolved colours.

/** The chart palette of every theme: charts.blue, charts.red, ... as CSS variables. */
const SERIES_VARIABLES = [
  ['--vscode-charts-blue', '#3794ff'],
  ['--vscode-charts-red', '#f14c4c'],
  ['--vscode-charts-yellow', '#cca700'],
  ['--vscode-charts-green', '#89d185'],
  ['--vscode-charts-orange', '#d18616'],
  ['--vscode-charts-purple', '#b180d7'],
] as const;

/** The value of a CSS variable on the page, or `fallback` outside VS Code. */
export function themeColor(variable: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(variable).trim() || fallback;
}

/** Colour of the i-th series; past the palette, colours repeat with a dash pattern. */
export function seriesColor(index: number): { color: string; dash: number[] | undefined } {
  const [variable, fallback] = SERIES_VARIABLES[index % SERIES_VARIABLES.length];
  const round = Math.floor(index / SERIES_VARIABLES.length);
  return { color: themeColor(variable, fallback), dash: round === 0 ? undefined : [2 + 4 * round, 3] };
}
