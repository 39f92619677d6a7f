// "Attach to Node Process...": pick a running Node process, open its inspector if the user agrees.
// The list puts the user's programs first (newest first), the editor's own processes after them.
// Typed text filters the list; a port (`9229`, `:9229`, `host:port`, ws://) or `pid:N` adds an
// item that attaches to exactly that (see picker-text.ts).
import * as vscode from 'vscode';
import { escapeControl } from '../../core/terminal-text';
import type { LensContext } from '../lens-context';
import type { AttachedTarget } from '../targets/attached-target';
import { targetLabel } from '../targets/target-label';
import { listNodeProcesses, type NodeProcess } from './node-processes';
import { readTypedTarget, type TypedTarget } from './picker-text';

type Choice = { process: NodeProcess } | { typed: TypedTarget };

interface ChoiceItem extends vscode.QuickPickItem {
  choice?: Choice;
}

/** Shows the picker (or takes `pid` directly) and attaches; undefined when the user backs out. */
export async function attachToProcess(lens: LensContext, pid?: number): Promise<AttachedTarget | undefined> {
  const choice: Choice | undefined = pid === undefined ? await pickProcess() : { typed: { kind: 'pid', pid } };
  if (!choice) return undefined;
  if ('typed' in choice && choice.typed.kind === 'address') {
    const { address } = choice.typed;
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Attaching to ${address}…` }, () =>
      lens.targets.attach({ address, source: 'address' }),
    );
  }
  const chosen = 'process' in choice ? choice.process : await describeProcess(choice.typed.kind === 'pid' ? choice.typed.pid : 0);
  const name = processLabel(chosen);
  const existing = lens.targets.list().find((t) => t.pid === chosen.pid);
  if (existing) {
    void vscode.window.showInformationMessage(`Async Leak Lens is already attached to ${existing.label}.`);
    return existing;
  }
  if (!chosen.inspector && !(await confirmOpenInspector(chosen))) return undefined;
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Attaching to ${name}…` }, () =>
    lens.targets.attach({
      address: chosen.inspector ?? `pid:${chosen.pid}`,
      source: 'process',
      openInspector: !chosen.inspector,
    }),
  );
}

/** The label the process will have once attached ("server.js · pid 4837"). */
export function processLabel(p: NodeProcess): string {
  return targetLabel({ pid: p.pid, argv: p.commandLine.split(' ') });
}

/** The picker's rows: the user's programs, then the editor's own processes under a separator. */
export function processItems(processes: readonly NodeProcess[]): ChoiceItem[] {
  const items: ChoiceItem[] = [];
  const users = processes.filter((p) => !p.editorOwn);
  const editors = processes.filter((p) => p.editorOwn);
  const row = (p: NodeProcess): ChoiceItem => ({
    label: noIcons(processLabel(p)),
    description: `${p.inspector ? `inspector ${p.inspector}` : 'inspector closed'}${p.startedAtMs ? ` · started ${startedText(p.startedAtMs)}` : ''}`,
    detail: noIcons(escapeControl(p.commandLine.length > 300 ? `${p.commandLine.slice(0, 300)}…` : p.commandLine)),
    choice: { process: p },
  });
  if (users.length && editors.length) items.push({ label: 'Programs', kind: vscode.QuickPickItemKind.Separator });
  items.push(...users.map(row));
  if (editors.length) items.push({ label: "The editor's own processes", kind: vscode.QuickPickItemKind.Separator }, ...editors.map(row));
  return items;
}

/** The item for what was typed, shown above the list whatever the filter. */
function typedItem(typed: TypedTarget): ChoiceItem {
  return typed.kind === 'pid'
    ? { label: `$(debug-alt) Attach to process ${typed.pid}`, description: 'pid typed', alwaysShow: true, choice: { typed } }
    : {
        label: `$(plug) Attach to the inspector at ${noIcons(escapeControl(typed.address))}`,
        description: typed.port !== undefined ? 'a number is a port; type pid:N for a process' : 'address typed',
        alwaysShow: true,
        choice: { typed },
      };
}

async function pickProcess(): Promise<Choice | undefined> {
  const pick = vscode.window.createQuickPick<ChoiceItem>();
  pick.title = 'Attach to Node Process';
  pick.placeholder = 'Pick a Node.js process (filter by name or command line); or type a port, host:port or pid:N';
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  pick.busy = true;
  let listed: ChoiceItem[] = [];
  const refresh = () => {
    const typed = readTypedTarget(pick.value);
    pick.items = typed ? [typedItem(typed), ...listed] : listed;
  };
  const changes = pick.onDidChangeValue(refresh);
  pick.show();
  try {
    const processes = await listNodeProcesses();
    listed = processItems(processes);
    refresh();
    if (processes.length === 0) pick.placeholder = 'No other Node.js process is running; type a port, host:port or pid:N';
  } catch (error) {
    changes.dispose();
    pick.hide();
    throw error;
  } finally {
    pick.busy = false;
  }
  return new Promise((resolve) => {
    pick.onDidAccept(() => {
      resolve(pick.selectedItems[0]?.choice);
      pick.hide();
    });
    pick.onDidHide(() => {
      resolve(undefined);
      changes.dispose();
      pick.dispose();
    });
  });
}

async function describeProcess(pid: number): Promise<NodeProcess> {
  const found = (await listNodeProcesses()).find((p) => p.pid === pid);
  if (!found) throw new Error(`No Node.js process with pid ${pid} is running (or it belongs to a user whose processes cannot be read).`);
  return found;
}

async function confirmOpenInspector(target: NodeProcess): Promise<boolean> {
  if (process.platform === 'win32') {
    throw new Error(
      `Process ${target.pid} has no open inspector, and Windows cannot open one from outside. Restart it with --inspect and use "Attach by Inspector Address".`,
    );
  }
  const open = 'Open Inspector and Attach';
  const answer = await vscode.window.showWarningMessage(
    `Open the inspector of ${processLabel(target)}?`,
    {
      modal: true,
      detail:
        `${escapeControl(shortCommand(target.commandLine))}\n\nAsync Leak Lens sends it SIGUSR1 (like \`node inspect -p ${target.pid}\`), which opens its inspector on 127.0.0.1:9229. ` +
        'The inspector stays open until the process exits, and any program on this machine that reaches that port can run code in the process.',
    },
    open,
  );
  return answer === open;
}

/** "node server.js --port 1" from "/usr/local/bin/node /srv/app/server.js --port 1". */
export function shortCommand(commandLine: string): string {
  const args = commandLine.split(' ');
  const baseName = (path: string) => path.split(/[\\/]/).filter(Boolean).pop() ?? path;
  const script = args.findIndex((a, i) => i > 0 && !a.startsWith('-'));
  const short = args.map((a, i) => (i === 0 || i === script ? baseName(a) : a)).join(' ');
  return short.length > 80 ? `${short.slice(0, 80)}…` : short;
}

/** "3 min ago", "14:02", "Dec 1". */
function startedText(ms: number): string {
  const ago = Date.now() - ms;
  if (ago < 60_000) return 'just now';
  if (ago < 3_600_000) return `${Math.floor(ago / 60_000)} min ago`;
  const date = new Date(ms);
  return ago < 86_400_000 ? date.toTimeString().slice(0, 5) : date.toDateString().slice(4, 10);
}

/** QuickPick labels render $(name) as icons; a command line is text. */
function noIcons(text: string): string {
  return text.replace(/\$\(/g, '$\u200b(');
}
