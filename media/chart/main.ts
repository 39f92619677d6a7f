// Live chart page (runs in the webview, bundled for the browser into dist/webview/chart.js).
// Draws counts per resource type over time with uPlot. All text from the target goes into the
// page through textContent or the canvas, never as markup.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './chart.css';
import {
  CHART_WINDOWS,
  type ChartMarker,
  type ChartTarget,
  type ChartWindow,
  type CountSample,
  type HostMessage,
  type WebviewMessage,
} from '../../src/shared/chart-protocol';
import { countRange, countTicks } from './axis';
import { readableColor } from './contrast';
import { placeMarkerLabels } from './marker-labels';
import { appendSamples, toColumns, typeOrder } from './series';
import { seriesColor, themeColor } from './theme';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const post = (message: WebviewMessage) => vscode.postMessage(message);

const WINDOW_LABELS: Record<ChartWindow, string> = { '1m': '1 min', '5m': '5 min', '15m': '15 min', all: 'All' };

const page = {
  targetId: undefined as string | undefined,
  targets: [] as ChartTarget[],
  samples: [] as CountSample[],
  markers: [] as ChartMarker[],
  types: [] as string[],
  window: savedWindow(),
  paused: false,
  /** While paused: how many of `samples` are shown (newer ones wait for resume). */
  frozenCount: 0,
  status: '',
};

function savedWindow(): ChartWindow {
  const state = vscode.getState() as { window?: unknown } | undefined;
  return CHART_WINDOWS.includes(state?.window as ChartWindow) ? (state!.window as ChartWindow) : '5m';
}

// ---- DOM (built here, so the page's HTML has no inline markup or styles) ----

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  ...children: Node[]
): HTMLElementTagNameMap[K] {
  const el = Object.assign(document.createElement(tag), props);
  el.append(...children);
  return el;
}

const targetSelect = element('select', { id: 'target', title: 'Target whose counts are shown' });
const windowSelect = element('select', { id: 'window', title: 'Time window' });
for (const key of CHART_WINDOWS) windowSelect.append(element('option', { value: key, textContent: WINDOW_LABELS[key] }));
windowSelect.value = page.window;
const pauseButton = element('button', {
  id: 'pause',
  type: 'button',
  textContent: 'Pause',
  title: 'Freeze the chart (data keeps arriving)',
});
const statusLine = element('span', { id: 'status', className: 'status' });
const toolbar = element(
  'header',
  { className: 'toolbar' },
  element('label', {}, document.createTextNode('Target '), targetSelect),
  element('label', {}, document.createTextNode('Window '), windowSelect),
  pauseButton,
  statusLine,
);
const attachButton = element('button', { id: 'attach', type: 'button', textContent: 'Attach…' });
const emptyState = element(
  'div',
  { id: 'empty', className: 'empty' },
  element('p', { textContent: 'No Node.js process is attached.' }),
  attachButton,
);
const plotHost = element('div', { id: 'plot', className: 'plot' });
document.body.append(toolbar, emptyState, plotHost);

targetSelect.addEventListener('change', () => post({ type: 'selectTarget', targetId: targetSelect.value }));
windowSelect.addEventListener('change', () => {
  page.window = windowSelect.value as ChartWindow;
  vscode.setState({ window: page.window });
  draw();
});
pauseButton.addEventListener('click', () => setPaused(!page.paused));
attachButton.addEventListener('click', () => post({ type: 'attach' }));

function setPaused(paused: boolean): void {
  page.paused = paused;
  page.frozenCount = page.samples.length;
  pauseButton.textContent = paused ? 'Resume' : 'Pause';
  pauseButton.classList.toggle('active', paused);
  draw();
}

function showStatus(): void {
  const waiting = page.paused ? page.samples.length - page.frozenCount : 0;
  statusLine.textContent = page.paused
    ? `Paused${waiting ? ` (${waiting} new sample${waiting === 1 ? '' : 's'})` : ''} · ${page.status}`
    : page.status;
}

function showTargets(): void {
  targetSelect.replaceChildren(
    ...page.targets.map((t) => element('option', { value: t.id, textContent: t.ended ? `${t.label} (ended)` : t.label })),
  );
  if (page.targetId) targetSelect.value = page.targetId;
  targetSelect.disabled = page.targets.length < 2;
  targetSelect.parentElement!.hidden = page.targets.length === 0;
  const empty = page.targets.length === 0 && page.samples.length === 0;
  emptyState.hidden = !empty;
  plotHost.hidden = empty;
}

