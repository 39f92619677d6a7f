// What the Async Resources tree shows, without VS Code: which nodes a level has and how each one
// reads (label, description, icon, tooltip lines). The VS Code provider only turns these into
// TreeItems, so this file can be unit-tested and benchmarked on plain snapshots.
//
// Levels: target -> resource type -> site -> (example resources, example stack -> frames), and a
// "Snapshots" section: snapshot -> resource type -> site -> ... Children are built only when a
// node is expanded, and a type lists its top `sitesPerType` sites plus a "Show more" node.
import { abandonedSites } from '../../core/abandoned';
import type { CountSample, ExampleResource, Frame, Site, Snapshot } from '../../core/model';
import type { GrowingSite, GrowingType } from '../../core/target-growth';
import { formatCount, formatDelta, formatDuration } from '../../core/number-format';
import { compareSitesByCount, compareText, functionName, isInternalFrame, isOpenableFrame, kindWords, locationText, shortLocation } from '../../core/site-presentation';
import { countOf, toCountMap } from '../../core/count-map';

/** An attached target as the tree needs it (AttachedTarget satisfies the data parts). */
export interface TreeTarget {
  id: string;
  label: string;
  /** Extra words for the tooltip, e.g. "pid 123, Node v20.20.2". */
  details?: string;
  samples: readonly CountSample[];
  latestSites: Snapshot | undefined;
  previousSites: Snapshot | undefined;
  /** Sites the growth detector (src/core/growth.ts) judges growing: a floor that keeps rising, not bursts. */
  growingSites?: readonly GrowingSite[];
  /** Resource types the growth detector judges growing. */
  growingTypes?: readonly GrowingType[];
}

export interface TreeSnapshot {
  id: string;
  name: string;
  origin: string;
  snapshot: Snapshot;
}

export interface TreeData {
  targets(): readonly TreeTarget[];
  snapshots(): readonly TreeSnapshot[];
}

/** Where a node's sites come from. */
/** `abandoned`: the node sits under the source's "Abandoned tasks" group (its ids differ from the same site's under its type). */
export type SiteSource = ({ from: 'target'; targetId: string } | { from: 'snapshot'; snapshotId: string }) & { abandoned?: true };

export type LensNode =
  | { kind: 'target'; targetId: string }
  | { kind: 'snapshots' }
  | { kind: 'snapshot'; snapshotId: string }
  | { kind: 'type'; source: SiteSource; type: string }
  | { kind: 'abandoned'; source: SiteSource }
  | { kind: 'site'; source: SiteSource; site: Site; growth: GrowingSite | undefined; previousCount: number | undefined }
  | { kind: 'more'; source: SiteSource; type: string; hidden: number }
  | { kind: 'example'; source: SiteSource; site: Site; example: ExampleResource }
  | { kind: 'stack'; source: SiteSource; site: Site }
  | { kind: 'frame'; source: SiteSource; site: Site; index: number }
  | { kind: 'note'; parentId: string; text: string };

export type NodeIcon =
  | 'target'
  | 'snapshots'
  | 'snapshot'
  | 'type'
  | 'blocked'
  | 'abandoned'
  | 'created'
  | 'example'
  | 'stack'
  | 'frame'
  | 'frame-internal'
  | 'more'
  | 'note';

export interface NodePresentation {
  /** Unique in the view and stable across refreshes (keeps expansion state). */
  id: string;
  label: string;
  description?: string;
  /** Plain text; the provider escapes it. */
  tooltip?: string[];
  icon: NodeIcon;
  /** Shown in a warning colour (a growing site or type). */
  alarming?: boolean;
  collapsible: 'none' | 'collapsed' | 'expanded';
  /** For menus (`viewItem == ...`). */
  contextValue: string;
  /** Source position a click opens, when the frame may be a file on disk. */
  open?: Frame;
}

export interface TreeModelOptions {
  /** Sites listed per type before "Show more" (and how many each "Show more" adds). */
  sitesPerType: number;
  /** Samples back that the trend arrow compares with (default 5). */
  trendLookback?: number;
  /** How a file is named in descriptions and tooltips (default: as is). */
  displayPath?: (file: string) => string;
}

const EXAMPLES_SHOWN = 5;

