// A target whose folder, file, function and process title are markup (tags, quotes, entities):
// the comparison report, the hover and the tree must show them as text, never as markup.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Site } from '../../../src/core/sites/model';
import type { DiffReportPanel } from '../../../src/extension/report/diff-report-panel';
import { cleanUpAfterTest, eventually, lensApi, startReliabilityTarget } from '../support/attach-helpers';
import { driveLoad, type RunningFixture } from '../../support/fixtures';

const LOAD = 12;
/** Pieces of the target's names that would become live markup if shown unescaped. */
const RAW_MARKUP = ['<img src=x', '<script>alert', '<b onmouseover', 'alert("', "alert('"];

suite('names that are markup', function () {
  this.timeout(90_000);
  let target: RunningFixture | undefined;
  let report: DiffReportPanel | undefined;

  teardown(() => cleanUpAfterTest(target, report));

  test('report, hover and tree show tags, quotes and entities from the target as text', async () => {
    const api = await lensApi();
    target = await startReliabilityTarget('hostile-names');
    const { leakFile, leakLine, functionName } = target.ready as { leakFile: string; leakLine: number; functionName: string };
    const targetId = await vscode.commands.executeCommand<string | undefined>(
      'asyncLeakLens.attachByAddress',
      String(target.inspectorPort),
    );
    assert.ok(targetId, 'attach failed (see the "Async Leak Lens" output channel)');
    const before = await vscode.commands.executeCommand<string | undefined>('asyncLeakLens.takeSnapshot', targetId, 'before');
    assert.equal((await driveLoad(target.port, { requests: LOAD, concurrency: 3 })).ok, LOAD);
    const after = await vscode.commands.executeCommand<string | undefined>('asyncLeakLens.takeSnapshot', targetId, 'after');
    assert.ok(before && after, 'Take Snapshot stored nothing');
    const isLeak = (site: Site) => site.frame.file === leakFile && site.frame.line === leakLine;
    const leak = api.snapshots.get(after)!.snapshot.sites.find(isLeak);
    assert.ok(leak, `no site at the leak line ${leakLine} of ${leakFile}`);
    assert.equal(leak.frame.function, functionName, 'the name reaches the extension unchanged');

    // The report page: every name escaped, in text and in attributes.
    report = await vscode.commands.executeCommand<DiffReportPanel | undefined>('asyncLeakLens.compareSnapshots', before, after);
    assert.ok(report, 'Compare Snapshots opened no report');
    const top = report.model.diff.sites.find((s) => s.id === report!.model.rows[0]?.siteId);
    assert.ok(top && isLeak(top), 'the leak line comes first in the report');
    const body = report.html.slice(report.html.indexOf('<body'));
    for (const raw of RAW_MARKUP) assert.ok(!body.includes(raw), `the report page contains raw "${raw}"`);
    assert.ok(body.includes('&lt;script&gt;alert(&quot;fn&quot;)&lt;/script&gt;&amp;amp;'), 'the function name is shown escaped');
    assert.ok(body.includes('&lt;img src=x onerror=alert(&#39;dir&#39;)&gt;&quot;'), 'the folder name is shown escaped');
    assert.ok(!body.includes('alert("title")'), 'the process title is escaped');

    // The hover on the leak line: markdown with every punctuation escaped, no HTML allowed.
    const uri = vscode.Uri.file(leakFile);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const hoverText = await eventually(
      async () => {
        const hovers =
          (await vscode.commands.executeCommand<vscode.Hover[]>(
            'vscode.executeHoverProvider',
            uri,
            new vscode.Position(leakLine - 1, 4),
          )) ?? [];
        const text = hovers
          .flatMap((h) => h.contents)
          .map((c) => (typeof c === 'string' ? c : c.value))
          .join('\n');
        return /Async Leak Lens/.test(text) ? text : undefined;
      },
      20_000,
      'a hover of ours on the leak line',
    );
    assert.ok(
      hoverText.includes('\\<script\\>alert\\(\\"fn\\"\\)\\<\\/script\\>\\&amp\\;'),
      `the function name is not escaped markdown:\n${hoverText}`,
    );
    assert.doesNotMatch(hoverText, /(?<!\\)[<>]/, 'the hover has an unescaped angle bracket');

    // The tree shows names as plain text (a TreeItem label is never rendered as markup).
    const targetNode = api.tree.getChildren().find((n) => n.kind === 'target' && n.targetId === targetId)!;
    const promises = api.tree.getChildren(targetNode).find((n) => n.kind === 'type' && n.type === 'PROMISE')!;
    const siteNode = api.tree.getChildren(promises).find((n) => n.kind === 'site' && isLeak(n.site));
    assert.ok(siteNode, 'the leak site is in the tree');
    assert.ok(
      String(api.tree.getTreeItem(siteNode).label).endsWith(` · <b onmouseover=alert(1)>jobs &amp;.js:${leakLine} blocked`),
      String(api.tree.getTreeItem(siteNode).label),
    );
  });
});