// ---- chart ----

let plot: uPlot | undefined;
/** Types of the current plot's series; a new type rebuilds the plot. */
let plotTypes = '';

function plotSize(): { width: number; height: number } {
  const legendHeight = plot?.root.querySelector<HTMLElement>('.u-legend')?.offsetHeight ?? 40;
  return { width: Math.max(200, plotHost.clientWidth - 16), height: Math.max(120, plotHost.clientHeight - legendHeight - 8) };
}

/** Fits plot and legend into the page (the legend's height depends on how it wraps). */
function fit(): void {
  if (!plot) return;
  const size = plotSize();
  if (Math.abs(size.width - plot.width) > 1 || Math.abs(size.height - plot.height) > 1) plot.setSize(size);
}

/** Away from the cursor, the legend shows the newest values. */
function showLatestInLegend(u: uPlot): void {
  const last = u.data[0].length - 1;
  if (last >= 0 && (u.cursor.idx === null || u.cursor.idx === undefined)) u.setLegend({ idx: last }, false);
}

function formatCount(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : Math.round(value).toLocaleString('en-US');
}

function buildPlot(types: string[]): uPlot {
  const axisColor = themeColor('--vscode-descriptionForeground', '#888');
  const gridColor = themeColor('--vscode-charts-lines', 'rgba(128,128,128,0.25)');
  const background = themeColor('--vscode-editor-background', '#1e1e1e');
  const foreground = themeColor('--vscode-foreground', '#cccccc');
  const axis: uPlot.Axis = { stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor, width: 1 } };
  // Whole counts only, about one tick per 30 px.
  const countSplits = (u: uPlot, _axis: number, min: number, max: number) =>
    countTicks(min, max, Math.max(2, Math.floor(u.bbox.height / (window.devicePixelRatio || 1) / 30)));
  const options: uPlot.Options = {
    ...plotSize(),
    scales: { x: { time: true }, y: { range: (_u, _min, max) => countRange(max) } },
    axes: [axis, { ...axis, size: 60, splits: countSplits, values: (_u, ticks) => ticks.map((v) => formatCount(v)) }],
    series: [
      { label: 'Time', value: (_u, v) => (v === null ? '–' : new Date(v * 1000).toLocaleTimeString()) },
      ...types.map((type, i): uPlot.Series => {
        const { color, dash } = seriesColor(i);
        return {
          label: type,
          stroke: readableColor(color, background, foreground),
          width: 1.5,
          dash,
          points: { show: false },
          value: (_u, v) => formatCount(v),
        };
      }),
    ],
    // No dimming of the other series when one is pointed at: a dimmed line is unreadable on dark themes.
    focus: { alpha: 1 },
    cursor: { drag: { x: false, y: false }, points: { size: 6 } },
    legend: { live: true },
    // The legend's height changes as its values wrap: refit after the frame is drawn.
    hooks: { draw: [drawMarkers, showLatestInLegend, reportRendered, () => requestAnimationFrame(fit)], setCursor: [showLatestInLegend] },
  };
  return new uPlot(options, [[], ...types.map(() => [])], plotHost);
}

/** Markers drawn by the last draw (inside the window). */
let markersDrawn = 0;

