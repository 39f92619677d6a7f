// Text that came from a target or a file (process titles, command lines, script names) made safe to
// show: control characters and bidirectional overrides become visible escapes (\x1b, \u202e).

/** C0 and C1 controls, DEL, and the bidi controls that can reorder what a reader sees. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
