// Messages between the probe report page and the extension. The page can ask to open a frame of
// a leak it shows (by index; the extension resolves it, no path from the page is used) or to run
// the probe again; the extension tells the page how far a run is. No `vscode` import.

export type ProbePageMessage = { type: 'open'; leak: number; frame?: number } | { type: 'rerun' };

export interface ProbeProgressMessage {
  type: 'progress';
  message: string;
  /** 0-100 */
  percent: number;
}

const MAX_INDEX = 1000;

const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_INDEX;

/** The message when it is well-formed, otherwise undefined (it is ignored). */
export function parseProbePageMessage(value: unknown): ProbePageMessage | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const message = value as Record<string, unknown>;
  if (message.type === 'rerun') return { type: 'rerun' };
  if (message.type !== 'open' || !isIndex(message.leak)) return undefined;
  if (message.frame === undefined || message.frame === null) return { type: 'open', leak: message.leak };
  return isIndex(message.frame) ? { type: 'open', leak: message.leak, frame: message.frame } : undefined;
}
