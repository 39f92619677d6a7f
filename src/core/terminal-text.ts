// Text that came from a target or a file (paths, function and type names, process titles,
// exception messages) is data: before it reaches a terminal or a log, its control characters
// become visible escapes, so an ESC sequence, an OSC title, a carriage return or a newline in a
// name can neither drive the terminal nor forge a line of output ("OK: no leak found").

// C0, DEL, C1, the Unicode line/paragraph separators and the bidi overrides that reorder text.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** "a\u001b[2Jb\n" -> "a\\x1b[2Jb\\n": every control character shown as an escape. */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return NAMED[c] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
  });
}

// Our own styling: SGR colour codes and the clear-screen + home of a live screen.
const OWN_SEQUENCE = /\u001b\[(?:\d{1,3}(?:;\d{1,3})*m|2J|H)/y;

/**
 * The last guard before the terminal, for whole lines we built: keeps newlines and our own
 * styling sequences, escapes every other control character. Text from a target is escaped where
 * it enters the output (escapeControl); this catches whatever path forgot, so at worst a name can
 * add a colour, never move the cursor, set a title or overwrite a line.
 */
export function guardTerminalText(text: string): string {
  const control = new RegExp(CONTROL.source, 'g');
  let out = '';
  let last = 0;
  for (let match = control.exec(text); match; match = control.exec(text)) {
    const at = match.index;
    if (match[0] === '\n') continue;
    if (match[0] === '\u001b') {
      OWN_SEQUENCE.lastIndex = at;
      const own = OWN_SEQUENCE.exec(text);
      if (own) {
        control.lastIndex = at + own[0].length;
        continue;
      }
    }
    out += text.slice(last, at) + escapeControl(match[0]);
    last = at + 1;
  }
  return out + text.slice(last);
}
