// The agent on every supported Node major: Node 18, 22 and 24 come from npm packages installed by
// scripts/install-node-versions.mjs (mandatory in CI); the running Node covers 20.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { diffSnapshots } from '../../src/core/sites/diff';
import { Session } from '../../src/core/inspector/session';
import { driveLoad, findMarker, repoRoot, startFixture } from '../support/fixtures';

const MAJORS = ['18', '22', '24'];
const binaryOf = (major: string) => join(repoRoot(), '.cache', 'node-versions', major, 'node_modules', 'node', 'bin', 'node');

describe('agent works on every supported Node major', () => {
  for (const major of MAJORS) {
    const node = binaryOf(major);
    const missing = !existsSync(node);
    if (missing && process.env.CI === 'true') {
      test(`node ${major}`, () => assert.fail(`Node ${major} is missing: run node scripts/install-node-versions.mjs`));
      continue;
    }
    test(`node ${major}`, { skip: missing && `Node ${major} not installed: run node scripts/install-node-versions.mjs` }, async () => {
      for (const fixture of ['unreceived-send', 'esm-app', 'forgotten-interval']) {
        const target = await startFixture(fixture, { node });
        try {
          const session = await Session.attach(target.inspectorUrl);
          assert.match(session.info.nodeVersion, new RegExp(`^v${major}\\.`));
          const before = await session.snapshot();
          await driveLoad(target.port, { requests: 30, concurrency: 5 });
          const after = await session.snapshot();
          await session.detach();
          const top = diffSnapshots(before, after).sites[0];
          const marker = findMarker(fixture);
          assert.equal(`${top?.frame.file}:${top?.frame.line}`, `${marker.file}:${marker.line}`, `${fixture} on node ${major}`);
          assert.ok(top.delta >= 30);
        } finally {
          await target.stop();
        }
      }
    });
  }
});
