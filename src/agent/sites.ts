// Sites group tracked resources by (kind, type, site frame). Each keeps one example stack and the
// live records that point to it, in creation order (so the first record is the oldest).
import { reportAbandoned, type AbandonedTally } from './abandoned';
import type { AgentConfig, AgentSite, RawFrame } from './protocol';

export interface TrackedResource {
  id: number;
  triggerId: number;
  /** Whole milliseconds of performance.now() at creation (an integer is stored inline, a double is not). */
  createdAt: number;
  /** How many resources this sample stands for (1 / sampling probability). */
  weight: number;
  site: Site;
  /** The resource itself, held weakly: collected means finished (see liveness.ts). */
  ref: WeakRef<object>;
  /** Found by the census (census-tracker.ts follows it, not the hooks). */
  census?: true;
}

export interface Site {
  kind: 'created' | 'blocked';
  type: string;
  frame: RawFrame;
  userCode: boolean;
  stack: RawFrame[];
  live: Set<TrackedResource>;
  /** Summed weight of `live`: the estimated pending count, kept as records come and go so a metrics read need not walk them. */
  weight: number;
  /** Resources with no JavaScript stack (made from a native callback) or past the site cap: counted, not reported. */
  unsited?: true;
  /** Tasks collected while suspended here (abandoned.ts). */
  abandoned?: AbandonedTally;
  /** The census found resources of this site. */
  census?: true;
}

export class SiteTable {
  private readonly sites = new Map<string, Site>();
  /**
   * Census sites by line (kind, type, file, line): the census knows an await's column as V8 keeps
   * it for the suspended function, the hooks see the column of the awaited call, so the two meet
   * on the line. Empty (and never consulted) until a census ran.
   */
  private readonly censusLines = new Map<string, Site>();
  droppedSites = 0;

  constructor(private readonly config: AgentConfig) {}

  /** Where resources of a type go when they have no site, so that they are still counted. */
  unsited(type: string): Site {
    const key = `unsited\u0000${type}`;
    let site = this.sites.get(key);
    if (!site) {
      site = {
        kind: 'created',
        type,
        frame: { file: '', line: 0, column: 0, function: '' },
        userCode: false,
        stack: [],
        live: new Set(),
        weight: 0,
        unsited: true,
      };
      this.sites.set(key, site);
    }
    return site;
  }

  /**
   * The site at this position, made with `describe` when new (frames are built only then);
   * undefined past the site cap.
   */
  intern(
    kind: Site['kind'],
    type: string,
    file: string,
    line: number,
    column: number,
    describe: () => { frame: RawFrame; userCode: boolean; stack: RawFrame[] },
  ): Site | undefined {
    const key = `${kind}\u0000${type}\u0000${file}\u0000${line}\u0000${column}`;
    let site = this.sites.get(key);
    if (site) return site;
    if (this.censusLines.size > 0) {
      site = this.censusLines.get(`${kind}\u0000${type}\u0000${file}\u0000${line}`);
      if (site) return site;
    }
    if (this.sites.size >= this.config.maxSites) {
      this.droppedSites++;
      return undefined;
    }
    const { frame, userCode, stack } = describe();
    site = { kind, type, frame, userCode, stack, live: new Set(), weight: 0 };
    this.sites.set(key, site);
    return site;
  }

  /**
   * The site for what the census found at this position: a tracked site on the same line if there
   * is one, else a new one; from then on tracked resources on that line join it.
   */
  internCensus(kind: Site['kind'], type: string, frame: RawFrame, userCode: boolean): Site | undefined {
    const lineKey = `${kind}\u0000${type}\u0000${frame.file}\u0000${frame.line}`;
    let site = this.censusLines.get(lineKey);
    if (!site) {
      for (const candidate of this.sites.values()) {
        if (
          candidate.kind === kind &&
          candidate.type === type &&
          !candidate.unsited &&
          candidate.frame.file === frame.file &&
          candidate.frame.line === frame.line
        ) {
          site = candidate;
          break;
        }
      }
    }
    site ??= this.intern(kind, type, frame.file, frame.line, frame.column, () => ({ frame, userCode, stack: [frame] }));
    if (!site) return undefined;
    site.census = true;
    this.censusLines.set(lineKey, site);
    return site;
  }

  /** Live sites as JSON-ready data. Sites with nothing alive nor abandoned are left out (but kept for reuse). */
  report(now: number): AgentSite[] {
    const out: AgentSite[] = [];
    for (const site of this.sites.values()) {
      if ((site.live.size === 0 && site.abandoned === undefined) || site.unsited) continue;
      let count = 0;
      let census = 0;
      let oldest = now;
      const examples: AgentSite['examples'] = [];
      for (const r of site.live) {
        count += r.weight;
        if (r.census) census += r.weight;
        if (r.createdAt < oldest) oldest = r.createdAt;
        if (examples.length < this.config.examplesPerSite) {
          examples.push({ id: r.id, ageMs: Math.round(now - r.createdAt), triggerId: r.triggerId });
        }
      }
      out.push({
        kind: site.kind,
        type: site.type,
        frame: site.frame,
        userCode: site.userCode,
        stack: site.stack,
        count: Math.round(count),
        sampled: site.live.size,
        oldestAgeMs: Math.round(now - oldest),
        examples,
        ...(site.census ? { origin: 'census' as const, census: Math.round(census) } : {}),
      });
      const abandoned = reportAbandoned(site);
      if (abandoned) out[out.length - 1].abandoned = abandoned;
    }
    return out;
  }

  get size(): number {
    return this.sites.size;
  }

  all(): IterableIterator<Site> {
    return this.sites.values();
  }

  /** Every live record, site by site. Safe to resume later: Map and Set iterators follow changes. */
  *records(skipType?: string): Generator<TrackedResource, void, undefined> {
    for (const site of this.sites.values()) if (site.type !== skipType) yield* site.live;
  }

  clear(): void {
    this.sites.clear();
    this.censusLines.clear();
  }
}
