// Markdown of the hover over a marked line: count, oldest age, growth, and an example stack
// whose frames link to the open-frame command. Everything that came from the target is
// escaped; the only links are command links built here. Pure (no `vscode`) for unit tests.
import type { Frame } from '../../core/sites/model';
import { formatDuration } from '../../core/number-format';
import {
  functionName,
  isOpenableFrame,
  kindWords,
  libraryFramesLabel,
  locationText,
  splitLibraryFrames,
  type PathDisplay,
} from '../../core/sites/site-presentation';
import type { LineMark, SiteOnLine } from './line-marks';

export interface HoverOptions {
  /** Command id the frame links run, with one argument: { file, line, column }. */
  openFrameCommand: string;
  /** How a file path is shown (e.g. relative to the workspace). */
  displayPath?: PathDisplay;
  /** Sites described at most (the rest are summed up in one line). */
  maxSites?: number;
  /** Frames of the example stack shown at most. */
  maxFrames?: number;
}

/** Backslash-escapes every ASCII punctuation character (CommonMark allows it for all of them) and flattens newlines. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

/** `command:` URI with JSON arguments, encoded so no character can end the markdown link. */
export function commandUri(command: string, args: unknown[]): string {
  const encoded = encodeURIComponent(JSON.stringify(args)).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `command:${command}?${encoded}`;
}

function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function growthText(entry: SiteOnLine): string {
  if (entry.growingRate) return `growing, ${entry.growingRate}`;
  if (entry.growth === undefined) return 'no earlier snapshot to compare';
  const span =
    entry.growthSpanMs !== undefined && entry.growthSpanMs >= 0
      ? ` in ${formatDuration(entry.growthSpanMs)}`
      : ' since the previous snapshot';
  if (Math.round(entry.growth) === 0) return `no change${span}`;
  return `${entry.growth > 0 ? '+' : ''}${count(entry.growth)}${span}`;
}

function frameLine(frame: Frame, options: HoverOptions): string {
  const where = locationText(frame, options.displayPath);
  const text = `${escapeMarkdown(functionName(frame))} (${escapeMarkdown(where)})`;
  if (!isOpenableFrame(frame)) return text;
  const uri = commandUri(options.openFrameCommand, [{ file: frame.file, line: frame.line, column: frame.column }]);
  return `[${text}](${uri} "Open ${escapeMarkdown(where).replace(/"/g, '')}")`;
}

function siteLine(entry: SiteOnLine): string {
  const { site } = entry;
  const words = kindWords(site.kind);
  const kind = words.charAt(0).toUpperCase() + words.slice(1);
  const noun = site.kind === 'blocked' ? 'task' : 'resource';
  const approx = site.sampled < site.count ? '~' : '';
  const thread = site.thread !== 0 ? ` · thread ${site.thread}` : '';
  return (
    `**${kind}** · ${escapeMarkdown(site.type)} · **${approx}${count(site.count)}** pending ${noun}${Math.round(site.count) === 1 ? '' : 's'}` +
    ` · oldest ${escapeMarkdown(formatDuration(site.oldestAgeMs))} · ${escapeMarkdown(growthText(entry))}` +
    ` · ${escapeMarkdown(entry.sourceLabel)}${thread}`
  );
}

/** The abandoned tasks of a site, when it has any. */
function abandonedLine(entry: SiteOnLine): string | undefined {
  const n = entry.site.abandoned ?? 0;
  if (n <= 0) return undefined;
  const seen = entry.site.abandonedSeen ? ` · last seen ${escapeMarkdown(entry.site.abandonedSeen.last)}` : '';
  return (
    `**Abandoned** · **${count(n)}** task${Math.round(n) === 1 ? '' : 's'} collected by the GC while suspended here since attach: ` +
    `the code after this await and its finally blocks never ran${seen} · ${escapeMarkdown(entry.sourceLabel)}`
  );
}

/** The hover's markdown for one marked line. */
export function hoverMarkdown(mark: LineMark, options: HoverOptions): string {
  const maxSites = options.maxSites ?? 5;
  const maxFrames = options.maxFrames ?? 12;
  const lines: string[] = [`**Async Leak Lens** · line ${mark.line}`, ''];
  const shown = mark.sites.slice(0, maxSites);
  for (const entry of shown) {
    if (entry.site.count > 0 || !entry.site.abandoned) lines.push(`- ${siteLine(entry)}`);
    const abandoned = abandonedLine(entry);
    if (abandoned) lines.push(`- ${abandoned}`);
  }
  const hidden = mark.sites.length - shown.length;
  if (hidden > 0) lines.push(`- ${hidden} more site${hidden === 1 ? '' : 's'} on this line`);
  const example = shown[0];
  if (example && example.site.stack.length) {
    lines.push('', `Example stack (${example.site.kind === 'blocked' ? 'where the task waits' : 'where it was created'}):`, '');
    // Your frames first; node: and node_modules frames are one line (the tree lists them).
    const { user, library } = splitLibraryFrames(example.site.stack);
    const frames = user.slice(0, maxFrames).map((index) => example.site.stack[index]);
    frames.forEach((frame, i) => lines.push(`${i + 1}. ${frameLine(frame, options)}`));
    const more = user.length - frames.length;
    if (more > 0) lines.push(`${frames.length + 1}. … ${more} more frame${more === 1 ? '' : 's'}`);
    if (library.length > 0) lines.push(`- ${escapeMarkdown(`… ${libraryFramesLabel(library.length)} (node: and node_modules)`)}`);
  }
  return lines.join('\n');
}
