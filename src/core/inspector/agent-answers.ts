// Everything the agent answers is checked like a snapshot file before use: the target may hold
// something that only poses as the agent (another version, or one answering nulls, wrong types
// or huge values). An answer that fails a check is never used.
import type { AgentCounts, AgentInfo, AgentSnapshot } from '../../agent/protocol';
import { LensError } from '../errors';
import {
  describeValue,
  optional,
  requireArray,
  requireCounts,
  requireFrame,
  requireInteger,
  requireNumber,
  requireObject,
  requireString,
  type Report,
} from '../files/snapshot-file';

function reporter(what: string): Report {
  return (path, rule, got) => {
    throw new LensError(
      'tampered',
      `The agent in the target answered ${what} with something no Async Leak Lens agent sends (${path} ${rule}, got ${describeValue(got)}): code in the target replaced or imitated it. Nothing from it was used; restart the target to attach cleanly.`,
    );
  };
}

export function checkAgentInfo(value: unknown): AgentInfo {
  const report = reporter('the install');
  const info = requireObject(value, 'the answer', report);
  requireString(info.version, 'version', report, true);
  if (typeof info.reused !== 'boolean') report('reused', 'must be true or false', info.reused);
  requireInteger(info.pid, 'pid', report, 0);
  requireInteger(info.threadId, 'threadId', report, 0);
  requireString(info.nodeVersion, 'nodeVersion', report);
  requireString(info.title, 'title', report);
  requireArray(info.argv, 'argv', report, (arg, path) => requireString(arg, path, report));
  return info as unknown as AgentInfo;
}

export function checkAgentCounts(value: unknown): AgentCounts {
  const report = reporter('a poll');
  const counts = requireObject(value, 'the answer', report);
  requireNumber(counts.t, 't', report, 0);
  requireInteger(counts.threadId, 'threadId', report, 0);
  requireCounts(counts.counts, 'counts', report);
  return counts as unknown as AgentCounts;
}

export function checkAgentSnapshot(value: unknown): AgentSnapshot {
  const report = reporter('a snapshot');
  const snapshot = requireObject(value, 'the answer', report);
  requireNumber(snapshot.takenAt, 'takenAt', report, 0);
  requireInteger(snapshot.threadId, 'threadId', report, 0);
  for (const field of ['counts', 'baseline', 'created', 'dropped', 'samplingRate']) requireCounts(snapshot[field], field, report);
  requireNumber(snapshot.droppedSites, 'droppedSites', report, 0);
  optional(snapshot.stackProblem, 'stackProblem', report, requireString);
  requireArray(snapshot.sites, 'sites', report, (item, path) => {
    const site = requireObject(item, path, report);
    if (site.kind !== 'created' && site.kind !== 'blocked') report(`${path}.kind`, 'must be "created" or "blocked"', site.kind);
    requireString(site.type, `${path}.type`, report, true);
    requireFrame(site.frame, `${path}.frame`, report);
    if (typeof site.userCode !== 'boolean') report(`${path}.userCode`, 'must be true or false', site.userCode);
    requireArray(site.stack, `${path}.stack`, report, (frame, framePath) => requireFrame(frame, framePath, report));
    requireNumber(site.count, `${path}.count`, report, 0);
    requireNumber(site.sampled, `${path}.sampled`, report, 0);
    requireNumber(site.oldestAgeMs, `${path}.oldestAgeMs`, report, 0);
    requireArray(site.examples, `${path}.examples`, report, (example, examplePath) => {
      const resource = requireObject(example, examplePath, report);
      requireNumber(resource.id, `${examplePath}.id`, report, -Infinity);
      requireNumber(resource.ageMs, `${examplePath}.ageMs`, report, 0);
      requireNumber(resource.triggerId, `${examplePath}.triggerId`, report, -Infinity);
    });
  });
  return snapshot as unknown as AgentSnapshot;
}
