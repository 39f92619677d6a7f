// Errors a user can act on. `code` lets front ends pick an exit code or a message style.
export type LensErrorCode =
  | 'bad-target' // the address or pid is malformed
  | 'not-loopback' // a remote address without the opt-in
  | 'cannot-connect' // nothing answers, or not an inspector
  | 'not-node' // an inspector, but of a browser
  | 'target-gone' // the process exited or the socket dropped
  | 'timeout'
  | 'cancelled' // the user cancelled a wait
  | 'agent' // the agent answered with an error
  | 'tampered'; // what answers as the agent is not one (replaced, imitated, another version)

export class LensError extends Error {
  constructor(
    readonly code: LensErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'LensError';
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
