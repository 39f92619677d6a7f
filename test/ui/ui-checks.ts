// Browser-level checks of what a person sees, run by scripts/vscode-test/run-ui-checks.mjs on a
// code-server whose workbench has the extension loaded from this repository and the leaky
// queue-workers fixture open as its workspace. One story, step by step, through the real UI
// (palette, quick inputs, tree rows, hovers, webviews): open the view, attach by address, load,
// look at the tree, the status bar, the gutter, CodeLens and hover, snapshot, load, snapshot and
// compare, the live chart, detach. Each step saves a screenshot; a failed step stops the story.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { driveLoad, findMarker, repoRoot, startFixture, type Marker, type RunningFixture } from '../support/fixtures';
import { contrastRatio, MIN_LINE_CONTRAST, parseColor } from '../../media/chart/contrast';
import { around, kib, Screenshots, type Region } from './screenshots';
import { boxOf, UI_TIMEOUT_MS, waitUntil, Workbench } from './workbench';

const FIXTURE = 'queue-workers';
/** Requests of the first load: one worker blocked at the marked line each. */
const FIRST_LOAD = 60;
/** Requests between the "before" and "after" snapshots. */
const SECOND_LOAD = 40;
/** Requests per round of the leak probe (3 rounds). */
const PROBE_REQUESTS = 10;
const CONTAINER = 'Async Leak Lens';
const VIEW = 'Async Resources';
const CHART_TITLE = 'Async Leak Lens: Live Chart';
/** Pixels: site rows show their whole description. */
const SIDE_BAR_WIDTH = 520;

/** The folder the workbench opens: the fixture's own folder. */
export function uiWorkspace(): string {
  return join(repoRoot(), 'test', 'fixtures', FIXTURE);
}

/** User settings of the run: readable pictures, and site readings every second (the default is 5 s). */
export const UI_SETTINGS = {
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'editor.minimap.enabled': false,
  'editor.stickyScroll.enabled': false,
  // The editor shows CodeLenses once every provider answered; a full TypeScript project analysis
  // of the workspace can take minutes on a busy machine, the syntax server answers at once.
  'typescript.tsserver.useSyntaxServer': 'always',
  'asyncLeakLens.sitesIntervalMs': 1000,
  // Nothing pops up over what the checks look at; the debug integration is not part of this story.
  'asyncLeakLens.growth.notify': false,
  'asyncLeakLens.autoAttach': 'never',
};

export interface UiCheckOptions {
  page: Page;
  /** Where every step's screenshot goes. */
  screenshotsDir: string;
  /** Where the README pictures go (undefined: not updated). */
  picturesDir: string | undefined;
  log(message: string): void;
}

export interface UiCheckResult {
  title: string;
  outcome: 'passed' | 'failed' | 'not run';
  ms: number;
  error?: string;
}

interface Story {
  workbench: Workbench;
  shots: Screenshots;
  fixture?: RunningFixture;
  /** The fixture's `// @leak` line, read when it started (the code it runs). */
  marker?: Marker;
  /** Blocked workers the fixture holds, as sent by the checks. */
  requestsSent: number;
  /** The side bar's width before the checks widened it (the width a new user has). */
  defaultSideBarWidth?: number;
}

interface Step {
  title: string;
  run(story: Story): Promise<void>;
}

