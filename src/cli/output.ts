// Where the CLI writes, and whether it may use colour.
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
    out: (text) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    color: isTty && !process.env.NO_COLOR && process.env.TERM !== 'dumb',
    isTty,
  };
}
