// Closing a target's inspector (one SIGUSR1 opened stays open otherwise). It has to happen after
// this client lets go, so the target is asked to do it shortly after.
import type { CdpChannel } from './inspector-connection';

const CLOSE_DELAY_MS = 200;

/** Asks the target to close its inspector once this client has let go; every other client is disconnected too. */
export async function closeInspector(channel: CdpChannel): Promise<void> {
  await channel.send('Runtime.evaluate', {
    // `require` exists only during this evaluation: take the module now. Unref'd: the timer must not
    // keep a program alive that was about to end.
    expression: `((inspector) => void setTimeout(() => { try { inspector.close(); } catch {} }, ${CLOSE_DELAY_MS}).unref())(require('inspector'))`,
    includeCommandLineAPI: true,
    silent: true,
  });
}