export class TreeModel {
  private readonly indexes = new WeakMap<Snapshot, SiteIndex>();
  /** Per latest light snapshot: counts of the one before it, for "+N since the previous reading". */
  private readonly previousCounts = new WeakMap<Snapshot, { previous: Snapshot; counts: Map<string, number> }>();
  /** Sites shown per "source/type" beyond the default, raised by "Show more". */
  private readonly shownLimits = new Map<string, number>();

  constructor(
    private readonly data: TreeData,
    private options: TreeModelOptions,
  ) {}

  setOptions(options: TreeModelOptions): void {
    this.options = options;
  }

  roots(): LensNode[] {
    const nodes: LensNode[] = this.data.targets().map((t) => ({ kind: 'target', targetId: t.id }));
    if (this.data.snapshots().length > 0) nodes.push({ kind: 'snapshots' });
    return nodes;
  }

  children(node: LensNode): LensNode[] {
    switch (node.kind) {
      case 'target':
        return this.targetChildren(node.targetId);
      case 'snapshots':
        return this.data.snapshots().map((s) => ({ kind: 'snapshot', snapshotId: s.id }));
      case 'snapshot':
        return this.snapshotChildren(node.snapshotId);
      case 'type':
        return this.typeChildren(node.source, node.type);
      case 'abandoned': {
        const snapshot = this.sitesOf(node.source);
        const source: SiteSource = { ...node.source, abandoned: true };
        return abandonedSitesOf(snapshot).map((site) => ({ kind: 'site', source, site, growth: undefined, previousCount: undefined }));
      }
      case 'site': {
        const examples: LensNode[] = node.site.examples.slice(0, EXAMPLES_SHOWN).map((example) => ({ kind: 'example', source: node.source, site: node.site, example }));
        if (node.site.stack.length > 0) examples.push({ kind: 'stack', source: node.source, site: node.site });
        return examples;
      }
      case 'stack':
        return node.site.stack.map((_, index) => ({ kind: 'frame', source: node.source, site: node.site, index }));
      default:
        return [];
    }
  }

  present(node: LensNode): NodePresentation {
    switch (node.kind) {
      case 'target':
        return this.presentTarget(node.targetId);
      case 'snapshots': {
        const n = this.data.snapshots().length;
        return { id: 'snapshots', label: 'Snapshots', description: String(n), icon: 'snapshots', collapsible: 'expanded', contextValue: 'snapshots' };
      }
      case 'snapshot':
        return this.presentSnapshot(node.snapshotId);
      case 'type':
        return this.presentType(node.source, node.type);
      case 'abandoned':
        return this.presentAbandoned(node.source);
      case 'site':
        return this.presentSite(node);
      case 'more': {
        const next = Math.min(node.hidden, this.options.sitesPerType);
        return {
          id: `${typeId(node.source, node.type)}/more`,
          label: `Show ${formatCount(next)} more…`,
          description: `${formatCount(node.hidden)} not shown`,
          icon: 'more',
          collapsible: 'none',
          contextValue: 'more',
        };
      }
      case 'example':
        return presentExample(node);
      case 'stack':
        return {
          id: `${siteNodeId(node.source, node.site)}/stack`,
          label: 'Example stack',
          description: `${node.site.stack.length} frame${node.site.stack.length === 1 ? '' : 's'}`,
          tooltip: ['The creation stack of one resource of this site, innermost first.'],
          icon: 'stack',
          collapsible: 'expanded',
          contextValue: 'stack',
        };
      case 'frame':
        return this.presentFrame(node);
      case 'note':
        return { id: `${node.parentId}/note`, label: node.text, icon: 'note', collapsible: 'none', contextValue: 'note' };
    }
  }

  /** Lists `sitesPerType` more sites under that type; returns the type node to refresh. */
  showMore(source: SiteSource, type: string): LensNode {
    const key = typeId(source, type);
    this.shownLimits.set(key, this.limitFor(key) + this.options.sitesPerType);
    return { kind: 'type', source, type };
  }

  /** The site data a node stands for (site, example, stack and frame nodes). */
  siteOf(node: LensNode): Site | undefined {
    return 'site' in node ? node.site : undefined;
  }

  /** The sites a source has now, grouped by type (undefined: not read yet, or gone). */
  siteIndexOf(source: SiteSource): SiteIndex | undefined {
    const snapshot = this.sitesOf(source);
    return snapshot ? this.indexOf(snapshot) : undefined;
  }

