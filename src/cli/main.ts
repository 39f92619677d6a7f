// async-leak-lens: the terminal front end over core.
import type { ParseArgsConfig } from 'node:util';
import { LensError, describeError } from '../core/errors';
import { SnapshotFileError } from '../core/files/snapshot-file';
import { escapeControl } from '../core/terminal-text';
import { EXIT_USAGE, UsageError } from './cli-error';
import { detachCommand, detachHelp, detachOptions } from './commands/detach';
import { diffCommand, diffHelp, diffOptions } from './commands/diff';
import { probeCommand, probeHelp, probeOptions } from './commands/probe';
import { runCommand, runHelp, runOptions } from './commands/run';
import { snapshotCommand, snapshotHelp, snapshotOptions } from './commands/snapshot';
import { watchCommand, watchHelp, watchOptions } from './commands/watch';
import { EXIT_INTERRUPTED, guardInterrupts, Interrupted } from './interrupt';
import { terminalOutput, type Output } from './output';

export interface Command {
  summary: string;
  /** What `<command> --help` prints: its own options only. */
  help: string;
  /** The options the command parses (its help lists exactly these). */
  options: NonNullable<ParseArgsConfig['options']>;
  run(args: string[], io: Output): Promise<number>;
}

export const commands: Record<string, Command> = {
  snapshot: {
    summary: 'take a snapshot of live async resources by site',
    help: snapshotHelp,
    options: snapshotOptions,
    run: snapshotCommand,
  },
  diff: { summary: 'compare two snapshots: which sites grew', help: diffHelp, options: diffOptions, run: diffCommand },
  watch: { summary: 'live counts by type and growing sites', help: watchHelp, options: watchOptions, run: watchCommand },
  run: { summary: 'start a Node program with its inspector and watch it', help: runHelp, options: runOptions, run: runCommand },
  detach: { summary: 'remove the agent from a target', help: detachHelp, options: detachOptions, run: detachCommand },
  probe: {
    summary: 'send load to a loopback URL in rounds: does a request leak?',
    help: probeHelp,
    options: probeOptions,
    run: probeCommand,
  },
};

function mainHelp(): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  return [
    'Usage: async-leak-lens <command> [options]   (async-leak-lens <command> --help for details)',
    '',
    'Finds async work that never finishes in a running Node.js process, through its inspector.',
    '',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Exit codes: 0 fine, 1 a leak was found (commands that check), 2 bad usage or cannot connect.',
  ].join('\n');
}

export async function main(argv: string[], io: Output = terminalOutput()): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(mainHelp());
    return name ? 0 : EXIT_USAGE;
  }
  if (name === '--version' || name === '-v') {
    io.out(PACKAGE_VERSION);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    io.err(`Unknown command "${name}".\n\n${mainHelp()}`);
    return EXIT_USAGE;
  }
  const ownArgs = name === 'run' && args.includes('--') ? args.slice(0, args.indexOf('--')) : args;
  if (ownArgs.includes('--help') || ownArgs.includes('-h')) {
    io.out(command.help);
    return 0;
  }
  const unguard = guardInterrupts(io);
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof Interrupted) {
      io.err(error.message);
      return EXIT_INTERRUPTED;
    }
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.err(`async-leak-lens ${name}: ${escapeControl(describeError(error))}\nRun "async-leak-lens ${name} --help" for usage.`);
      return EXIT_USAGE;
    }
    if (error instanceof LensError || error instanceof SnapshotFileError) {
      // Messages quote targets and files (paths, names, exception text): data, escaped.
      io.err(`async-leak-lens ${name}: ${escapeControl(error.message)}`);
      return EXIT_USAGE;
    }
    io.err(`async-leak-lens ${name}: unexpected error: ${error instanceof Error ? error.stack : String(error)}`);
    return EXIT_USAGE;
  } finally {
    unguard();
  }
}

function isParseArgsError(error: unknown): boolean {
  return typeof (error as { code?: unknown })?.code === 'string' && (error as { code: string }).code.startsWith('ERR_PARSE_ARGS');
}
