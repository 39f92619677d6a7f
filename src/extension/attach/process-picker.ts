// "Attach to Node Process...": pick a running Node process, open its inspector if the user agrees.
import * as vscode from 'vscode';
import type { LensContext } from '../lens-context';
import type { AttachedTarget } from '../targets/attached-target';
import { listNodeProcesses, type NodeProcess } from './node-processes';

interface ProcessItem extends vscode.QuickPickItem {
  process: NodeProcess;
}

/** Shows the picker (or takes `pid` directly) and attaches; undefined when the user backs out. */
export async function attachToProcess(lens: LensContext, pid?: number): Promise<AttachedTarget | undefined> {
  const chosen = pid === undefined ? await pickProcess() : await describeProcess(pid);
  if (!chosen) return undefined;
  const existing = lens.targets.list().find((t) => t.pid === chosen.pid);
  if (existing) {
    void vscode.window.showInformationMessage(`Async Leak Lens is already attached to process ${chosen.pid} ("${existing.label}").`);
    return existing;
  }
  if (!chosen.inspector && !(await confirmOpenInspector(chosen))) return undefined;
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Attaching to process ${chosen.pid}…` }, () =>
    lens.targets.attach({
      address: chosen.inspector ?? `pid:${chosen.pid}`,
      source: 'process',
      label: `pid ${chosen.pid} ${shortCommand(chosen.commandLine)}`,
      openInspector: !chosen.inspector,
    }),
  );
}

async function pickProcess(): Promise<NodeProcess | undefined> {
  const pick = vscode.window.createQuickPick<ProcessItem>();
  pick.title = 'Attach to Node Process';
  pick.placeholder = 'Pick a Node.js process (filter by pid or command line)';
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  pick.busy = true;
  pick.show();
  try {
    const processes = await listNodeProcesses();
    pick.items = processes.map((p) => ({
      label: noIcons(shortCommand(p.commandLine)),
      description: `pid ${p.pid} · ${p.inspector ? `inspector ${p.inspector}` : 'inspector closed'}`,
      detail: noIcons(p.commandLine.length > 300 ? `${p.commandLine.slice(0, 300)}…` : p.commandLine),
      process: p,
    }));
    if (processes.length === 0) pick.placeholder = 'No other Node.js process is running';
  } catch (error) {
    pick.hide();
    throw error;
  } finally {
    pick.busy = false;
  }
  return new Promise((resolve) => {
    pick.onDidAccept(() => {
      resolve(pick.selectedItems[0]?.process);
      pick.hide();
    });
    pick.onDidHide(() => {
      resolve(undefined);
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
    throw new Error(`Process ${target.pid} has no open inspector, and Windows cannot open one from outside. Restart it with --inspect and use "Attach by Inspector Address".`);
  }
  const open = 'Open Inspector and Attach';
  const answer = await vscode.window.showWarningMessage(
    `Open the inspector of process ${target.pid}?`,
    {
      modal: true,
      detail:
        `${shortCommand(target.commandLine)}\n\nAsync Leak Lens sends it SIGUSR1 (like \`node inspect -p ${target.pid}\`), which opens its inspector on 127.0.0.1:9229. ` +
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

/** QuickPick labels render $(name) as icons; a command line is text. */
function noIcons(text: string): string {
  return text.replace(/\$\(/g, '$\u200b(');
}
