// Headless Debian Chromium driven by playwright-core, with a throwaway profile.
import { chromium } from 'playwright-core';
import { chromiumPath } from './paths.mjs';

// Quiet, offline-friendly flags (no sandbox: CI runs as root).
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Returns a Playwright BrowserContext; close() it to end the browser. */
export function launchBrowser(profileDir, { viewport = { width: 1400, height: 900 } } = {}) {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath, // not the /usr/bin wrapper, which prints noise
    headless: true,
    args: FLAGS,
    viewport,
    // The runner's own signal handlers close the browser and the server, in order.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
}
