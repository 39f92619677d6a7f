// Finds Prometheus's own binaries (Debian's `prometheus` package); tests that need them skip with
// the install command where they are missing.
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export const PROMETHEUS_INSTALL = 'apt-get install prometheus (Debian/Ubuntu), or put promtool and prometheus on PATH';

export function findTool(name: 'promtool' | 'prometheus'): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/local/bin']) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

export function skipWithout(name: 'promtool' | 'prometheus'): string | false {
  return findTool(name) ? false : `${name} not found: ${PROMETHEUS_INSTALL}`;
}
