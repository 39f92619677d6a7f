// What both browser runners need around their run: a timeout, and one cleanup (browser closed,
// code-server's process group stopped, throwaway folder removed or kept) however the run ends —
// finished, timed out, or interrupted with SIGINT/SIGTERM.
import { rmSync } from 'node:fs';

/**
 * @param {{ tag: string, state: { server: any, browser: any }, tmp: string, keepTmp: () => boolean }} options
 */
export function createRunGuard({ tag, state, tmp, keepTmp }) {
  const log = (msg) => console.log(`[${tag}] ${msg}`);
  let cleaning;
  const cleanup = () => {
    cleaning ??= (async () => {
      await state.browser?.close().catch(() => {});
      await state.server?.stop();
      if (keepTmp()) log(`kept ${tmp} (code-server log, user data with the extension host logs)`);
      else rmSync(tmp, { recursive: true, force: true });
    })();
    return cleaning;
  };

  let interrupted = false;
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, async () => {
      interrupted = true;
      log(`${sig}: stopping the browser and code-server`);
      await cleanup();
      process.exit(128 + (sig === 'SIGINT' ? 2 : 15));
    });
  }

  /** The run's exit code, or 1 when it throws or outlives timeoutMs. Never returns once interrupted. */
  const race = async (run, timeoutMs, timeoutMessage) => {
    const timeout = new Promise((resolve) =>
      setTimeout(() => {
        console.error(`[${tag}] ERROR: ${timeoutMessage}`);
        resolve(1);
      }, timeoutMs).unref(),
    );
    const code = await Promise.race([run(), timeout]).catch((err) => {
      if (!interrupted) console.error(`[${tag}] ERROR: ${err?.stack ?? err}`);
      return 1;
    });
    if (interrupted) await new Promise(() => {}); // the signal handler exits
    return code;
  };

  return { cleanup, race };
}
