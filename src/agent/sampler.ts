// Decides which resources of one type get a (costly) stack capture. Every resource is counted;
// stacks are captured for all of them at low rates and for random samples above the budget.
// A sample taken with probability p stands for 1/p resources, so per-site estimates stay unbiased.
// Random (geometric) skips instead of "every Nth" avoid aliasing with round-robin code.

// Within each window the first `budget` resources all get stacks (bursts below the budget stay
// exact); past it the probability follows the observed rate.
//
// Above the configured rate, the captures per second and type are also kept within
// MAX_CAPTURE_SHARE of the time (all types together, at the measured cost of a capture): on a busy
// or slow machine a fixed count would cost more than it should, and the slower the program gets,
// the more seconds there are to spend the count in. Below the configured rate nothing changes.
const WINDOW_MS = 1000;
const MAX_CAPTURE_SHARE = 0.02;

/** What captures cost, shared by the samplers of all types. */
export class CaptureClock {
  /** Moving average of the measured cost of one capture, in ms. */
  averageMs = 0.01;
  private readonly busy = new Set<Sampler>();

  measured(ms: number): void {
    this.averageMs += (ms - this.averageMs) * 0.05;
  }

  /** Captures per ms one busy type may take within the time share. */
  sharePerMs(): number {
    return MAX_CAPTURE_SHARE / Math.max(this.averageMs, 1e-4) / Math.max(1, this.busy.size);
  }

  setBusy(sampler: Sampler, busy: boolean): void {
    if (busy) this.busy.add(sampler);
    else this.busy.delete(sampler);
  }
}

export class Sampler {
  /** Resources seen (sampled or not). */
  seen = 0;
  /** Probability that the next resource is sampled. */
  probability = 1;
  private skip = 1;
  private windowStart = performance.now();
  private windowSeen = 0;
  private windowSamples = 0;

  constructor(
    private readonly config: { stackCapturesPerSecond: number },
    private readonly clock: CaptureClock,
  ) {}

  /** Hot path: one decrement for resources that are not sampled. */
  next(): boolean {
    this.seen++;
    return --this.skip <= 0;
  }

  /** Call after next() returned true: the weight of this sample, and the next skip drawn. */
  takeSample(): number {
    const weight = 1 / this.probability;
    this.windowSamples++;
    // Bursts up to the configured count stay exact; the time share only lowers sustained rates.
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

  private budgetPerMs(): number {
    return Math.min(this.config.stackCapturesPerSecond / 1000, this.clock.sharePerMs());
  }

  private adapt(elapsedMs: number): void {
    const seenPerMs = (this.seen - this.windowSeen) / Math.max(elapsedMs, 1);
    this.clock.setBusy(this, this.windowSamples > 0);
    // Below the configured rate every resource gets a stack, whatever it costs; above it, samples
    // within the lower of the two budgets.
    const configuredPerMs = this.config.stackCapturesPerSecond / 1000;
    this.probability = seenPerMs <= configuredPerMs ? 1 : Math.max(this.budgetPerMs() / seenPerMs, 1e-6);
    this.windowStart = performance.now();
    this.windowSeen = this.seen;
    this.windowSamples = 0;
  }
}

function drawSkip(p: number): number {
  if (p >= 1) return 1;
  return 1 + Math.floor(Math.log(1 - Math.random()) / Math.log(1 - p));
}
