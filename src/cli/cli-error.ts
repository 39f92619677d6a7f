// Exit codes: 0 fine, 1 a leak was found (commands that check), 2 bad usage or cannot connect.
export const EXIT_OK = 0;
export const EXIT_LEAK = 1;
export const EXIT_USAGE = 2;

export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
  }
}
