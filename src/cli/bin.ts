// The `async-leak-lens` executable: runs main() with the process's arguments.
import { describeError } from '../core/errors';
import { escapeControl } from '../core/terminal-text';
import { EXIT_USAGE } from './cli-error';
import { main } from './main';

main(process.argv.slice(2))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`${escapeControl(describeError(error))}\n`);
      process.exitCode = EXIT_USAGE;
    },
  )
  // The command is over: a connection that never completed (a stopped target that accepted the
  // TCP connection) must not keep the process alive. Output is flushed by then.
  .finally(() => setTimeout(() => process.exit(), EXIT_GRACE_MS).unref());

const EXIT_GRACE_MS = 1000;
