// Which functions of a file have blocked invocations, and on which line each is declared, for
// the "N tasks blocked here" CodeLens. Pure (no `vscode`): the declaration is found by scanning
// up from the blocked line for a declaration of the site's function name, which needs no
// language server and works the same for JavaScript and TypeScript.
import type { LineMark } from './line-marks';

export interface BlockedFunction {
  /** As the stack names it, e.g. "runWorker", "OrderService.awaitPayment". */
  name: string;
  /** 1-based line of the declaration. */
  declarationLine: number;
  /** Blocked tasks summed over the function's blocked lines. */
  count: number;
  /** 1-based line of its largest blocked site (where a click leads). */
  topSiteLine: number;
  topSiteCount: number;
}

/** Lines scanned above a blocked site for its function's declaration. */
const MAX_SCAN_LINES = 2000;

/** "async runWorker" -> "runWorker"; "OrderService.awaitPayment" -> "awaitPayment"; anonymous -> undefined. */
export function declaredName(stackName: string): string | undefined {
  const bare = stackName.replace(/^(?:async|new)\s+/, '');
  const last = bare.slice(bare.lastIndexOf('.') + 1).replace(/^#/, '');
  return /^[A-Za-z_$][\w$]*$/.test(last) && last !== 'anonymous' ? last : undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Compiled declaration patterns per name (a CodeLens pass asks for the same few names often). */
const matchers = new Map<string, (text: string) => boolean>();
const MAX_CACHED_MATCHERS = 500;

function declarationMatcher(name: string): (text: string) => boolean {
  let matcher = matchers.get(name);
  if (matcher) return matcher;
  const n = escapeRegExp(name);
  // function name(  /  async function* name(
  const declared = new RegExp(`\\bfunction\\b\\s*\\*?\\s*${n}\\s*[<(]`);
  // name = async (...) =>  /  name: function  /  const name = async x =>
  const assigned = new RegExp(`(?:^|[^\\w$.])#?${n}\\s*[:=]\\s*(?:async\\b|function\\b|\\(|[A-Za-z_$][\\w$]*\\s*=>)`);
  // Method: optional modifiers, name, parameters, then a body or a continued parameter list.
  const method = new RegExp(
    `^\\s*(?:(?:public|private|protected|static|override|async|readonly)\\s+)*\\*?\\s*#?${n}\\s*(?:<[^>]*>)?\\s*\\(`,
  );
  const statementEnd = /;\s*(?:\/\/.*)?$/;
  matcher = (text) =>
    text.includes(name) && (declared.test(text) || assigned.test(text) || (method.test(text) && !statementEnd.test(text)));
  if (matchers.size >= MAX_CACHED_MATCHERS) matchers.clear();
  matchers.set(name, matcher);
  return matcher;
}

/** Does this line declare a function or method called `name`? (Calls like `name();` do not count.) */
export function declaresFunction(text: string, name: string): boolean {
  return declarationMatcher(name)(text);
}

/** The declaration line (1-based) of `name` at or above `fromLine`, or undefined. */
export function findDeclarationLine(lineAt: (line: number) => string | undefined, fromLine: number, name: string): number | undefined {
  const declares = declarationMatcher(name);
  for (let line = fromLine, scanned = 0; line >= 1 && scanned < MAX_SCAN_LINES; line--, scanned++) {
    const text = lineAt(line);
    if (text !== undefined && declares(text)) return line;
  }
  return undefined;
}

/** A line that opens an async function: `async function f(`, `async (req, res) => {`, `async x => {`, `async f() {`. */
const ASYNC_HEADER = /\basync\b\s*(?:function\b|\(|[A-Za-z_$][\w$]*\s*(?:=>|\())/;

/**
 * The line (1-based) of the async function that encloses a position, for anonymous functions
 * (the express shape `app.get('/', async (req, res) => { ... })`): scanning up, the first
 * unmatched `{` on a line that opens an async function. Blocks between (for, if, try) are
 * stepped out of. Braces in strings and comments are not told apart: a heuristic, bounded.
 */
export function enclosingAsyncFunctionLine(lineAt: (line: number) => string | undefined, line: number, column: number): number | undefined {
  let depth = 0;
  for (let n = line, scanned = 0; n >= 1 && scanned < MAX_SCAN_LINES; n--, scanned++) {
    const full = lineAt(n);
    if (full === undefined) continue;
    const text = n === line ? full.slice(0, Math.max(0, column - 1)) : full;
    for (let i = text.length - 1; i >= 0; i--) {
      if (text[i] === '}') depth++;
      else if (text[i] === '{' && --depth < 0) {
        if (ASYNC_HEADER.test(text.slice(0, i))) return n;
        depth = 0;
      }
    }
  }
  return undefined;
}

/**
 * Functions with blocked sites in a file's marks, each at its declaration line. `lineAt(n)` gives
 * the text of 1-based line n of the open document.
 */
export function blockedFunctions(marks: readonly LineMark[], lineAt: (line: number) => string | undefined): BlockedFunction[] {
  const byDeclaration = new Map<string, BlockedFunction>();
  for (const mark of marks) {
    for (const { site } of mark.sites) {
      if (site.kind !== 'blocked') continue;
      const name = declaredName(site.frame.function);
      const anonymous = name === undefined && isAnonymous(site.frame.function);
      if (!name && !anonymous) continue;
      const declarationLine = name
        ? findDeclarationLine(lineAt, mark.line, name)
        : enclosingAsyncFunctionLine(lineAt, mark.line, site.frame.column);
      if (declarationLine === undefined) continue;
      const key = `${declarationLine}\u0000${name ?? ''}`;
      const found = byDeclaration.get(key);
      if (!found) {
        byDeclaration.set(key, {
          name: site.frame.function || '<anonymous>',
          declarationLine,
          count: site.count,
          topSiteLine: mark.line,
          topSiteCount: site.count,
        });
        continue;
      }
      found.count += site.count;
      if (site.count > found.topSiteCount) {
        found.topSiteLine = mark.line;
        found.topSiteCount = site.count;
      }
    }
  }
  return [...byDeclaration.values()].sort((a, b) => a.declarationLine - b.declarationLine);
}

/** No name in the stack: '', '<anonymous>', 'async <anonymous>'. */
function isAnonymous(stackName: string): boolean {
  return /^(?:(?:async|new)\s+)?(?:<anonymous>|anonymous)?$/.test(stackName.trim());
}

/** "1 task blocked here", "30 tasks blocked here". */
export function blockedLensTitle(count: number): string {
  const n = Math.round(count);
  return `${n.toLocaleString('en-US')} task${n === 1 ? '' : 's'} blocked here`;
}
