// Screenshots of each step, numbered in the order taken. The ones the README shows are also
// copied to docs/images/ when the run is asked to update them.
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';

/** README pictures should stay light. */
export const PICTURE_BUDGET_BYTES = 150 * 1024;

export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ShotOptions {
  /** Only this element (default: the whole page). */
  element?: Locator;
  /** Only this part of the page. */
  clip?: Region;
  /** File name (without .png) of the README picture this shot also is. */
  picture?: string;
}

export class Screenshots {
  private count = 0;
  readonly saved: { path: string; bytes: number }[] = [];
  readonly pictures: { path: string; bytes: number }[] = [];

  /** `picturesDir`: where README pictures go (undefined: leave them alone). */
  constructor(
    private readonly page: Page,
    readonly dir: string,
    private readonly picturesDir: string | undefined,
    private readonly log: (message: string) => void,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  async take(name: string, options: ShotOptions = {}): Promise<string> {
    const path = join(this.dir, `${String(++this.count).padStart(2, '0')}-${name}.png`);
    if (options.element) await options.element.screenshot({ path, animations: 'disabled' });
    else await this.page.screenshot({ path, clip: options.clip, animations: 'disabled' });
    const bytes = statSync(path).size;
    this.saved.push({ path, bytes });
    if (options.picture && this.picturesDir) {
      mkdirSync(this.picturesDir, { recursive: true });
      const picture = join(this.picturesDir, `${options.picture}.png`);
      copyFileSync(path, picture);
      this.pictures.push({ path: picture, bytes });
      if (bytes > PICTURE_BUDGET_BYTES)
        this.log(`WARNING: ${picture} is ${kib(bytes)}, above the ${kib(PICTURE_BUDGET_BYTES)} budget for README pictures`);
    }
    return path;
  }
}

export function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(0)} KiB`;
}

/** A region around several boxes, with a margin, kept inside the viewport. */
export function around(boxes: Region[], viewport: { width: number; height: number }, margin = 8): Region {
  const x = Math.max(0, Math.min(...boxes.map((b) => b.x)) - margin);
  const y = Math.max(0, Math.min(...boxes.map((b) => b.y)) - margin);
  const right = Math.min(viewport.width, Math.max(...boxes.map((b) => b.x + b.width)) + margin);
  const bottom = Math.min(viewport.height, Math.max(...boxes.map((b) => b.y + b.height)) + margin);
  return { x, y, width: right - x, height: bottom - y };
}
