// What promise and resource tracking share: the site table, the cap on sampled records (past it,
// sampling gets sparser and the loss is counted, never silent) and turning a stack into a site.
import type { AgentConfig } from './protocol';
import { CaptureClock, type Sampler } from './sampler';
import { SiteTable, type Site, type TrackedResource } from './sites';
import { captureCallSites, fileOf, isNoise, isUserFile, toFrame, toFrames } from './stacks';

type CallSite = NodeJS.CallSite;

/** Extra frames captured beyond stackDepth, to get past node:internal frames to user code. */
const EXTRA_FRAMES = 12;

export interface Capture {
  callSites: CallSite[];
  /** Index of the first frame that is not the agent or the hook machinery. */
  top: number;
}

export class Recorder {
  readonly sites: SiteTable;
  /** Sampled records alive now (promise and other). */
  tracked = 0;
  /** Weight of samples not recorded because of the cap, per type. */
  readonly dropped: Record<string, number> = Object.create(null);
  readonly clock = new CaptureClock();
  /** Why stacks cannot be captured here, once a capture failed: resources are then counted without sites. */
  stackProblem: string | undefined;

  constructor(readonly config: AgentConfig) {
    this.sites = new SiteTable(config);
  }

  /** False past the cap on records: the sample's weight is counted as dropped and sampling thins. */
  admit(type: string, weight: number, sampler: Sampler): boolean {
    if (this.tracked < this.config.maxTrackedResources) return true;
    this.dropped[type] = (this.dropped[type] ?? 0) + weight;
    sampler.thin();
    return false;
  }

  /** The caller's stack, below `above` (the hook), with the hook machinery skipped. */
  capture(above: Function): Capture {
    // Once captures failed they are not tried again: each try costs, and may throw again.
    if (this.stackProblem !== undefined) return { callSites: [], top: 0 };
    const result = captureCallSites(this.config.stackDepth + EXTRA_FRAMES, above);
    if (typeof result === 'string') {
      this.stackProblem = result;
      return { callSites: [], top: 0 };
    }
    const callSites = result;
    let top = 0;
    while (top < callSites.length && isNoise(fileOf(callSites[top]))) top++;
    return { callSites, top };
  }

  /**
   * The site of a capture: for `blocked`, the top frame (the await); for `created`, the first
   * frame in user code, else the first frame with a file. Undefined past the site cap.
   */
  siteFor(kind: Site['kind'], type: string, { callSites, top }: Capture): Site | undefined {
    const nodeModules = this.config.nodeModulesAsSites;
    let at = -1;
    if (kind === 'blocked') at = top;
    else {
      for (let i = top; i < callSites.length && at < 0; i++) {
        if (isUserFile(fileOf(callSites[i]), nodeModules)) at = i;
      }
    }
    const userCode = at >= 0;
    if (at < 0) {
      at = top;
      for (let i = top; i < callSites.length; i++) {
        if (fileOf(callSites[i]) !== '') {
          at = i;
          break;
        }
      }
    }
    if (at >= callSites.length) return undefined;
    const site = callSites[at];
    return this.sites.intern(kind, type, fileOf(site), site.getLineNumber() ?? 0, site.getColumnNumber() ?? 0, () => ({
      frame: toFrame(site),
      userCode,
      stack: toFrames(callSites.slice(top), this.config.stackDepth),
    }));
  }

  add(record: TrackedResource): void {
    record.site.live.add(record);
    this.tracked++;
  }

  /** True when the record was still tracked (so callers adjust their counts exactly once). */
  remove(record: TrackedResource): boolean {
    if (!record.site.live.delete(record)) return false;
    this.tracked--;
    return true;
  }

  clear(): void {
    this.sites.clear();
    this.tracked = 0;
  }
}