const STEPS: Step[] = [
  {
    title: 'the Async Leak Lens view opens from the activity bar and invites to attach',
    async run(story) {
      const { workbench, shots } = story;
      await workbench.waitReady(CONTAINER);
      await workbench.activityBarItem(CONTAINER).click();
      const pane = workbench.viewPane(VIEW);
      await pane.getByText('No Node.js process is attached.').waitFor({ timeout: UI_TIMEOUT_MS });
      await pane.getByRole('button', { name: 'Attach by Inspector Address…' }).waitFor({ timeout: UI_TIMEOUT_MS });
      story.defaultSideBarWidth = (await boxOf(workbench.page.locator('.part.sidebar'), 'the side bar')).width;
      // Wide enough for a site row's whole description.
      await workbench.setSideBarWidth(SIDE_BAR_WIDTH);
      await workbench.page.mouse.move(SIDE_BAR_WIDTH + 200, 400); // no tooltip over the view
      await shots.take('view-welcome', { element: workbench.page.locator('.part.sidebar') });
    },
  },
  {
    title: 'Attach by Inspector Address… from the palette attaches to the fixture',
    async run(story) {
      const { workbench, shots } = story;
      story.marker = findMarker(FIXTURE);
      story.fixture = await startFixture(FIXTURE, { inspect: true });
      const { pid, inspectorPort } = story.fixture;
      await workbench.runCommand('Async Leak Lens: Attach by Inspector Address');
      await workbench.answerInput('Attach by Inspector Address', String(inspectorPort));
      const target = targetRow(workbench, pid);
      await target.waitFor({ timeout: UI_TIMEOUT_MS }).catch(() => {
        throw new Error(`the view shows no target "pid ${pid}" after attaching to port ${inspectorPort}`);
      });
      await shots.take('attached', { element: workbench.page.locator('.part.sidebar') });
    },
  },
  {
    title:
      "Attach to Node Process… names the fixture as the view does, the user's programs above the editor's own, a typed number as a port",
    async run({ workbench, shots, fixture }) {
      const { pid, inspectorPort } = fixture!;
      await workbench.runCommand('Async Leak Lens: Attach to Node Process');
      const rows = workbench.quickInput().locator('.monaco-list-row');
      const input = workbench.quickInput().locator('.quick-input-box input');
      await rows.first().waitFor({ timeout: UI_TIMEOUT_MS });
      // Typing the pid: a number is read as a port (the first row says so), the fixture's row follows.
      await input.fill(String(pid));
      await waitForText(
        rows.first(),
        new RegExp(`^\\s*Attach to the inspector at 127\\.0\\.0\\.1:${pid}(?!\\d)[^]*a number is a port; type pid:N`),
        'the first row after typing the pid',
      );
      const row = rows.filter({ hasText: targetName(pid) }).first();
      await row.waitFor({ timeout: UI_TIMEOUT_MS }).catch(() => {
        throw new Error(`the picker lists no "${targetName(pid)}"`);
      });
      await waitForText(row, new RegExp(`inspector 127\\.0\\.0\\.1:${inspectorPort}`), "the fixture's row");
      await shots.take('process-picker', { element: workbench.quickInput() });
      // Unfiltered, this workbench's own Node processes (code-server and its helpers) come after
      // every program, under their own heading: read the whole list, scrolling through it.
      await input.fill('');
      const listed = new Map<number, string>();
      const list = workbench.quickInput().locator('.monaco-list').first();
      const listBox = await boxOf(list, 'the process list');
      await workbench.page.mouse.move(listBox.x + listBox.width / 2, listBox.y + listBox.height / 2);
      for (let stale = 0; stale < 3;) {
        const before = listed.size;
        for (const r of await rows.all()) {
          const at = Number(await r.getAttribute('aria-posinset'));
          if (at) listed.set(at, (await r.innerText()).replace(/\s+/g, ' '));
        }
        stale = listed.size === before ? stale + 1 : 0;
        await workbench.page.mouse.wheel(0, listBox.height * 0.8);
        await workbench.page.waitForTimeout(150);
      }
      const ordered = [...listed.entries()].sort((a, b) => a[0] - b[0]).map(([, text]) => text);
      const heading = ordered.findIndex((t) => t.includes("The editor's own processes"));
      const firstEditor = ordered.findIndex((t) => t.includes('/lib/vscode/'));
      const fixtureAt = ordered.findIndex((t) => t.includes(targetName(pid)));
      if (firstEditor < 0) throw new Error(`the picker lists none of code-server's own processes: ${JSON.stringify(ordered)}`);
      if (heading < 0 || firstEditor < heading || fixtureAt < 0 || fixtureAt > heading) {
        throw new Error(
          `expected the fixture (at ${fixtureAt}) above "The editor's own processes" (at ${heading}) and code-server's processes below it (first at ${firstEditor}): ${JSON.stringify(ordered)}`,
        );
      }
      await workbench.page.keyboard.press('Escape');
      await workbench.quickInput().waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
    },
  },
  {
    title: "after load, the tree shows the fixture's marked line with one blocked worker per request, and its stack",
    async run(story) {
      const { workbench, shots } = story;
      await load(story, FIRST_LOAD);
      const { line, kind } = story.marker!;
      const pane = workbench.viewPane(VIEW);
      await workbench.expand(workbench.treeRow(pane, /^PROMISE/));
      const site = workbench.treeRow(pane, `server.js:${line} ${kind}`);
      // Counts arrive with the next site reading (every second here).
      await waitForText(
        site,
        new RegExp(`^${story.requestsSent}( [↑↓→])? · server\\.js:${line} ${kind}[^]*runWorker`),
        `the tree row "server.js:${line} ${kind}"`,
      );
      // It is the first site listed: the largest count, and blocked-at in user code first on ties.
      const rows = await pane.locator('.monaco-list-row').allInnerTexts();
      const firstSite = rows.find((text) => / · \S+:\d+ (blocked|created)/.test(text));
      if (!firstSite?.includes(`· server.js:${line} ${kind}`))
        throw new Error(`the first site listed is "${firstSite}", expected ${kind} at server.js:${line}`);
      // Under the site: example resources and the example stack, whose first frame is the await.
      await workbench.expand(site.first());
      const frame = pane
        .locator('.monaco-list-row[aria-level="5"]')
        .filter({ hasText: `server.js:${line}:` })
        .first();
      await frame.waitFor({ timeout: UI_TIMEOUT_MS }).catch(() => {
        throw new Error(`the site's example stack shows no frame at server.js:${line}`);
      });
      await workbench.page.mouse.move(SIDE_BAR_WIDTH + 200, 400);
      await shots.take('tree', { clip: await rowsRegion(workbench), picture: 'tree' });
    },
  },
  ...treeReadingSteps(),
  {
    title: 'the status bar shows the attached target, its pending count and trend',
    async run({ workbench, shots, fixture }) {
      const pid = fixture!.pid;
      // The same name as in the view and the pickers.
      const item = workbench.statusItem(new RegExp(`server\\.js · pid ${pid}: \\d+ pending`));
      await item.waitFor({ timeout: UI_TIMEOUT_MS }).catch(() => {
        throw new Error(`no status bar entry "${targetName(pid)}: N pending"`);
      });
      await workbench.clearNotifications();
      await item.hover();
      const tooltip = workbench.hover().filter({ hasText: 'Async Leak Lens, pending async resources' });
      await waitForText(tooltip, new RegExp(`pid ${pid}: \\d+ pending, (growing|steady|shrinking)`), 'the status bar tooltip');
      const page = workbench.page;
      const viewport = page.viewportSize()!;
      const region = around([await boxOf(item, 'the status bar entry'), await boxOf(tooltip, 'the status bar tooltip')], viewport, 12);
      await shots.take('status-bar', {
        clip: { ...region, x: 0, width: Math.min(viewport.width, region.x + region.width + 160) },
        picture: 'status-bar',
      });
      await page.mouse.move(viewport.width / 2, viewport.height / 2);
    },
  },
  {
    title: 'the marked line has a gutter mark, an end-of-line hint, a CodeLens and a hover with the count',
    async run(story) {
      const { workbench, shots } = story;
      const { file, line } = story.marker!;
      const blocked = `${story.requestsSent} tasks blocked here`;
      const editor = await workbench.openFile('server.js');
      await workbench.goToLine(line);
      // The CodeLens over runWorker comes first: it shifts the lines below it.
      await editor
        .locator('.contentWidgets .codelens-decoration')
        .filter({ hasText: blocked })
        .first()
        .waitFor({ timeout: 2 * UI_TIMEOUT_MS })
        .catch(() => {
          throw new Error(`no CodeLens "${blocked}" over runWorker`);
        });
      // The hint is decoration text after the line's code (CSS generated content).
      const text = workbench.codeLine(codeOnLine(file, line));
      await waitUntil(
        async () => (await afterContents(text)).some((c) => c.includes(blocked)),
        UI_TIMEOUT_MS,
        `the hint "${blocked}" at the end of line ${line}`,
      );
      // The gutter icon is a glyph-margin decoration at the height of the line.
      await waitUntil(
        async () => {
          const lineTop = (await boxOf(workbench.lineNumber(line), `line number ${line}`)).y;
          return (await editor.locator('.cgmr').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().top))).some(
            (top) => Math.abs(top - lineTop) < 3,
          );
        },
        UI_TIMEOUT_MS,
        `a gutter mark on line ${line}`,
      );
      // Scroll the marked line near the top, so the hover opens below it and the CodeLens stays in view.
      const editorBox = await boxOf(editor, 'the editor');
      const lineHeight = (await boxOf(workbench.lineNumber(line), `line number ${line}`)).height;
      const wantedTop = editorBox.y + 5 * lineHeight;
      await workbench.page.mouse.move(editorBox.x + editorBox.width / 2, editorBox.y + editorBox.height / 2);
      await waitUntil(
        async () => {
          const top = (await boxOf(workbench.lineNumber(line), `line number ${line}`)).y;
          if (Math.abs(top - wantedTop) <= lineHeight) return true;
          await workbench.page.mouse.wheel(0, top - wantedTop);
          return false;
        },
        UI_TIMEOUT_MS,
        `line ${line} to scroll near the top of the editor`,
        500,
      );
      const lineBox = await boxOf(workbench.lineNumber(line), `line number ${line}`);
      const codeLens = await boxOf(
        editor.locator('.contentWidgets .codelens-decoration').filter({ hasText: blocked }).first(),
        'the CodeLens',
      );
      // Hover the code of the marked line, like a person pointing at it.
      const textBox = await boxOf(text, `line ${line}`);
      await workbench.page.mouse.move(textBox.x + 60, textBox.y + textBox.height / 2);
      const hover = workbench.hover().filter({ hasText: `Async Leak Lens · line ${line}` });
      await hover.waitFor({ timeout: UI_TIMEOUT_MS }).catch(() => {
        throw new Error(`no hover "Async Leak Lens · line ${line}" over the marked line`);
      });
      await waitForText(hover, new RegExp(`Blocked at · PROMISE · ${story.requestsSent} pending tasks[^]*Example stack`), 'the hover');
      const region = around([codeLens, lineBox, await boxOf(hover, 'the hover'), textBox], workbench.page.viewportSize()!, 16);
      await shots.take('gutter-hover', {
        clip: { ...region, x: editorBox.x, width: Math.min(editorBox.width, 900) },
        picture: 'gutter-hover',
      });
      await workbench.page.keyboard.press('Escape');
    },
  },
  {
    title: 'snapshot, load, snapshot, Compare Snapshots…: the report lists the grown site first',
    async run(story) {
      const { workbench, shots } = story;
      const { line, kind } = story.marker!;
      const pane = workbench.viewPane(VIEW);
      for (const [label, requests] of [
        ['before load', SECOND_LOAD],
        ['after load', 0],
      ] as const) {
        await workbench.runCommand('Async Leak Lens: Take Snapshot');
        await workbench.answerInput(`Take Snapshot of ${targetName(story.fixture!.pid)}`, label);
        await workbench
          .treeRow(pane, label)
          .first()
          .waitFor({ timeout: UI_TIMEOUT_MS })
          .catch(() => {
            throw new Error(`no snapshot "${label}" in the view's Snapshots section`);
          });
        if (requests) await load(story, requests);
      }
      await workbench.runCommand('Async Leak Lens: Compare Snapshots');
      await workbench.pickItem('Compare Snapshots: the BEFORE snapshot', 'The last two');
      const report = await workbench.webview('Comparison:');
      const top = report.locator('section.top');
      const delta = `+${SECOND_LOAD}`;
      await top.waitFor({ timeout: UI_TIMEOUT_MS });
      const headline = await top.locator('.headline').innerText();
      if (!headline.includes(delta) || !headline.includes(`${kind} at`) || !headline.includes(`server.js:${line}`)) {
        throw new Error(`the top growing site reads "${headline}", expected ${delta} ${kind} at server.js:${line}`);
      }
      const firstRow = await report.locator('table.sites tbody tr').first().innerText();
      if (!firstRow.includes(delta) || !firstRow.includes(`server.js:${line}`))
        throw new Error(`the first changed site reads "${firstRow}", expected ${delta} at server.js:${line}`);
      await shots.take('diff-report', { element: workbench.editorGroupOf('Comparison:'), picture: 'diff-report' });
      // In a narrow editor no file name breaks inside and nothing is cut off or needs scrolling
      // sideways: each changed site becomes a short block.
      const page = workbench.page;
      const full = page.viewportSize()!;
      await page.setViewportSize({ width: SIDE_BAR_WIDTH + 480, height: full.height });
      try {
        await waitUntil(async () => (await report.evaluate(() => window.innerWidth)) < 480, UI_TIMEOUT_MS, 'the report to get narrow');
        const layout = await report.evaluate(() => {
          // The fixture's locations have no folder ("server.js:41:20"): each must stay on one line.
          const files = Array.from(document.querySelectorAll('table.sites .location')).map((f) => {
            const range = document.createRange();
            range.selectNodeContents(f);
            return { text: f.textContent ?? '', lines: new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top))).size };
          });
          const box = document.querySelector('table.sites')!.parentElement!;
          return {
            files,
            width: window.innerWidth,
            pageScrolls: document.documentElement.scrollWidth > window.innerWidth + 1,
            tableFits: box.scrollWidth <= box.clientWidth + 1,
          };
        });
        if (layout.files.length === 0) throw new Error('the narrow report shows no site locations');
        const broken = layout.files.filter((f) => f.lines !== 1);
        if (broken.length) throw new Error(`file names break inside at ${layout.width} px: ${JSON.stringify(broken)}`);
        if (layout.pageScrolls) throw new Error(`the report page is wider than the editor (${layout.width} px): columns are cut off`);
        if (!layout.tableFits) throw new Error(`the changed sites need sideways scrolling at ${layout.width} px`);
        await shots.take('diff-report-narrow', { element: workbench.editorGroupOf('Comparison:') });
      } finally {
        await page.setViewportSize(full);
      }
    },
  },
  {
    title: "Show Live Chart draws the samples: the PROMISE line, and at the newest sample the tree's count",
    async run(story) {
      const { workbench, shots } = story;
      await workbench.runCommand('View: Close All Editors');
      await workbench.runCommand('Async Leak Lens: Show Live Chart');
      const chart = await workbench.webview(CHART_TITLE);
      await chart
        .locator('#status')
        .filter({ hasText: `Live counts of ${targetName(story.fixture!.pid)}` })
        .waitFor({ timeout: UI_TIMEOUT_MS });
      const promise = chart.locator('.u-legend .u-series').filter({ hasText: 'PROMISE' });
      await promise.waitFor({ timeout: UI_TIMEOUT_MS }).catch(() => {
        throw new Error('the chart legend has no PROMISE series');
      });
      // The series' line is on the canvas in its legend colour (any opacity: the series nearest
      // the pointer is highlighted, the others dimmed).
      await workbench.page.mouse.move(5, 5);
      const color = await promise.locator('.u-marker').evaluate((m) => getComputedStyle(m).borderColor);
      let drawn = 0;
      await waitUntil(
        async () => (drawn = await chart.locator('.u-wrap canvas').evaluate(countPixelsOf, color)) >= 20,
        UI_TIMEOUT_MS,
        'the PROMISE line',
      ).catch(() => {
        throw new Error(`the PROMISE line is not drawn on the chart (${drawn} pixels of its colour ${color})`);
      });
      // Pointing at the newest samples shows their values in the legend.
      const over = await boxOf(chart.locator('.u-over'), 'the plot area');
      await workbench.page.mouse.move(over.x + over.width - 3, over.y + over.height / 2);
      // The same number as the tree's PROMISE row (the load is over: the counts hold still), and
      // at least one per blocked worker.
      const treeCount = async () =>
        Number(
          /^PROMISE\s*([\d,]+)/
            .exec(
              (
                await workbench
                  .treeRow(workbench.viewPane(VIEW), /^PROMISE/)
                  .first()
                  .innerText()
              ).trim(),
            )?.[1]
            .replace(/,/g, ''),
        );
      let legend = NaN;
      let tree = NaN;
      await waitUntil(
        async () => {
          legend = Number((await promise.locator('.u-value').innerText()).replace(/[^\d]/g, ''));
          tree = await treeCount();
          return legend === tree && legend >= story.requestsSent;
        },
        UI_TIMEOUT_MS,
        'the legend value',
      ).catch(() => {
        throw new Error(
          `the legend shows ${legend} pending PROMISE at the newest sample; the tree shows ${tree}, and ${story.requestsSent} workers are blocked`,
        );
      });
      // The line reads against the theme's background.
      const background = await chart.evaluate(() => getComputedStyle(document.body).backgroundColor);
      const ratio = contrastRatio(parseColor(color)!, parseColor(background)!);
      if (!(ratio >= MIN_LINE_CONTRAST))
        throw new Error(`the PROMISE line (${color}) has a contrast of ${ratio.toFixed(2)} with the background ${background}`);
      // The "before load" and "after load" labels do not overlap.
      const labels = await chart.locator('#plot').evaluate(
        (plot) =>
          JSON.parse((plot as HTMLElement).dataset.markerLabels ?? '{"boxes":[]}') as {
            boxes: { start: number; end: number; top: number; bottom: number }[];
          },
      );
      if (labels.boxes.length < 2)
        throw new Error(`the chart shows ${labels.boxes.length} snapshot labels, expected "before load" and "after load"`);
      labels.boxes.forEach((a, i) =>
        labels.boxes.slice(i + 1).forEach((b) => {
          if (a.start < b.end && b.start < a.end && a.top < b.bottom && b.top < a.bottom)
            throw new Error(`snapshot labels overlap: ${JSON.stringify(labels.boxes)}`);
        }),
      );
      await shots.take('chart', { element: workbench.editorGroupOf(CHART_TITLE), picture: 'chart' });
    },
  },
  {
    title:
      "Run Leak Probe… offers the fixture's own URL, shows the run in progress in its report panel, then the verdict with a working source link",
    async run(story) {
      const { workbench, shots } = story;
      const { pid, port } = story.fixture!;
      const { line } = story.marker!;
      await workbench.runCommand('View: Close All Editors');
      await workbench.runCommand('Async Leak Lens: Run Leak Probe');
      // The URL offered is the attached program's own server (its listening socket), not a default port.
      const input = workbench.quickInput().locator('.quick-input-box input');
      await workbench
        .quickInput()
        .locator('.quick-input-title')
        .filter({ hasText: `Run Leak Probe on ${targetName(pid)} (1/4)` })
        .waitFor({ timeout: UI_TIMEOUT_MS });
      await waitUntil(
        async () => (await input.inputValue()) === `http://127.0.0.1:${port}/`,
        UI_TIMEOUT_MS,
        `the URL input to offer http://127.0.0.1:${port}/`,
      ).catch(async () => {
        throw new Error(`the probe offers "${await input.inputValue()}", expected the fixture's http://127.0.0.1:${port}/`);
      });
      // The four steps share one input widget: each waits for its own title.
      const stepTitle = (n: number) =>
        workbench
          .quickInput()
          .locator('.quick-input-title')
          .filter({ hasText: `Run Leak Probe on ${targetName(pid)} (${n}/4)` });
      await input.press('Enter');
      await stepTitle(2).waitFor({ timeout: UI_TIMEOUT_MS });
      await workbench.quickInput().locator('.monaco-list-row').filter({ hasText: 'GET' }).first().click();
      for (const [n, answer] of [
        [3, String(PROBE_REQUESTS)],
        [4, '4'],
      ] as const) {
        await stepTitle(n).waitFor({ timeout: UI_TIMEOUT_MS });
        await input.fill(answer);
        await input.press('Enter');
      }
      await workbench.quickInput().waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
      story.requestsSent += 3 * PROBE_REQUESTS;
      // A short tab title, and a visible running state at once.
      const title = `Leak Probe: ${targetName(pid)}`;
      const running = await workbench.webview(title);
      await running
        .locator('body.running')
        .getByText('Running…')
        .waitFor({ timeout: UI_TIMEOUT_MS })
        .catch(() => {
          throw new Error('the report panel shows no running state while the probe runs');
        });
      await shots.take('probe-running', { element: workbench.editorGroupOf(title) });
      // The verdict replaces it: the marked line, as a link.
      let link: Locator | undefined;
      await waitUntil(
        async () => {
          const page = await workbench.webview(title);
          const candidate = page.locator('body.done table.sites a.location').first();
          if ((await candidate.count()) === 0) return false;
          link = candidate;
          return true;
        },
        4 * UI_TIMEOUT_MS,
        'the probe verdict',
      );
      const text = await link!.innerText();
      if (!new RegExp(`^server\\.js:${line}:\\d+$`).test(text))
        throw new Error(`the first leaking site reads "${text}", expected server.js:${line}`);
      await shots.take('probe-report', { element: workbench.editorGroupOf(title) });
      await link!.click();
      await workbench
        .editorTab('server.js')
        .waitFor({ timeout: UI_TIMEOUT_MS })
        .catch(() => {
          throw new Error('clicking the location opened no server.js editor');
        });
      await waitUntil(
        async () =>
          (
            await workbench.page
              .locator('.editor-status-selection, [id="status.editor.selection"]')
              .first()
              .innerText()
              .catch(() => '')
          ).includes(`Ln ${line},`),
        UI_TIMEOUT_MS,
        `the cursor on line ${line}`,
      );
    },
  },
  {
    title: 'Detach from All Targets empties the view and the status bar',
    async run({ workbench, shots, fixture }) {
      await workbench.runCommand('Async Leak Lens: Detach from All Targets');
      const pid = fixture!.pid;
      await workbench.statusItem(`pid ${pid}:`).waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
      await targetRow(workbench, pid).waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
      await shots.take('detached');
    },
  },
];