  private targetChildren(targetId: string): LensNode[] {
    const target = this.target(targetId);
    if (!target) return [];
    const source: SiteSource = { from: 'target', targetId };
    const counts = liveCounts(target);
    const types = Object.keys(counts).filter((type) => countOf(counts, type) > 0 || (target.latestSites && this.indexOf(target.latestSites).hasType(type)));
    if (types.length === 0) {
      const waiting = target.samples.length === 0 && !target.latestSites;
      return [{ kind: 'note', parentId: `target:${targetId}`, text: waiting ? 'Reading counts…' : 'No pending async resources.' }, ...this.abandonedGroup(source)];
    }
    types.sort((a, b) => countOf(counts, b) - countOf(counts, a) || compareText(a, b));
    return [...sitesUnavailableNote(target.latestSites, `target:${targetId}`), ...types.map((type): LensNode => ({ kind: 'type', source, type })), ...this.abandonedGroup(source)];
  }

  /** The "Abandoned tasks" node of a source, when it has any. */
  private abandonedGroup(source: SiteSource): LensNode[] {
    return abandonedSitesOf(this.sitesOf(source)).length > 0 ? [{ kind: 'abandoned', source }] : [];
  }

  private presentAbandoned(source: SiteSource): NodePresentation {
    const sites = abandonedSitesOf(this.sitesOf(source));
    const total = sites.reduce((n, s) => n + (s.abandoned ?? 0), 0);
    const parent = source.from === 'target' ? `target:${source.targetId}` : `snapshot:${source.snapshotId}`;
    return {
      id: `${parent}/abandoned`,
      label: 'Abandoned tasks',
      description: `${formatCount(total)} at ${sites.length} await${sites.length === 1 ? '' : 's'}`,
      tooltip: [
        'Tasks collected by the GC while suspended at an await, since the agent arrived: the code after the await and its finally blocks never ran.',
        'Nothing can ever resume them, so they do not count as pending. A snapshot (full GC) makes the count current.',
      ],
      icon: 'abandoned',
      alarming: true,
      collapsible: 'collapsed',
      contextValue: 'abandoned',
    };
  }

  private snapshotChildren(snapshotId: string): LensNode[] {
    const stored = this.storedSnapshot(snapshotId);
    if (!stored) return [];
    const source: SiteSource = { from: 'snapshot', snapshotId };
    const index = this.indexOf(stored.snapshot);
    const totals = stored.snapshot.totals;
    const types = [...new Set([...Object.keys(totals).filter((t) => countOf(totals, t) > 0), ...index.types()])];
    const abandoned = this.abandonedGroup(source);
    if (types.length === 0) return [{ kind: 'note', parentId: `snapshot:${snapshotId}`, text: 'No pending async resources in this snapshot.' }, ...abandoned];
    types.sort((a, b) => countOf(totals, b) - countOf(totals, a) || compareText(a, b));
    return [...sitesUnavailableNote(stored.snapshot, `snapshot:${snapshotId}`), ...types.map((type): LensNode => ({ kind: 'type', source, type })), ...abandoned];
  }

  private typeChildren(source: SiteSource, type: string): LensNode[] {
    const snapshot = this.sitesOf(source);
    const id = typeId(source, type);
    if (!snapshot) return [{ kind: 'note', parentId: id, text: source.from === 'target' ? 'Reading sites…' : 'Snapshot removed.' }];
    const sites = this.indexOf(snapshot).sitesOf(type);
    if (sites.length === 0) {
      const baseline = countOf(snapshot.baseline, type);
      const text = baseline > 0 ? `No site known: ${formatCount(baseline)} already alive when the agent attached.` : 'No site recorded for this type yet.';
      return [{ kind: 'note', parentId: id, text }];
    }
    const target = source.from === 'target' ? this.target(source.targetId) : undefined;
    const growing = new Map((target?.growingSites ?? []).map((g) => [g.siteId, g]));
    const previous = target ? this.previousCountsOf(target) : undefined;
    const limit = this.limitFor(id);
    const nodes: LensNode[] = [];
    for (let i = 0; i < sites.length && i < limit; i++) {
      const site = sites[i];
      nodes.push({ kind: 'site', source, site, growth: growing.get(site.id), previousCount: previous ? (previous.get(site.id) ?? 0) : undefined });
    }
    if (sites.length > limit) nodes.push({ kind: 'more', source, type, hidden: sites.length - limit });
    return nodes;
  }

