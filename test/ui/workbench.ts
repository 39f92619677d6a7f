// Drives the VS Code workbench in a browser page the way a person does: the command palette,
// quick inputs, the activity bar, tree rows, the status bar, editors, hovers and webviews.
// Every step waits for what it needs to see (no fixed sleeps) and fails with a message that says
// what was expected on screen.
import type { Frame, Locator, Page } from 'playwright-core';

/** Generous: the CI machine is small and shared; a wait only takes long when something is wrong. */
export const UI_TIMEOUT_MS = 60_000;

export class Workbench {
  constructor(readonly page: Page) {}

  /** The workbench has loaded and the extension's view container is in the activity bar. */
  async waitReady(containerTitle: string): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ timeout: UI_TIMEOUT_MS });
    await this.activityBarItem(containerTitle).waitFor({ timeout: UI_TIMEOUT_MS });
  }

  activityBarItem(title: string): Locator {
    return this.page.locator(`.activitybar .action-item a[aria-label^="${cssString(title)}"]`).first();
  }

  /** F1, type the command's title, pick exactly that command. */
  async runCommand(title: string): Promise<void> {
    await this.openPalette();
    await this.page.keyboard.type(title);
    // The row whose label is the title (a keybinding may follow it in the aria-label).
    const row = this.quickInput()
      .locator(`.monaco-list-row[aria-label^="${cssString(title)}"]`)
      .first();
    await row.waitFor({ timeout: UI_TIMEOUT_MS }).catch(() => {
      throw new Error(`the command palette lists no command "${title}"`);
    });
    await row.click();
  }

  /** Waits for an input box or quick pick with this title, types the answer, presses Enter. */
  async answerInput(title: string, answer: string): Promise<void> {
    await this.waitQuickInputTitle(title);
    const input = this.quickInput().locator('.quick-input-box input');
    await input.fill(answer);
    await input.press('Enter');
    await this.quickInput().waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
  }

  /** Waits for a quick pick with this title and clicks the first item showing `label`. */
  async pickItem(title: string, label: string): Promise<void> {
    await this.waitQuickInputTitle(title);
    const row = this.quickInput().locator('.monaco-list-row').filter({ hasText: label }).first();
    await row.waitFor({ timeout: UI_TIMEOUT_MS }).catch(() => {
      throw new Error(`the quick pick "${title}" has no item "${label}"`);
    });
    await row.click();
    await this.quickInput().waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
  }

  quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  /** Opens a file of the workspace through Quick Open (Ctrl+P), as a person does. */
  async openFile(name: string): Promise<Locator> {
    await this.page.keyboard.press('Control+P');
    await this.quickInput().waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await this.page.keyboard.type(name);
    const row = this.quickInput()
      .locator(`.monaco-list-row[aria-label^="${cssString(name)}"]`)
      .first();
    await row.waitFor({ timeout: UI_TIMEOUT_MS }).catch(() => {
      throw new Error(`Quick Open finds no file "${name}"`);
    });
    await row.click();
    const tab = this.page.locator(`.tabs-container .tab[aria-label^="${cssString(name)}"]`).first();
    await tab.waitFor({ timeout: UI_TIMEOUT_MS });
    return this.activeEditor();
  }

  activeEditor(): Locator {
    return this.page.locator('.editor-group-container.active .monaco-editor').first();
  }

  /** Puts the cursor on a line (Go to Line) so the editor scrolls it into view. */
  async goToLine(line: number): Promise<void> {
    await this.page.keyboard.press('Control+G');
    await this.quickInput().waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await this.page.keyboard.type(String(line));
    // Enter only counts once the picker has read the number.
    await this.quickInput()
      .locator('.monaco-list-row')
      .filter({ hasText: `line ${line}` })
      .first()
      .waitFor({ timeout: UI_TIMEOUT_MS });
    await this.page.keyboard.press('Enter');
    await this.quickInput().waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
    await this.lineNumber(line).waitFor({ timeout: UI_TIMEOUT_MS });
  }

  /** The line-number cell of a 1-based line in the active editor (rendered only when visible). */
  lineNumber(line: number): Locator {
    return this.activeEditor()
      .locator('.margin-view-overlays .line-numbers')
      .filter({ hasText: new RegExp(`^\\s*${line}\\s*$`) });
  }

  /** The rendered line of the active editor that shows this code (the editor renders spaces as no-break spaces). */
  codeLine(code: string): Locator {
    const pattern = code.trim().split(/\s+/).map(escapeRegExp).join('\\s+');
    return this.activeEditor()
      .locator('.view-lines .view-line')
      .filter({ hasText: new RegExp(pattern) })
      .first();
  }

  /** Drags the side bar's edge, as a person widens it to read long tree rows. */
  async setSideBarWidth(width: number): Promise<void> {
    const bar = await boxOf(this.page.locator('.part.sidebar'), 'the side bar');
    const edge = bar.x + bar.width;
    const sashes = this.page.locator('.monaco-sash.vertical');
    let handle: { x: number; y: number } | undefined;
    for (let i = 0; i < (await sashes.count()) && !handle; i++) {
      const b = await sashes.nth(i).boundingBox();
      if (b && Math.abs(b.x + b.width / 2 - edge) <= 4 && b.height > bar.height / 2)
        handle = { x: b.x + b.width / 2, y: bar.y + bar.height / 2 };
    }
    if (!handle) throw new Error("found no sash on the side bar's edge");
    await this.page.mouse.move(handle.x, handle.y);
    await this.page.mouse.down();
    await this.page.mouse.move(bar.x + width, handle.y, { steps: 8 });
    await this.page.mouse.up();
    await waitUntil(
      async () => Math.abs(((await this.page.locator('.part.sidebar').boundingBox())?.width ?? 0) - width) <= 4,
      UI_TIMEOUT_MS,
      `the side bar to be ${width} px wide`,
    );
  }

  /** A view pane (by its header title) in the side bar. */
  viewPane(title: string): Locator {
    return this.page.locator('.part.sidebar .pane').filter({ has: this.page.locator(`.pane-header[aria-label^="${cssString(title)}"]`) });
  }

  /** Rows of a tree view whose text matches. */
  treeRow(pane: Locator, text: string | RegExp): Locator {
    return pane.locator('.monaco-list-row').filter({ hasText: text });
  }

  /** Expands a collapsed tree row (a click on its twistie); a no-op when it is expanded. */
  async expand(row: Locator): Promise<void> {
    await row.waitFor({ timeout: UI_TIMEOUT_MS });
    // A live tree re-sorts and re-renders its rows while it is clicked: click again until it holds.
    let lastClick = 0;
    await waitUntil(
      async () => {
        if ((await row.getAttribute('aria-expanded')) === 'true') return true;
        if (Date.now() - lastClick > 2000) {
          lastClick = Date.now();
          await row.locator('.monaco-tl-twistie').click({ timeout: 5000 });
        }
        return false;
      },
      UI_TIMEOUT_MS,
      'a tree row to expand',
    );
  }

  /** A status bar entry whose text matches. */
  statusItem(text: string | RegExp): Locator {
    return this.page.locator('.part.statusbar .statusbar-item').filter({ hasText: text });
  }

  /** The hover widget the editor or workbench shows. */
  hover(): Locator {
    return this.page.locator('.monaco-hover:not(.hidden)').filter({ hasText: /\S/ }).last();
  }

  /** The editor tab whose title starts with this text. */
  editorTab(titleStart: string): Locator {
    return this.page.locator(`.tabs-container .tab[aria-label^="${cssString(titleStart)}"]`).first();
  }

  /** The editor group showing the tab whose title starts with this text. */
  editorGroupOf(titleStart: string): Locator {
    return this.page
      .locator('.editor-group-container')
      .filter({ has: this.editorTab(titleStart) })
      .first();
  }

  /** The page inside the webview of the editor tab whose title starts with this text. */
  async webview(titleStart: string): Promise<Frame> {
    await this.editorTab(titleStart)
      .waitFor({ timeout: UI_TIMEOUT_MS })
      .catch(() => {
        throw new Error(`no editor tab "${titleStart}…" opened`);
      });
    // Webviews are iframes laid over the editor area, each holding its page in a nested frame;
    // the page's own <title> tells them apart.
    let found: Frame | undefined;
    await waitUntil(
      async () => {
        for (const frame of this.page.frames()) {
          if (frame !== this.page.mainFrame() && (await frame.title().catch(() => '')).startsWith(titleStart)) found = frame;
        }
        return found !== undefined;
      },
      UI_TIMEOUT_MS,
      `the webview page "${titleStart}…" to load`,
    );
    return found!;
  }

  /** Closes notification toasts so they do not cover what a check looks at. */
  async clearNotifications(): Promise<void> {
    const toasts = this.page.locator('.notifications-toasts .notification-toast');
    if ((await toasts.count()) === 0) return;
    await this.runCommand('Notifications: Clear All Notifications');
  }

  private async openPalette(): Promise<void> {
    await this.page.keyboard.press('F1');
    await this.quickInput().waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await this.quickInput().locator('.quick-input-box input').waitFor({ timeout: UI_TIMEOUT_MS });
  }

  private async waitQuickInputTitle(title: string): Promise<void> {
    await this.quickInput()
      .locator('.quick-input-title')
      .filter({ hasText: title })
      .waitFor({ timeout: UI_TIMEOUT_MS })
      .catch(() => {
        throw new Error(`no input "${title}" appeared`);
      });
  }
}

/** Polls `condition` until it holds; fails with what was awaited. */
export async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number, what: string, intervalMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await condition()) return;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
}

export async function boxOf(locator: Locator, what: string): Promise<{ x: number; y: number; width: number; height: number }> {
  await locator.waitFor({ timeout: UI_TIMEOUT_MS });
  const box = await locator.boundingBox();
  if (!box) throw new Error(`${what} is not visible`);
  return box;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** For a CSS attribute value in double quotes. */
function cssString(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}
