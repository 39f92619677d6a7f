// Warnings about settings go to stderr once per process, whichever of the register and metrics
// bundles reads the environment first (each bundle has its own copy of this module, hence the
// global mark).
const WARNED = Symbol.for('async-leak-lens.settings-warned');

export function warn(message: string): void {
  try {
    process.stderr.write(`async-leak-lens: ${message.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '?')}\n`);
  } catch {
    // Nowhere to say it.
  }
}

/** Prints the warnings about the environment's settings, unless they were printed already. */
export function warnSettingsOnce(warnings: readonly string[]): void {
  const global = globalThis as unknown as Record<symbol, boolean | undefined>;
  if (global[WARNED]) return;
  global[WARNED] = true;
  for (const w of warnings) warn(w);
}
