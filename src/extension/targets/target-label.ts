// The one name of an attached process, whichever way it was attached (debug session, picker,
// inspector address): its script and pid, and the debug session it runs under when there is one.
// No `vscode` import: the views, the status bar, the picker and notifications all call this.
import { escapeControl } from '../../core/terminal-text';

export interface LabelSource {
  pid: number;
  /** process.argv of the target (execPath first), or a command line split on spaces. */
  argv?: readonly string[];
  /** The name of the debug session the process runs under (its launch configuration). */
  debugSessionName?: string;
}

/** Node options whose value is the next argument (so that argument is not the script). */
const OPTIONS_WITH_VALUE = new Set([
  '-r',
  '--require',
  '--import',
  '--loader',
  '--experimental-loader',
  '-C',
  '--conditions',
  '--env-file',
  '--title',
  '--inspect-port',
  '--stack-size',
]);
const MAX_PART = 60;
const NODE_NAME = /^(node|nodejs)(\d+(\.\d+)*)?(\.exe)?$/i;

/**
 * "server.js" for `node --inspect /srv/app/server.js --port 1`; "node -e" / "node" without a script;
 * a process title set by the program ("npm run build") as it is.
 */
export function scriptName(argv: readonly string[]): string {
  if (argv.length > 0 && !/[\\/]/.test(argv[0]) && !NODE_NAME.test(argv[0])) return argv.slice(0, 4).join(' ');
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-e' || arg === '--eval' || arg === '-p' || arg === '--print') return `node ${arg}`;
    if (arg === '--') return argv[i + 1] !== undefined ? baseName(argv[i + 1]) : 'node';
    if (arg.startsWith('-')) {
      if (OPTIONS_WITH_VALUE.has(arg)) i++;
      continue;
    }
    return baseName(arg);
  }
  return 'node';
}

/** "server.js · pid 4837", or "server.js · pid 4837 · Launch Program" under a debug session. */
export function targetLabel(source: LabelSource): string {
  const argv = Array.isArray(source.argv) ? source.argv.filter((a): a is string => typeof a === 'string') : [];
  const parts = [`${short(escapeControl(scriptName(argv)))} · pid ${source.pid}`];
  const session = source.debugSessionName?.trim();
  if (session) parts.push(short(escapeControl(session)));
  return parts.join(' · ');
}

function baseName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path;
}

function short(text: string): string {
  return text.length > MAX_PART ? `${text.slice(0, MAX_PART - 1)}…` : text;
}