  private presentTarget(targetId: string): NodePresentation {
    const target = this.target(targetId);
    const id = `target:${targetId}`;
    if (!target) return { id, label: 'Detached target', icon: 'target', collapsible: 'none', contextValue: 'target-gone' };
    const latest = target.samples[target.samples.length - 1];
    const then = sampleBack(target.samples, this.options.trendLookback);
    const parts: string[] = [];
    if (latest) parts.push(`${formatCount(latest.total)} pending${then ? ` ${trendArrow(latest.total, then.total)}` : ''}`);
    if (!target.latestSites) parts.push('reading sites…');
    const tooltip = [target.label, ...(target.details ? [target.details] : [])];
    if (latest) tooltip.push(`${formatCount(latest.total)} pending async resources at ${new Date(latest.t).toLocaleTimeString()}`);
    if (latest && then) tooltip.push(`${formatDelta(latest.total - then.total)} since ${new Date(then.t).toLocaleTimeString()}`);
    if (target.latestSites) tooltip.push(`Sites read at ${new Date(target.latestSites.takenAt).toLocaleTimeString()}`);
    return { id, label: target.label, description: parts.join(' · '), tooltip, icon: 'target', collapsible: 'expanded', contextValue: 'target' };
  }

  private presentSnapshot(snapshotId: string): NodePresentation {
    const stored = this.storedSnapshot(snapshotId);
    const id = `snapshot:${snapshotId}`;
    if (!stored) return { id, label: 'Removed snapshot', icon: 'snapshot', collapsible: 'none', contextValue: 'snapshot-gone' };
    const total = Object.values(stored.snapshot.totals).reduce((sum, n) => sum + n, 0);
    const sites = stored.snapshot.sites.length;
    const s = stored.snapshot;
    return {
      id,
      label: stored.name,
      description: `${stored.origin} · ${formatCount(total)} pending · ${formatCount(sites)} site${sites === 1 ? '' : 's'}`,
      tooltip: [
        `${s.label ? `"${s.label}" ` : ''}taken ${s.takenAt}`,
        `From ${stored.origin}: pid ${s.target.pid}, Node ${s.target.nodeVersion}`,
        `${formatCount(total)} pending async resources in ${formatCount(sites)} sites`,
      ],
      icon: 'snapshot',
      collapsible: 'collapsed',
      contextValue: 'snapshot',
    };
  }

  private presentType(source: SiteSource, type: string): NodePresentation {
    const id = typeId(source, type);
    const base = { id, label: type, icon: 'type' as const, collapsible: 'collapsed' as const, contextValue: 'type' };
    if (source.from === 'snapshot') {
      const stored = this.storedSnapshot(source.snapshotId);
      const count = countOf(stored?.snapshot.totals, type);
      const sites = stored ? this.indexOf(stored.snapshot).sitesOf(type).length : 0;
      return { ...base, description: formatCount(count), tooltip: [`${formatCount(count)} pending ${type} in this snapshot, ${formatCount(sites)} site${sites === 1 ? '' : 's'}`] };
    }
    const target = this.target(source.targetId);
    if (!target) return base;
    const now = countOf(liveCounts(target), type);
    const then = sampleBack(target.samples, this.options.trendLookback);
    const before = countOf(then?.counts, type);
    const tooltip = [`${formatCount(now)} pending ${type} now`];
    if (then) tooltip.push(`${formatCount(before)} at ${new Date(then.t).toLocaleTimeString()} (${formatDelta(now - before)})`);
    const growth = target.growingTypes?.find((g) => g.type === type);
    if (growth) tooltip.push(`Keeps growing: ${growth.rateText}; ${growth.reason}.`);
    const rate = target.latestSites && Object.prototype.hasOwnProperty.call(target.latestSites.stats.samplingRate, type) ? target.latestSites.stats.samplingRate[type] : undefined;
    if (rate !== undefined && rate < 1) tooltip.push(`Stacks are sampled (1 in ${formatCount(1 / rate)}): site counts are estimates.`);
    const description = [then ? `${formatCount(now)} ${trendArrow(now, before)}` : formatCount(now), ...(growth ? [`▲ growing ${growth.rateText}`] : [])].join(' · ');
    return { ...base, description, tooltip, alarming: growth !== undefined };
  }

