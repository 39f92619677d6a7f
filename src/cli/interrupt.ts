// Ctrl-C at any moment of a command: the target is left as it was, or the CLI says what stayed
// in it and how to remove it. Commands that handle Ctrl-C themselves (watch, probe, an attach under
// way) add their own SIGINT listener; the guard speaks only when nobody else does.
import { escapeControl } from '../core/terminal-text';
import type { Output } from './output';

/** The shell's convention for "ended by Ctrl-C" (128 + SIGINT). */
export const EXIT_INTERRUPTED = 130;

/** A command stopped by Ctrl-C; the message says in what state it left the target. */
export class Interrupted extends Error {}

let leftover: string | undefined;

/** What stays in the target if the CLI quits now (undefined: the target is as it was). */
export function setLeftover(text: string | undefined): void {
  leftover = text;
}

/** Installs the guard for one command; returns its removal. */
export function guardInterrupts(io: Output): () => void {
  const onSigint = () => {
    if (process.listenerCount('SIGINT') > 1) return;
    io.err(leftover ? `Interrupted: ${escapeControl(leftover)}` : 'Interrupted.');
    process.exit(EXIT_INTERRUPTED);
  };
  process.on('SIGINT', onSigint);
  return () => {
    process.off('SIGINT', onSigint);
    leftover = undefined;
  };
}