/**
 * The tree as a person reads it (issue 16, items 1 to 5): at the default side bar width the count
 * and line are visible and the title is whole; rows hold still between changes, so a tooltip
 * stays; the status bar and the tree say the same; a type adds up to its rows; library frames
 * are folded.
 */
function treeReadingSteps(): Step[] {
  return [
    {
      title: 'at the default side bar width a site row shows its count and file:line, and the view title is whole',
      async run(story) {
        const { workbench, shots } = story;
        const { line, kind } = story.marker!;
        const pane = workbench.viewPane(VIEW);
        await workbench.setSideBarWidth(Math.round(story.defaultSideBarWidth ?? 300));
        const site = workbench.treeRow(pane, `server.js:${line} ${kind}`).first();
        await site.waitFor({ timeout: UI_TIMEOUT_MS });
        // The label's text (count and line) ends inside the row; the description after it may be cut.
        const cut = await site
          .locator('.label-name')
          .first()
          .evaluate((label) => {
            const row = label.closest('.monaco-list-row')!;
            return label.getBoundingClientRect().right > row.getBoundingClientRect().right - 4;
          });
        if (cut) throw new Error(`the site row's label is cut at ${story.defaultSideBarWidth} px: "${await site.innerText()}"`);
        // The product's name stays whole in the title (six icons cut it to "Async Le…").
        const title = workbench.page.locator('.part.sidebar .composite.title .title-label h2').first();
        const nameWhole = await title.evaluate((h, name) => {
          const text =
            [...h.childNodes].find((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').startsWith(name)) ??
            h.querySelector('*')?.firstChild;
          if (!text) return false;
          const range = document.createRange();
          range.setStart(text, 0);
          range.setEnd(text, Math.min(name.length, (text.textContent ?? '').length));
          return range.getBoundingClientRect().right <= h.getBoundingClientRect().right && (text.textContent ?? '').startsWith(name);
        }, CONTAINER);
        if (!nameWhole) throw new Error(`the view title does not show "${CONTAINER}" whole: "${await title.innerText()}"`);
        await workbench.page.mouse.move(workbench.page.viewportSize()!.width - 20, 400);
        await shots.take('tree-default-width', { element: workbench.page.locator('.part.sidebar') });
        await workbench.setSideBarWidth(SIDE_BAR_WIDTH);
      },
    },
    {
      title: 'between changes the tree holds still: no row is redrawn, and a tooltip stays open',
      async run(story) {
        const { workbench } = story;
        const { line, kind } = story.marker!;
        const pane = workbench.viewPane(VIEW);
        // Polls and site reads go on every second. Once the load's trend has left the 30 s window
        // (every arrow →) and the rows read the same twice, no number moves.
        const rows = pane.locator('.monaco-list-rows').first();
        await waitUntil(
          async () => {
            const before = (await pane.locator('.monaco-list-row').allInnerTexts()).join('\n');
            await workbench.page.waitForTimeout(2000);
            const after = (await pane.locator('.monaco-list-row').allInnerTexts()).join('\n');
            return before === after && !/[↑↓]/.test(after);
          },
          2 * UI_TIMEOUT_MS,
          'the tree to settle after the load',
        );
        await rows.evaluate((el) => {
          const w = window as unknown as { treeMutations: number };
          w.treeMutations = 0;
          new MutationObserver((records) => (w.treeMutations += records.length)).observe(el, {
            subtree: true,
            childList: true,
            characterData: true,
            attributes: true,
            attributeFilter: ['aria-label', 'title'],
          });
        });
        await workbench.page.waitForTimeout(5000);
        const mutations = await workbench.page.evaluate(() => (window as unknown as { treeMutations: number }).treeMutations);
        if (mutations > 3) throw new Error(`the tree changed ${mutations} times in 5 s while no number moved`);
        const site = workbench.treeRow(pane, `server.js:${line} ${kind}`).first();
        await site.hover();
        const tooltip = workbench.hover().filter({ hasText: `${kind === 'blocked' ? 'Blocked' : 'Created'} at` });
        await tooltip.waitFor({ timeout: UI_TIMEOUT_MS }).catch(() => {
          throw new Error('no tooltip over the site row');
        });
        await workbench.page.waitForTimeout(3000);
        if (!(await tooltip.isVisible())) throw new Error("the site row's tooltip closed by itself within 3 s");
        await workbench.page.mouse.move(SIDE_BAR_WIDTH + 200, 400);
      },
    },
    {
      title: "the status bar and the tree's root show the same count and the same trend",
      async run({ workbench, fixture }) {
        const pid = fixture!.pid;
        const item = workbench.statusItem(new RegExp(`pid ${pid}: [\\d,]+ pending`));
        const root = targetRow(workbench, pid);
        const arrows: Record<string, string> = { 'arrow-up': '↑', 'arrow-down': '↓', 'arrow-right': '→' };
        let seen = '';
        await waitUntil(
          async () => {
            const status = (await item.innerText()).replace(/\u00a0/g, ' ');
            const icon = await item.locator('.codicon[class*="codicon-arrow-"]').first().getAttribute('class');
            const statusArrow = arrows[/codicon-(arrow-\w+)/.exec(icon ?? '')?.[1] ?? ''];
            const tree = await root.innerText();
            const count = /: ([\d,]+) pending/.exec(status)?.[1];
            seen = `status "${status}" ${statusArrow}, tree "${tree}"`;
            return count !== undefined && tree.includes(`${count} pending ${statusArrow}`);
          },
          UI_TIMEOUT_MS,
          'the same count and arrow in the status bar and the tree',
        ).catch(() => {
          throw new Error(`the status bar and the tree disagree: ${seen}`);
        });
      },
    },
    {
      title: 'a type adds up: its count is its site rows plus the "with no site" row',
      async run({ workbench }) {
        const pane = workbench.viewPane(VIEW);
        const number = (text: string) => Number(text.replace(/,/g, ''));
        let seen = '';
        await waitUntil(
          async () => {
            const texts = (await pane.locator('.monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
            // The label and the description are adjacent: "PROMISE180 ↑".
            const type = texts.findIndex((t) => /^PROMISE\s*[\d,]+/.test(t));
            seen = `no PROMISE row among ${JSON.stringify(texts)}`;
            if (type < 0) return false;
            const total = number(/^PROMISE\s*([\d,]+)/.exec(texts[type])![1]);
            let sum = 0;
            const parts: string[] = [];
            // The rows of the type's level that follow it: sites ("46 · x.js:15 blocked") and the rest.
            const levels = await pane
              .locator('.monaco-list-row')
              .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('aria-level'))));
            for (let i = type + 1; i < texts.length && levels[i] > levels[type]; i++) {
              if (levels[i] !== levels[type] + 1) continue;
              const n = /^~?([\d,]+)(?: [↑↓→])? · /.exec(texts[i]);
              if (n) {
                sum += number(n[1]);
                parts.push(n[1]);
              }
            }
            seen = `PROMISE ${total} against rows ${parts.join(' + ')} = ${sum}`;
            return sum === total && parts.length > 0;
          },
          UI_TIMEOUT_MS,
          'the PROMISE rows to add up',
        ).catch(() => {
          throw new Error(`the PROMISE type does not add up: ${seen}`);
        });
      },
    },
    {
      title: 'the example stack lists your frames and folds node: and node_modules frames into one row',
      async run(story) {
        const { workbench } = story;
        const pane = workbench.viewPane(VIEW);
        const library = workbench.treeRow(pane, /^\d+ library frames?/).first();
        await library.waitFor({ timeout: UI_TIMEOUT_MS }).catch(() => {
          throw new Error('the example stack has no "N library frames" row');
        });
        const texts = await pane.locator('.monaco-list-row[aria-level="5"]').allInnerTexts();
        const libraryAt = texts.findIndex((t) => /^\d+ library frames?/.test(t));
        const internalAbove = texts.slice(0, libraryAt).filter((t) => /node:|node_modules/.test(t));
        if (internalAbove.length) throw new Error(`library frames are listed above the folded row: ${internalAbove.join(' | ')}`);
      },
    },
  ];
}

/** The code on a 1-based line of a file, without its trailing comment. */
function codeOnLine(file: string, line: number): string {
  return readFileSync(file, 'utf8')
    .split('\n')
    [line - 1].replace(/\/\/.*$/, '')
    .trim();
}

/** The side bar down to its last visible tree row: the picture without the empty rest. */
async function rowsRegion(workbench: Workbench): Promise<Region> {
  const bar = await boxOf(workbench.page.locator('.part.sidebar'), 'the side bar');
  const bottoms = await workbench
    .viewPane(VIEW)
    .locator('.monaco-list-row')
    .evaluateAll((rows) => rows.map((r) => r.getBoundingClientRect().bottom));
  const bottom = Math.min(bar.y + bar.height, Math.max(bar.y + 120, ...bottoms) + 12);
  return { x: bar.x, y: bar.y, width: bar.width, height: bottom - bar.y };
}

/** The fixture's one name wherever it shows (view, status bar, pickers, titles). */
function targetName(pid: number): string {
  return `server.js · pid ${pid}`;
}

/** The view's top-level row of an attached process (snapshot rows mention the pid too). */
function targetRow(workbench: Workbench, pid: number) {
  return workbench
    .viewPane(VIEW)
    .locator('.monaco-list-row[aria-level="1"]')
    .filter({ hasText: targetName(pid) });
}

/** Sends bounded load to the fixture; every request must be answered. */
async function load(story: Story, requests: number): Promise<void> {
  const result = await driveLoad(story.fixture!.port, { requests, concurrency: 4 });
  if (result.ok !== requests) throw new Error(`load: ${JSON.stringify(result)}, expected ${requests} answers`);
  story.requestsSent += result.ok;
}

/** Waits until the element's text matches; the error quotes what it says instead. */
async function waitForText(element: Locator, pattern: RegExp, what: string): Promise<void> {
  let seen = '(not shown)';
  await waitUntil(
    async () => {
      // Markdown text renders its spaces as no-break spaces.
      seen = (await element.count()) ? (await element.first().innerText()).replace(/\u00a0/g, ' ') : '(not shown)';
      return pattern.test(seen);
    },
    UI_TIMEOUT_MS,
    `${what} to match ${pattern}`,
  ).catch(() => {
    throw new Error(`${what} does not match ${pattern}; it reads: ${JSON.stringify(seen)}`);
  });
}

/** Runs in the chart's page: how many canvas pixels have this CSS colour (rgb(r, g, b)). */
function countPixelsOf(canvas: HTMLCanvasElement, color: string): number {
  const [r, g, b] = (color.match(/\d+/g) ?? []).map(Number);
  const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
  if (!data || b === undefined) return 0;
  let count = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] > 40 && Math.abs(data[i] - r) < 24 && Math.abs(data[i + 1] - g) < 24 && Math.abs(data[i + 2] - b) < 24) count++;
  }
  return count;
}

