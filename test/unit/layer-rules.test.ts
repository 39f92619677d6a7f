// The layer rules of ARCHITECTURE.md as the linter enforces them (eslint.config.mjs): each case
// lints a one-line file at a path of that layer, with the project's own config, and checks that a
// wrong-way import is an error and a right-way one is not. Sub-folders (core/sites/...) count
// as their layer, so the rules hold when a layer is split into rooms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';
import { repoRoot } from '../support/fixtures';

const eslint = new ESLint({ cwd: repoRoot() });

async function importErrors(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport const used = value;\n`, { filePath });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const wrongWay: [file: string, source: string][] = [
  ['src/core/sites/site-view.ts', "import { value } from 'vscode';"],
  ['src/core/session.ts', "import type { value } from 'vscode';"],
  ['src/core/growth/live.ts', "import { value } from '../../cli/format';"],
  ['src/core/diff.ts', "import { value } from '../extension/settings';"],
  ['src/core/diff.ts', "import { value } from '../leak-check/report';"],
  ['src/cli/commands/watch.ts', "import { value } from '../../extension/tree/tree-model';"],
  ['src/cli/main.ts', "import { value } from 'vscode';"],
  ['src/leak-check/report.ts', "import { value } from '../extension/report/report-model';"],
  ['src/leak-check/report.ts', "import { value } from '../cli/format';"],
  ['src/metrics/leak-readings.ts', "import type { value } from 'vscode';"],
  ['src/register/index.ts', "import { value } from '../cli/format';"],
  ['src/agent/tracker.ts', "import { value } from '../core/model';"],
  ['src/agent/tracker.ts', "import { value } from 'chrome-remote-interface';"],
  ['src/extension/tree/tree-model.ts', "import { value } from '../../cli/format';"],
  ['src/extension/targets/attached-target.ts', "import { value } from '../tree/tree-model';"],
  ['src/extension/targets/attached-target.ts', "import { value } from '../../leak-check/report';"],
  ['src/extension/targets/attached-target.ts', "import { value } from '../lens-context';"],
  ['src/extension/source/open-frame.ts', "import { value } from '../tree/tree-model';"],
  ['src/shared/chart-protocol.ts', "import { value } from '../extension/settings';"],
  ['media/chart/main.ts', "import { value } from '../../src/extension/chart/live-chart';"],
  ['media/chart/main.ts', "import { value } from '../../src/core/sites/model';"],
  ['media/chart/main.ts', "import { value } from 'vscode';"],
];

const rightWay: [file: string, source: string][] = [
  ['src/core/sites/site-view.ts', "import { value } from '../model';"],
  ['src/core/session.ts', "import { value } from '../agent/protocol';"],
  ['src/cli/main.ts', "import { value } from '../core/diff';"],
  ['src/leak-check/settle.ts', "import { value } from '../agent/tracker';"],
  ['src/agent/tracker.ts', "import { value } from 'node:v8';"],
  ['src/agent/tracker.ts', "import { value } from './protocol';"],
  ['src/extension/tree/tree-model.ts', "import { value } from 'vscode';"],
  ['src/extension/tree/tree-model.ts', "import { value } from '../targets/attached-target';"],
  ['src/extension/targets/attached-target.ts', "import { value } from '../settings';"],
  ['media/chart/main.ts', "import { value } from '../../src/shared/chart-protocol';"],
];

test('wrong-way imports are lint errors', async () => {
  for (const [file, source] of wrongWay) {
    const errors = await importErrors(file, source);
    assert.equal(errors.length, 1, `${file}: ${source} should be an error, got ${JSON.stringify(errors)}`);
  }
});

test('imports along the layers are not', async () => {
  for (const [file, source] of rightWay) {
    assert.deepEqual(await importErrors(file, source), [], `${file}: ${source}`);
  }
});
