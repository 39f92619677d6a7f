// Decides which resources of one type get a (costly) stack capture. Every resource is counted;
// stacks are captured for all of them at low rates and for random samples above the budget.
// A sample taken with probability p stands for 1/p resources, so per-site estimates stay unbiased.
// Random (geometric) skips instead of "every Nth" avoid aliasing with round-robin code.

// A burst of up to `stackCapturesPerSecond` resources of a type gets a stack each, so a load test
// of a few hundred requests stays exact; past it the probability follows the observed rate (a
// token bucket: see Sampler.adapt).
//
// The sustained rate is the configured captures per second and type, cut further to keep
// sampling within a share (2% by default, AgentConfig.maxCaptureShare) of the CPU time the process gets (all types together, at the
// measured cost of a sample): on a slow or busy machine a capture costs several times more, and a
// program that gets little CPU would pay a fixed count many times over. The measured cost leaves
// out the GC that captures cause, hence a small share.
const WINDOW_MS = 1000;
const DEFAULT_MAX_CAPTURE_SHARE = 0.02;
/** The share is of at least this much CPU per wall ms, so a mostly idle program is not starved of stacks. */
const MIN_CPU_PER_MS = 0.25;

/** What sampling costs, shared by the samplers of all types. */
export class CaptureClock {
  /** Moving average of the measured cost of one sample, in ms (starts pessimistic). */
  averageMs = 0.05;
  private readonly busy = new Set<Sampler>();
  private windowStart = performance.now();
  private windowCpuMs = cpuMs();
  /** CPU ms the process got per wall ms in the last window. */
  private cpuPerMs = MIN_CPU_PER_MS;

  constructor(private readonly maxShare = DEFAULT_MAX_CAPTURE_SHARE) {}

  measured(ms: number): void {
    // A sample longer than this was preempted or met a GC: not what a capture costs.
    this.averageMs += (Math.min(ms, 1) - this.averageMs) * 0.2;
  }

  /** Samples per wall ms one busy type may take within the share. */
  sharePerMs(): number {
    this.roll();
    return (this.maxShare * this.cpuPerMs) / Math.max(this.averageMs, 1e-4) / Math.max(1, this.busy.size);
  }

  setBusy(sampler: Sampler, busy: boolean): void {
    if (busy) this.busy.add(sampler);
    else this.busy.delete(sampler);
  }

  private roll(): void {
    const now = performance.now();
    const elapsed = now - this.windowStart;
    if (elapsed < WINDOW_MS) return;
    const cpu = cpuMs();
    this.cpuPerMs = Math.min(Math.max((cpu - this.windowCpuMs) / elapsed, MIN_CPU_PER_MS), 1);
    this.windowStart = now;
    this.windowCpuMs = cpu;
  }
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

export class Sampler {
  /** Resources seen (sampled or not). */
  seen = 0;
  /** Probability that the next resource is sampled. */
  probability = 1;
  private skip = 1;
  /** Samples that may still be taken at probability 1: a burst of up to this many stays exact. */
  private tokens: number;
  private windowStart = performance.now();
  private windowSeen = 0;
  private windowSamples = 0;

  constructor(
    private readonly config: { stackCapturesPerSecond: number },
    private readonly clock: CaptureClock,
  ) {
    this.tokens = config.stackCapturesPerSecond;
  }

  /** Hot path: one decrement for resources that are not sampled. */
  next(): boolean {
    this.seen++;
    return --this.skip <= 0;
  }

  /** Call after next() returned true: the weight of this sample, and the next skip drawn. */
  takeSample(): number {
    const weight = 1 / this.probability;
    this.windowSamples++;
    this.tokens--;
    const elapsed = performance.now() - this.windowStart;
    if (elapsed >= WINDOW_MS) this.adapt(elapsed);
    else if (this.probability >= 1 ? this.tokens < 1 : this.windowSamples > 2 * this.budgetPerMs() * WINDOW_MS) {
      // Tokens spent, or the rate rose: sample at the budget over the rate seen so far this window.
      const seenPerMs = (this.seen - this.windowSeen) / Math.max(elapsed, 1);
      this.probability = Math.min(1, Math.max(this.budgetPerMs() / seenPerMs, 1e-6));
    }
    this.skip = drawSkip(this.probability);
    return weight;
  }

  /** Called on each poll too, so a rate that dropped after a burst is noticed without new samples. */
  refresh(): void {
    const elapsed = performance.now() - this.windowStart;
    if (elapsed < WINDOW_MS) return;
    const before = this.probability;
    this.adapt(elapsed);
    if (this.probability !== before) this.skip = drawSkip(this.probability);
  }

  /** Past a memory cap: halve the sampling rate rather than drop samples silently. */
  thin(): void {
    this.probability = Math.max(this.probability / 2, 1e-6);
    this.tokens = 0;
    this.skip = drawSkip(this.probability);
  }

  private budgetPerMs(): number {
    return Math.min(this.config.stackCapturesPerSecond / 1000, this.clock.sharePerMs());
  }

  /**
   * The budget is the configured rate, or less when that would not fit the CPU share. Tokens come
   * back at the configured rate while this type's rate fits the budget (so an idle spell refills
   * them), else at the budget. While tokens last every resource gets a stack; once they are spent,
   * resources are sampled at the budget and weighted.
   */
  private adapt(elapsedMs: number): void {
    const seenPerMs = (this.seen - this.windowSeen) / Math.max(elapsedMs, 1);
    this.clock.setBusy(this, this.windowSamples > 0);
    const configuredPerMs = this.config.stackCapturesPerSecond / 1000;
    const budgetPerMs = this.budgetPerMs();
    const refillPerMs = seenPerMs <= budgetPerMs ? configuredPerMs : budgetPerMs;
    this.tokens = Math.min(this.config.stackCapturesPerSecond, this.tokens + refillPerMs * elapsedMs);
    this.probability = this.tokens >= 1 ? 1 : Math.min(1, Math.max(budgetPerMs / Math.max(seenPerMs, 1e-9), 1e-6));
    this.windowStart = performance.now();
    this.windowSeen = this.seen;
    this.windowSamples = 0;
  }
}

function drawSkip(p: number): number {
  if (p >= 1) return 1;
  return 1 + Math.floor(Math.log(1 - Math.random()) / Math.log(1 - p));
}