/** The CSS generated text (::after) of a rendered line's parts: where decorations put hints. */
function afterContents(line: Locator): Promise<string[]> {
  return line
    .locator('span')
    .evaluateAll((spans) => spans.map((s) => getComputedStyle(s, '::after').content).filter((c) => c && c !== 'none' && c !== 'normal'));
}

/** Runs the story; every step after a failed one is reported as not run. */
export async function runUiChecks(options: UiCheckOptions): Promise<UiCheckResult[]> {
  const story: Story = {
    workbench: new Workbench(options.page),
    shots: new Screenshots(options.page, options.screenshotsDir, options.picturesDir, options.log),
    requestsSent: 0,
  };
  const results: UiCheckResult[] = [];
  let failed = false;
  try {
    for (const step of STEPS) {
      if (failed) {
        results.push({ title: step.title, outcome: 'not run', ms: 0 });
        continue;
      }
      const started = Date.now();
      try {
        await step.run(story);
        results.push({ title: step.title, outcome: 'passed', ms: Date.now() - started });
        options.log(`  ✓ ${step.title} (${seconds(Date.now() - started)})`);
      } catch (error) {
        failed = true;
        const message = error instanceof Error ? error.message : String(error);
        results.push({ title: step.title, outcome: 'failed', ms: Date.now() - started, error: message });
        options.log(`  ✗ ${step.title} (${seconds(Date.now() - started)})\n      ${message.split('\n').join('\n      ')}`);
        const shot = await story.shots.take('FAILED').catch(() => undefined);
        if (shot) options.log(`      screenshot of the failure: ${shot}`);
      }
    }
  } finally {
    await story.fixture?.stop();
  }
  options.log(`screenshots (${story.shots.saved.length}) in ${story.shots.dir}`);
  for (const p of story.shots.pictures) options.log(`  README picture ${p.path} (${kib(p.bytes)})`);
  return results;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