  private presentSite(node: Extract<LensNode, { kind: 'site' }>): NodePresentation {
    const { site } = node;
    const estimate = site.sampled < site.count;
    const count = `${estimate ? '~' : ''}${formatCount(site.count)}${estimate ? ' (estimate)' : ''}`;
    const abandoned = site.abandoned ?? 0;
    const parts = site.count > 0 || abandoned === 0 ? [functionName(site.frame), count, `oldest ${formatDuration(site.oldestAgeMs)}`] : [functionName(site.frame)];
    if (abandoned > 0) parts.push(`✖ ${formatCount(abandoned)} abandoned`);
    if (site.thread !== 0) parts.push(`worker ${site.thread}`);
    if (site.origin === 'census') parts.push('census');
    if (node.growth) parts.push(`▲ growing ${node.growth.rateText}`);
    const where = this.where(site.frame);
    const tooltip = [
      `${capitalise(kindWords(site.kind))} ${where}`,
      site.kind === 'blocked' ? 'Async functions suspended at this await.' : `Pending ${site.type} resources created on this line.`,
      `${functionName(site.frame)}: ${count} pending ${site.type}, oldest ${formatDuration(site.oldestAgeMs)}`,
    ];
    if (estimate) tooltip.push(`${formatCount(site.sampled)} seen with a stack; the rest is estimated from the sampling rate.`);
    if (abandoned > 0) tooltip.push(`${formatCount(abandoned)} task${abandoned === 1 ? '' : 's'} abandoned here since attach (collected by the GC while suspended): the code after this await and its finally blocks never ran.`);
    if (site.origin === 'census') tooltip.push(`Found by the census: ${formatCount(site.census ?? 0)} of these were already pending before the agent attached (their age is unknown).`);
    if (node.growth) tooltip.push(`Keeps growing: ${node.growth.rateText}; ${node.growth.reason}.`);
    if (node.previousCount !== undefined && node.previousCount !== site.count) tooltip.push(`${formatDelta(site.count - node.previousCount)} since the previous reading.`);
    if (site.generatedFrame) tooltip.push(`Compiled position: ${this.where(site.generatedFrame)}`);
    if (site.thread !== 0) tooltip.push(`Thread: worker ${site.thread}`);
    return {
      id: siteNodeId(node.source, site),
      label: `${kindWords(site.kind)} ${shortLocation(site.frame)}`,
      description: parts.join(' · '),
      tooltip,
      icon: site.count === 0 && abandoned > 0 ? 'abandoned' : site.kind,
      alarming: node.growth !== undefined || abandoned > 0,
      collapsible: site.examples.length > 0 || site.stack.length > 0 ? 'collapsed' : 'none',
      contextValue: site.kind === 'blocked' ? 'site-blocked' : 'site-created',
      open: isOpenableFrame(site.frame) ? site.frame : undefined,
    };
  }

  private presentFrame(node: Extract<LensNode, { kind: 'frame' }>): NodePresentation {
    const frame = node.site.stack[node.index];
    const internal = !isOpenableFrame(frame) || isInternalFrame(frame);
    return {
      id: `${siteNodeId(node.source, node.site)}/frame:${node.index}`,
      label: functionName(frame),
      description: this.where(frame),
      tooltip: [`${functionName(frame)} at ${locationText(frame)}`],
      icon: internal ? 'frame-internal' : 'frame',
      collapsible: 'none',
      contextValue: 'frame',
      open: isOpenableFrame(frame) ? frame : undefined,
    };
  }

  private where(frame: Frame): string {
    return locationText(frame, this.options.displayPath);
  }

  private limitFor(key: string): number {
    return this.shownLimits.get(key) ?? this.options.sitesPerType;
  }

  private sitesOf(source: SiteSource): Snapshot | undefined {
    return source.from === 'target' ? this.target(source.targetId)?.latestSites : this.storedSnapshot(source.snapshotId)?.snapshot;
  }

