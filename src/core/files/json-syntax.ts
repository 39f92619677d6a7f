// Finds where and why text is not valid JSON. JSON.parse's messages differ between Node versions
// and often omit the position, so this scanner (run only after JSON.parse failed) gives a position
// and tells a truncated document from a corrupt one.

export interface JsonSyntaxProblem {
  /** Offset in the text (0-based, in UTF-16 code units as JavaScript strings count). */
  offset: number;
  line: number;
  column: number;
  /** The text ends before the JSON does (a cut-off file), as opposed to a wrong character. */
  truncated: boolean;
  /** What went wrong, for people: `unexpected "x", expected "," or "}"`. */
  message: string;
}

type Expect = 'value' | 'value-or-close' | 'key' | 'key-or-close' | 'colon' | 'comma-or-close' | 'end';

/** The first syntax problem in `text`, or undefined when it is valid JSON. Iterative: deep nesting cannot overflow the stack. */
export function findJsonSyntaxProblem(text: string): JsonSyntaxProblem | undefined {
  const open: string[] = [];
  let expect: Expect = 'value';
  let i = 0;
  const fail = (offset: number, expected: string) =>
    problem(text, offset, false, `unexpected ${describeChar(text, offset)}, expected ${expected}`);
  const cutOff = (what: string) => problem(text, text.length, true, `the text ends ${what}`);

  for (;;) {
    while (i < text.length && isJsonWhitespace(text.charCodeAt(i))) i++;
    if (i >= text.length) {
      if (expect === 'end') return undefined;
      return cutOff(
        open.length ? `with ${open.length} unclosed bracket${open.length === 1 ? '' : 's'} (${open.join('')})` : 'before any value',
      );
    }
    const ch = text[i];
    switch (expect) {
      case 'end':
        return fail(i, 'nothing after the end of the JSON value');
      case 'colon':
        if (ch !== ':') return fail(i, '":"');
        i++;
        expect = 'value';
        continue;
      case 'comma-or-close': {
        const top = open[open.length - 1];
        const close = top === '{' ? '}' : ']';
        if (ch === ',') {
          i++;
          expect = top === '{' ? 'key' : 'value';
        } else if (ch === close) {
          i++;
          open.pop();
          expect = open.length ? 'comma-or-close' : 'end';
        } else {
          return fail(i, `"," or "${close}"`);
        }
        continue;
      }
      case 'key':
      case 'key-or-close': {
        if (expect === 'key-or-close' && ch === '}') {
          i++;
          open.pop();
          expect = open.length ? 'comma-or-close' : 'end';
          continue;
        }
        if (ch !== '"') return fail(i, expect === 'key' ? 'a property name in double quotes' : 'a property name in double quotes or "}"');
        const end = scanString(text, i);
        if (end.cutOff) return cutOff('inside a string');
        if (end.badAt !== undefined) return fail(end.badAt, end.expected ?? 'a valid string');
        i = end.next;
        expect = 'colon';
        continue;
      }
      case 'value-or-close':
        if (ch === ']') {
          i++;
          open.pop();
          expect = open.length ? 'comma-or-close' : 'end';
        } else {
          expect = 'value';
        }
        continue;
      case 'value': {
        if (ch === '{' || ch === '[') {
          open.push(ch);
          i++;
          expect = ch === '{' ? 'key-or-close' : 'value-or-close';
          continue;
        }
        const afterValue = (): Expect => (open.length ? 'comma-or-close' : 'end');
        if (ch === '"') {
          const end = scanString(text, i);
          if (end.cutOff) return cutOff('inside a string');
          if (end.badAt !== undefined) return fail(end.badAt, end.expected ?? 'a valid string');
          i = end.next;
          expect = afterValue();
          continue;
        }
        if (ch === '-' || (ch >= '0' && ch <= '9')) {
          let end = i;
          while (end < text.length && /[0-9eE.+-]/.test(text[end])) end++;
          const token = text.slice(i, end);
          if (!/^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/.test(token)) {
            if (end >= text.length) return cutOff('inside a number');
            return fail(i, 'a valid number');
          }
          i = end;
          expect = afterValue();
          continue;
        }
        const literal = ['true', 'false', 'null'].find((word) => word[0] === ch);
        if (literal) {
          const got = text.slice(i, i + literal.length);
          if (got === literal) {
            i += literal.length;
            expect = afterValue();
            continue;
          }
          if (i + got.length >= text.length && literal.startsWith(got)) return cutOff(`inside "${literal}"`);
        }
        return fail(i, 'a value');
      }
    }
  }
}

function scanString(text: string, start: number): { next: number; cutOff?: boolean; badAt?: number; expected?: string } {
  let i = start + 1;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === 0x22) return { next: i + 1 };
    if (code < 0x20)
      return { next: i, badAt: i, expected: 'a closing quote (line breaks and control characters must be escaped in JSON strings)' };
    if (code === 0x5c) {
      const escaped = text[i + 1];
      if (escaped === undefined) return { next: i, cutOff: true };
      if (escaped === 'u') {
        const hex = text.slice(i + 2, i + 6);
        if (!/^[0-9a-fA-F]*$/.test(hex)) return { next: i, badAt: i, expected: 'four hex digits after \\u' };
        if (hex.length < 4) return { next: i, cutOff: true };
        i += 6;
        continue;
      }
      if (!'"\\/bfnrt'.includes(escaped))
        return { next: i, badAt: i, expected: 'a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)' };
      i += 2;
      continue;
    }
    i++;
  }
  return { next: i, cutOff: true };
}

function isJsonWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

function describeChar(text: string, offset: number): string {
  const codePoint = text.codePointAt(offset);
  if (codePoint === undefined) return 'end of text';
  const ch = String.fromCodePoint(codePoint);
  if (codePoint < 0x20 || codePoint === 0x7f) return `control character U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
  if (codePoint === 0xfffd) return 'an invalid byte (the file is not UTF-8 text)';
  return JSON.stringify(ch);
}

function problem(text: string, offset: number, truncated: boolean, message: string): JsonSyntaxProblem {
  const { line, column } = lineAndColumn(text, offset);
  return { offset, line, column, truncated, message };
}

/** 1-based line and column of an offset; \r\n, \n and \r all end a line. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x0a || (code === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
