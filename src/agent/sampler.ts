// Decides which resources of one type get a (costly) stack capture. Every resource is counted;
// stacks are captured for all of them at low rates and for random samples above the budget.
// A sample taken with probability p stands for 1/p resources, so per-site estimates stay unbiased.
// Random (geometric) skips instead of "every Nth" avoid aliasing with round-robin code.

// Within each window the first `budget` resources all get stacks (bursts below the budget stay
// exact); past it the probability follows the observed rate.
const WINDOW_MS = 1000;

export class Sampler {
  /** Resources seen (sampled or not). */
  seen = 0;
  /** Probability that the next resource is sampled. */
  probability = 1;
  private skip = 1;
  private windowStart = performance.now();
  private windowSeen = 0;
  private windowSamples = 0;

  constructor(private readonly config: { stackCapturesPerSecond: number }) {}

  /** Hot path: one decrement for resources that are not sampled. */
  next(): boolean {
    this.seen++;
    return --this.skip <= 0;
  }

  /** Call after next() returned true: the weight of this sample, and the next skip drawn. */
  takeSample(): number {
    const weight = 1 / this.probability;
    this.windowSamples++;
    const windowBudget = (this.config.stackCapturesPerSecond * WINDOW_MS) / 1000;
    const elapsed = performance.now() - this.windowStart;
    if (elapsed >= WINDOW_MS || this.windowSamples > windowBudget) this.adapt(elapsed);
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
    this.skip = drawSkip(this.probability);
  }

  private adapt(elapsedMs: number): void {
    const seenPerMs = (this.seen - this.windowSeen) / Math.max(elapsedMs, 1);
    const budgetPerMs = this.config.stackCapturesPerSecond / 1000;
    this.probability = seenPerMs <= budgetPerMs ? 1 : Math.max(budgetPerMs / seenPerMs, 1e-6);
    this.windowStart = performance.now();
    this.windowSeen = this.seen;
    this.windowSamples = 0;
  }
}

function drawSkip(p: number): number {
  if (p >= 1) return 1;
  return 1 + Math.floor(Math.log(1 - Math.random()) / Math.log(1 - p));
}
