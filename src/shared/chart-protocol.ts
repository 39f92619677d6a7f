// The one message protocol between the live-chart webview (media/chart) and the extension
// (src/extension/chart). Imported by both sides, so it must not import `vscode` or anything
// Node-only (src/shared holds only such files; the webview imports nothing else of ours).
// Messages from the webview are checked with parseWebviewMessage before use.
import type { CountSample } from '../core/sites/model';

export type { CountSample };

/** Visible time span of the chart. */
export type ChartWindow = '1m' | '5m' | '15m' | 'all';

export const CHART_WINDOWS: readonly ChartWindow[] = ['1m', '5m', '15m', 'all'];

/** Milliseconds shown for each window (Infinity = everything kept). */
export const CHART_WINDOW_MS: Record<ChartWindow, number> = {
  '1m': 60_000,
  '5m': 5 * 60_000,
  '15m': 15 * 60_000,
  all: Number.POSITIVE_INFINITY,
};

export interface ChartTarget {
  id: string;
  /** "pid 123" or a label the user chose; shown as text, never as markup. */
  label: string;
  /** The target was detached or exited; its samples are still shown. */
  ended: boolean;
}

/** A snapshot of the shown target, drawn as a vertical line at its time. */
export interface ChartMarker {
  /** ms since epoch. */
  t: number;
  label: string;
}

/** Extension -> webview. */
export type HostMessage =
  /** Replaces everything the page shows (after 'ready', and when the shown target changes). */
  | {
      type: 'state';
      targets: ChartTarget[];
      /** The target whose counts are shown; undefined when none is attached. */
      targetId: string | undefined;
      samples: CountSample[];
      markers: ChartMarker[];
      /** One line for people: what is shown, or why nothing is. */
      status: string;
    }
  /** New samples of the shown target, oldest first. */
  | { type: 'samples'; targetId: string; samples: CountSample[] }
  /** The complete marker list of the shown target. */
  | { type: 'markers'; targetId: string; markers: ChartMarker[] }
  /** The target list or the status line changed (the shown target stays). */
  | { type: 'targets'; targets: ChartTarget[]; targetId: string | undefined; status: string };

/** Webview -> extension. */
export type WebviewMessage =
  /** The page is loaded and wants a 'state'. */
  | { type: 'ready' }
  /** The user picked another target in the page. */
  | { type: 'selectTarget'; targetId: string }
  /** The user asked to attach (empty chart). */
  | { type: 'attach' }
  /** The page drew the chart: samples (x values), points (y values), series and snapshot markers drawn. */
  | {
      type: 'rendered';
      targetId: string | undefined;
      samples: number;
      points: number;
      series: number;
      markers: number;
      window: ChartWindow;
      paused: boolean;
    }
  /** Something failed inside the page; logged by the extension. */
  | { type: 'error'; message: string };

const MAX_TEXT = 2000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= Number.MAX_SAFE_INTEGER;
}

function isShortText(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_TEXT;
}

/** The message when it is a well-formed WebviewMessage, otherwise undefined. */
export function parseWebviewMessage(value: unknown): WebviewMessage | undefined {
  if (!isRecord(value)) return undefined;
  switch (value.type) {
    case 'ready':
      return { type: 'ready' };
    case 'attach':
      return { type: 'attach' };
    case 'selectTarget':
      return isShortText(value.targetId) ? { type: 'selectTarget', targetId: value.targetId } : undefined;
    case 'error':
      return isShortText(value.message) ? { type: 'error', message: value.message } : undefined;
    case 'rendered': {
      const { targetId, samples, points, series, markers, window, paused } = value;
      if (targetId !== undefined && !isShortText(targetId)) return undefined;
      if (!isCount(samples) || !isCount(points) || !isCount(series) || !isCount(markers)) return undefined;
      if (!CHART_WINDOWS.includes(window as ChartWindow) || typeof paused !== 'boolean') return undefined;
      return { type: 'rendered', targetId, samples, points, series, markers, window: window as ChartWindow, paused };
    }
    default:
      return undefined;
  }
}
