// What the code-server runner needs, and the one command that provides each missing piece.
import { existsSync, readFileSync } from 'node:fs';
import { CODE_SERVER_VERSION, chromiumPath, codeServerEntry, nodeBin, stampFile } from './paths.mjs';

function codeServerInstalled() {
  if (!existsSync(stampFile) || !existsSync(codeServerEntry) || !existsSync(nodeBin)) return false;
  try {
    return JSON.parse(readFileSync(stampFile, 'utf8')).codeServer === CODE_SERVER_VERSION;
  } catch {
    return false;
  }
}

export function missingPrerequisites() {
  const missing = [];
  if (!existsSync(chromiumPath)) {
    missing.push({ what: `Chromium (${chromiumPath})`, fix: 'apt-get install -y chromium' });
  }
  if (!codeServerInstalled()) {
    missing.push({ what: `code-server ${CODE_SERVER_VERSION} in .vscode-test/`, fix: 'npm run vscode:install' });
  }
  return missing;
}
