// Where the CLI writes, and whether it may use colour. Everything written passes the terminal
// guard: only newlines and our own colour codes reach the terminal as control characters.
import { guardTerminalText } from '../core/terminal-text';

export interface Output {
  out(text: string): void;
  err(text: string): void;
  color: boolean;
  isTty: boolean;
}

export function terminalOutput(): Output {
  const isTty = Boolean(process.stdout.isTTY);
  // A closed pipe (`watch ... | head`) ends the output, not the process with a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  return {
    out: (text) => void process.stdout.write(lineOf(text)),
    err: (text) => void process.stderr.write(lineOf(text)),
    color: isTty && !process.env.NO_COLOR && process.env.TERM !== 'dumb',
    isTty,
  };
}

function lineOf(text: string): string {
  const guarded = guardTerminalText(text);
  return guarded.endsWith('\n') ? guarded : `${guarded}\n`;
}
