// What the agent answers over Runtime.evaluate (returnByValue JSON). Types only: core imports
// them, the agent implements them. Frames here are positions in the code V8 runs (no source maps).

/**
 * Where agents of versions before the registry kept their handle (a global symbol target code could
 * delete or replace). Something found there is refused: an older agent, or an object posing as one.
 */
export const LEGACY_AGENT_GLOBAL_KEY = 'async-leak-lens.agent';
/**
 * The agent's handle lives in a registry held by this global lexical binding (a top-level `const`
 * of a script): target code cannot delete or reassign it, and declaring it needs no extensible
 * global object. The registry is frozen and only ever made by the agent's own code.
 */
export const AGENT_BINDING = '__asyncLeakLensAgents';
export const AGENT_REGISTRY_SCHEMA = 'async-leak-lens/agent-registry@1';
/** Stack frames of the agent itself carry this file name (set with a sourceURL comment). */
export const AGENT_SOURCE_URL = 'async-leak-lens-agent.js';

export interface AgentConfig {
  version: string;
  /** Frames kept per example stack. */
  stackDepth: number;
  /** When false, frames under node_modules are skipped when choosing a site's frame. */
  nodeModulesAsSites: boolean;
  /** Budget of stack captures per second and per resource type; above it, random samples. */
  stackCapturesPerSecond: number;
  /** Cap on resources tracked with a stack; past it, sampling gets sparser (counted in stats). */
  maxTrackedResources: number;
  /** Cap on distinct sites; past it, new sites are counted in stats.droppedStacks. */
  maxSites: number;
  /** Example resources listed per site in a snapshot. */
  examplesPerSite: number;
}

export interface RawFrame {
  file: string;
  line: number;
  column: number;
  function: string;
}

export interface AgentInfo {
  version: string;
  /** True when an agent of the same or newer version was already installed and is reused. */
  reused: boolean;
  pid: number;
  threadId: number;
  nodeVersion: string;
  title: string;
  argv: string[];
  /** True when a census was already handed to this agent (by this or an earlier attach). */
  censusTaken?: boolean;
}

export interface AgentCounts {
  t: number;
  threadId: number;
  counts: Record<string, number>;
}

export interface AgentSite {
  kind: 'created' | 'blocked';
  type: string;
  frame: RawFrame;
  userCode: boolean;
  stack: RawFrame[];
  count: number;
  sampled: number;
  oldestAgeMs: number;
  examples: { id: number; ageMs: number; triggerId: number }[];
  /** Tasks collected while suspended at this await, since attach (blocked sites only). */
  abandoned?: AgentAbandoned;
  /** Present when the census found resources of this site pending before the agent arrived. */
  origin?: 'census';
  /** Of `count`, the estimated number found by the census and still pending. */
  census?: number;
}

/** A site the census found (in the heap, before the agent saw anything), as core hands it over. */
export interface CensusSiteInput {
  kind: 'created' | 'blocked';
  type: string;
  /** Position as V8 reports it (path or file:// URL; 1-based line and column). */
  frame: RawFrame;
  userCode: boolean;
  /** How many were found. */
  count: number;
  /** How many of the objects passed along belong to this site (they follow in site order). */
  samples: number;
  ageMs?: number;
}

export interface CensusInput {
  sites: CensusSiteInput[];
}

/** Why install did not happen (nothing was left installed). */
export interface AgentRefusal {
  refused: string;
  /** True when what stands in the way looks tampered with or foreign, not merely old. */
  tampered?: boolean;
}

export interface AgentAbandoned {
  /** Estimated count (exact when `sampled === count`). */
  count: number;
  sampled: number;
  /** ms since epoch of the first and the latest one seen. */
  firstAt: number;
  lastAt: number;
}

export interface AgentSnapshot {
  takenAt: number;
  threadId: number;
  counts: Record<string, number>;
  baseline: Record<string, number>;
  sites: AgentSite[];
  created: Record<string, number>;
  dropped: Record<string, number>;
  droppedSites: number;
  samplingRate: Record<string, number>;
  /** Set when stacks cannot be captured in this thread: why. Everything is still counted, without sites. */
  stackProblem?: string;
}