/** Snapshot markers: dashed vertical lines with their label, in the theme's purple. */
function drawMarkers(u: uPlot): void {
  markersDrawn = 0;
  if (!page.markers.length || !u.data[0].length) return;
  const ctx = u.ctx;
  const { left, top, width, height } = u.bbox;
  const ratio = window.devicePixelRatio || 1;
  ctx.save();
  const color = readableColor(
    themeColor('--vscode-charts-purple', '#b180d7'),
    themeColor('--vscode-editor-background', '#1e1e1e'),
    themeColor('--vscode-foreground', '#cccccc'),
  );
  ctx.strokeStyle = color;
  ctx.lineWidth = ratio;
  ctx.setLineDash([4 * ratio, 4 * ratio]);
  ctx.font = `${11 * ratio}px ${themeColor('--vscode-font-family', 'sans-serif')}`;
  const maxWidth = 160 * ratio;
  const pad = 3 * ratio;
  const rowHeight = 15 * ratio;
  const shown = page.markers
    .map((marker) => ({
      marker,
      x: u.valToPos(marker.t / 1000, 'x', true),
      width: Math.min(ctx.measureText(marker.label).width, maxWidth),
    }))
    .filter(({ x }) => x >= left && x <= left + width);
  const placed = placeMarkerLabels(shown, left, left + width, pad, 3);
  // Lines first, then the labels on a background of their own: no line strikes through a label.
  for (const { x } of shown) {
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + height);
    ctx.stroke();
    markersDrawn++;
  }
  const boxes: { start: number; end: number; top: number; bottom: number }[] = [];
  shown.forEach(({ marker, x }, i) => {
    const { onLeft, start, end, row } = placed[i];
    const boxTop = top + (2 + (rowHeight / ratio) * row) * ratio;
    ctx.fillStyle = themeColor('--vscode-editor-background', '#1e1e1e');
    ctx.fillRect(onLeft ? start : start + ratio, boxTop, end - start - ratio, rowHeight - ratio);
    ctx.fillStyle = color;
    ctx.textAlign = onLeft ? 'right' : 'left';
    ctx.textBaseline = 'middle';
    ctx.fillText(marker.label, onLeft ? x - pad : x + pad, boxTop + rowHeight / 2, maxWidth);
    boxes.push({ start: start / ratio, end: end / ratio, top: boxTop / ratio, bottom: (boxTop + rowHeight) / ratio });
  });
  // Where the labels went, in CSS pixels (read by the browser-level checks).
  plotHost.dataset.markerLabels = JSON.stringify({ boxes, lines: shown.map(({ x }) => x / ratio) });
  ctx.restore();
}

let lastRendered = { samples: 0, points: 0, series: 0 };

function reportRendered(): void {
  post({ type: 'rendered', targetId: page.targetId, ...lastRendered, markers: markersDrawn, window: page.window, paused: page.paused });
}

function draw(): void {
  showStatus();
  const shown = page.paused ? page.samples.slice(0, page.frozenCount) : page.samples;
  page.types = typeOrder(page.samples, page.types);
  const columns = toColumns(shown, page.window, page.types);
  lastRendered = { samples: columns.xs.length, points: columns.points, series: columns.types.length };
  const key = columns.types.join('\u0000');
  if (!plot || key !== plotTypes) {
    plot?.destroy();
    plot = buildPlot(columns.types);
    plotTypes = key;
    fit();
  }
  plot.setData([columns.xs, ...columns.ys]);
}

function rebuild(): void {
  plot?.destroy();
  plot = undefined;
  draw();
}

// ---- messages from the extension ----

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  try {
    switch (message?.type) {
      case 'state':
        page.targets = message.targets;
        page.targetId = message.targetId;
        page.samples = [];
        appendSamples(page.samples, message.samples);
        page.markers = message.markers;
        page.types = [];
        page.status = message.status;
        page.frozenCount = page.samples.length;
        showTargets();
        rebuild();
        break;
      case 'samples':
        if (message.targetId !== page.targetId) return;
        page.frozenCount = Math.max(0, page.frozenCount - appendSamples(page.samples, message.samples));
        if (page.paused) showStatus();
        else draw();
        break;
      case 'markers':
        if (message.targetId !== page.targetId) return;
        page.markers = message.markers;
        plot?.redraw(false, false);
        break;
      case 'targets':
        page.targets = message.targets;
        page.targetId = message.targetId;
        page.status = message.status;
        showTargets();
        showStatus();
        break;
    }
  } catch (error) {
    post({ type: 'error', message: `chart: ${error instanceof Error ? error.message : String(error)}`.slice(0, 2000) });
  }
});

new ResizeObserver(fit).observe(plotHost);
// VS Code swaps the body's theme class when the colour theme changes: redraw with its colours.
new MutationObserver(rebuild).observe(document.body, { attributes: true, attributeFilter: ['class'] });
window.addEventListener('error', (event) => post({ type: 'error', message: `chart: ${event.message}`.slice(0, 2000) }));

post({ type: 'ready' });
