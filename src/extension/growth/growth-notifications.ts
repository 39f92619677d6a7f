// One notification per site that starts growing (not one per poll), with "Show" (focus the
// Async Resources view and open the site's line) and "Ignore" (no more notifications for that
// site in this window). A notice closes when its target goes (detached or gone): VS Code cannot
// close a message notification, so notices are progress notifications that end then, with Show
// and Ignore as links in their text and Cancel to dismiss them.
import * as vscode from 'vscode';
import { ABANDONED_HEADING, abandonedSites } from '../../core/sites/abandoned';
import type { Frame, Site } from '../../core/sites/model';
import type { LensContext } from '../lens-context';
import { kindWords } from '../../core/sites/site-presentation';
import { openFrame } from '../source/open-frame';
import type { AttachedTarget } from '../targets/attached-target';
import { readGrowthSettings } from '../settings';
import type { GrowingSite } from '../../core/growth/target-growth';

const TARGETS_VIEW_FOCUS = 'asyncLeakLens.targets.focus';
/** Not in the palette: what the notice's links run. */
const NOTICE_ACTION_COMMAND = 'asyncLeakLens.growthNoticeAction';

/** What the extension-host tests can observe: which sites were announced (target id, site id). */
export interface GrowthNotices {
  readonly announced: ReadonlyArray<{ targetId: string; siteId: string; message: string }>;
  /** Ignores a site as the "Ignore" button does. */
  ignore(siteId: string): void;
  /** Notifications on screen or in the notification centre now. */
  readonly open: ReadonlyArray<{ targetId: string; siteId: string }>;
}

interface OpenNotice {
  id: number;
  targetId: string;
  siteId: string;
  frame: Frame;
  close(): void;
}

export function registerGrowthNotifications(lens: LensContext): GrowthNotices {
  const announced: { targetId: string; siteId: string; message: string }[] = [];
  const ignored = new Set<string>();
  /** Sites already announced per target: a site that stops and starts growing again is not news. */
  const seen = new Map<string, Set<string>>();
  const watching = new Map<string, vscode.Disposable>();
  const open = new Map<number, OpenNotice>();
  let nextNotice = 1;

  const closeNotices = (targetId: string) => {
    for (const notice of [...open.values()]) if (notice.targetId === targetId) notice.close();
  };

  const announce = (target: AttachedTarget, growing: GrowingSite) => {
    const message = describe(target, growing);
    announced.push({ targetId: target.id, siteId: growing.siteId, message });
    lens.output.info(message);
    if (!readGrowthSettings().notify) return;
    const id = nextNotice++;
    const link = (label: string, action: 'show' | 'ignore') =>
      `[${label}](command:${NOTICE_ACTION_COMMAND}?${encodeURIComponent(JSON.stringify([id, action]))})`;
    void vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `${noMarkup(message)} ${link('Show', 'show')} · ${link('Ignore', 'ignore')}`,
        cancellable: true,
      },
      (progress, token) =>
        new Promise<void>((resolve) => {
          progress.report({ increment: 100 }); // a finished bar: nothing is running
          const close = () => {
            open.delete(id);
            resolve();
          };
          open.set(id, { id, targetId: target.id, siteId: growing.siteId, frame: growing.site.frame, close });
          token.onCancellationRequested(close);
        }),
    );
  };

  const onNoticeAction = async (id: unknown, action: unknown) => {
    const notice = typeof id === 'number' ? open.get(id) : undefined;
    if (!notice) return;
    notice.close();
    if (action === 'ignore') ignored.add(notice.siteId);
    if (action === 'show') await show(notice.frame);
  };

  /** Once per await where a target's tasks start being abandoned (collected while suspended). */
  const announceAbandoned = (target: AttachedTarget, site: Site) => {
    const where = `${vscode.workspace.asRelativePath(site.frame.file, false)}:${site.frame.line}`;
    const n = site.abandoned ?? 0;
    const message = `${n} task${n === 1 ? '' : 's'} abandoned at ${where} in ${target.label} (${ABANDONED_HEADING.replace(/^Abandoned: /, '')}).`;
    announced.push({ targetId: target.id, siteId: site.id, message });
    lens.output.info(message);
    if (!readGrowthSettings().notify) return;
    void vscode.window.showWarningMessage(message, 'Show', 'Ignore').then(async (choice) => {
      if (choice === 'Ignore') ignored.add(site.id);
      if (choice === 'Show') await show(site.frame);
    });
  };

  const watch = (target: AttachedTarget) => {
    if (watching.has(target.id)) return;
    const done = new Set<string>();
    const abandonedDone = new Set<string>();
    seen.set(target.id, done);
    const growth = target.onDidChangeGrowth(() => {
      for (const growing of target.growingSites) {
        if (done.has(growing.siteId) || ignored.has(growing.siteId)) continue;
        done.add(growing.siteId);
        announce(target, growing);
      }
    });
    const sites = target.onDidUpdateSites(() => {
      for (const site of abandonedSites(target.latestSites)) {
        if (!site.userCode || abandonedDone.has(site.id) || ignored.has(site.id)) continue;
        abandonedDone.add(site.id);
        announceAbandoned(target, site);
      }
    });
    watching.set(target.id, vscode.Disposable.from(growth, sites));
  };

  const sync = () => {
    const live = new Set(lens.targets.list().map((t) => t.id));
    for (const target of lens.targets.list()) watch(target);
    for (const [id, subscription] of watching) {
      if (live.has(id)) continue;
      subscription.dispose();
      watching.delete(id);
      seen.delete(id);
      // Its notices would offer to show a target that is no longer there.
      closeNotices(id);
    }
  };
  sync();
  lens.extension.subscriptions.push(
    lens.targets.onDidChangeTargets(sync),
    vscode.commands.registerCommand(NOTICE_ACTION_COMMAND, onNoticeAction),
    { dispose: () => watching.forEach((d) => d.dispose()) },
    { dispose: () => [...open.values()].forEach((n) => n.close()) },
  );
  return {
    announced,
    ignore: (siteId) => ignored.add(siteId),
    get open() {
      return [...open.values()].map(({ targetId, siteId }) => ({ targetId, siteId }));
    },
  };
}

function describe(target: AttachedTarget, growing: GrowingSite): string {
  const { site } = growing;
  const where = `${vscode.workspace.asRelativePath(site.frame.file, false)}:${site.frame.line}`;
  const what = `${site.kind === 'blocked' ? 'Async functions' : site.type} ${kindWords(site.kind)} ${where}`;
  return `${what} keep growing in ${target.label}: ${growing.rateText} (${site.count} now).`;
}

/** Notification text renders [text](link) and $(icon): text from a target stays text (a zero-width space breaks both). */
export function noMarkup(text: string): string {
  return text.replace(/\]\(/g, ']\u200b(').replace(/\$\(/g, '$\u200b(');
}

async function show(frame: Frame): Promise<void> {
  await vscode.commands.executeCommand(TARGETS_VIEW_FOCUS);
  await openFrame(frame);
}
