// The `async-leak-lens` executable: runs main() with the process's arguments.
import { describeError } from '../core/errors';
import { escapeControl } from '../core/terminal-text';
import { EXIT_USAGE } from './cli-error';
import { main } from './main';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`${escapeControl(describeError(error))}\n`);
    process.exitCode = EXIT_USAGE;
  },
);
