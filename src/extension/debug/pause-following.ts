// Follows the debugger's pauses over its CDP proxy, so polls wait while the debuggee is paused:
// an evaluate sent while a pause is pending can itself become the paused code.
import type { AttachedTarget } from '../targets/attached-target';

const SUBSCRIBE_TIMEOUT_MS = 5000;

/** The proxy forwards no events until asked with JsDebug.subscribe. */
export async function followPauses(target: AttachedTarget): Promise<void> {
  const connection = target.session.connection;
  const onEvent = (method: string) => {
    if (method === 'Debugger.paused') target.setPaused(true);
    else if (method === 'Debugger.resumed') target.setPaused(false);
  };
  connection.on('event', onEvent);
  target.onDidEnd(() => connection.off('event', onEvent));
  await connection.main.send('JsDebug.subscribe', { events: ['Debugger.paused', 'Debugger.resumed'] }, SUBSCRIBE_TIMEOUT_MS);
}