  private previousCountsOf(target: TreeTarget): Map<string, number> | undefined {
    const { latestSites: latest, previousSites: previous } = target;
    if (!latest || !previous) return undefined;
    let cached = this.previousCounts.get(latest);
    if (!cached || cached.previous !== previous) {
      const counts = new Map<string, number>();
      for (const site of previous.sites) counts.set(site.id, (counts.get(site.id) ?? 0) + site.count);
      cached = { previous, counts };
      this.previousCounts.set(latest, cached);
    }
    return cached.counts;
  }

  private indexOf(snapshot: Snapshot): SiteIndex {
    let index = this.indexes.get(snapshot);
    if (!index) {
      index = new SiteIndex(snapshot.sites);
      this.indexes.set(snapshot, index);
    }
    return index;
  }

  private target(id: string): TreeTarget | undefined {
    return this.data.targets().find((t) => t.id === id);
  }

  private storedSnapshot(id: string): TreeSnapshot | undefined {
    return this.data.snapshots().find((s) => s.id === id);
  }
}

/** Sites grouped by type; each group is sorted the first time it is asked for. */
export class SiteIndex {
  private readonly byType = new Map<string, Site[]>();
  private readonly sorted = new Set<string>();

  constructor(sites: readonly Site[]) {
    for (const site of sites) {
      const group = this.byType.get(site.type);
      if (group) group.push(site);
      else this.byType.set(site.type, [site]);
    }
  }

  types(): string[] {
    return [...this.byType.keys()];
  }

  hasType(type: string): boolean {
    return this.byType.has(type);
  }

  /** Largest count first; on ties, blocked-at sites in user code, then user code, then id. */
  sitesOf(type: string): readonly Site[] {
    const group = this.byType.get(type);
    if (!group) return [];
    if (!this.sorted.has(type)) {
      group.sort(compareSitesByCount);
      this.sorted.add(type);
    }
    return group;
  }
}

/** Sites of a snapshot where tasks were abandoned, most first. */
export function abandonedSitesOf(snapshot: Snapshot | undefined): Site[] {
  return abandonedSites(snapshot);
}

/** '↑', '↓' or '→' comparing a count with the one some samples ago. */
export function trendArrow(now: number, before: number): string {
  return now > before ? '↑' : now < before ? '↓' : '→';
}

/** The sample `lookback` samples before the latest (or the oldest there is); undefined with fewer than two. */
export function sampleBack(samples: readonly CountSample[], lookback = 5): CountSample | undefined {
  if (samples.length < 2) return undefined;
  return samples[Math.max(0, samples.length - 1 - lookback)];
}

/** A snapshot without sites says so first, loudly: its counts cannot be placed on any line. */
function sitesUnavailableNote(snapshot: Snapshot | undefined, parentId: string): LensNode[] {
  if (snapshot?.sitesUnavailable === undefined) return [];
  return [{ kind: 'note', parentId, text: `⚠ Sites unavailable: ${snapshot.sitesUnavailable}. Counts are complete; no line can be shown.` }];
}

function liveCounts(target: TreeTarget): Record<string, number> {
  const latest = target.samples[target.samples.length - 1];
  if (latest) {
    // Types the sites know but this poll does not (already gone) are listed at 0.
    const counts = toCountMap(latest.counts);
    for (const type of Object.keys(target.latestSites?.totals ?? {})) counts[type] = countOf(counts, type);
    return counts;
  }
  return toCountMap(target.latestSites?.totals ?? {});
}

function presentExample(node: Extract<LensNode, { kind: 'example' }>): NodePresentation {
  const { example, site } = node;
  const what = site.type === 'PROMISE' ? `promise #${example.id}` : `async id ${example.id}`;
  return {
    id: `${siteNodeId(node.source, site)}/example:${example.id}`,
    label: what,
    description: `${formatDuration(example.ageMs)} old`,
    tooltip: [`${site.type} ${what}, ${formatDuration(example.ageMs)} old`, `Triggered by ${site.type === 'PROMISE' ? 'promise' : 'async id'} ${example.triggerId}`],
    icon: 'example',
    collapsible: 'none',
    contextValue: 'example',
  };
}

function typeId(source: SiteSource, type: string): string {
  return `${source.from === 'target' ? `target:${source.targetId}` : `snapshot:${source.snapshotId}`}/type:${type}`;
}

function siteNodeId(source: SiteSource, site: Site): string {
  return `${typeId(source, site.type)}${source.abandoned ? '/abandoned' : ''}/site:${site.id}`;
}



function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
