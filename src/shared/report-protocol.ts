// Messages from the comparison report page to the extension. The page can only ask to open a
// site of the diff it shows (by site id, optionally a frame index of its example stack); the
// extension resolves the id itself, so no path from the page is ever used. No `vscode` import.

export interface OpenSiteMessage {
  type: 'open';
  siteId: string;
  /** Index into the site's example stack; absent for the site's own frame. */
  frame?: number;
}

export type ReportMessage = OpenSiteMessage;

const MAX_ID_LENGTH = 200;
const MAX_FRAME_INDEX = 1000;

/** The message when it is well-formed, otherwise undefined (it is ignored). */
export function parseReportMessage(value: unknown): ReportMessage | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const message = value as Record<string, unknown>;
  if (message.type !== 'open') return undefined;
  const { siteId, frame } = message;
  if (typeof siteId !== 'string' || siteId === '' || siteId.length > MAX_ID_LENGTH) return undefined;
  if (frame === undefined || frame === null) return { type: 'open', siteId };
  if (typeof frame !== 'number' || !Number.isInteger(frame) || frame < 0 || frame > MAX_FRAME_INDEX) return undefined;
  return { type: 'open', siteId, frame };
}
