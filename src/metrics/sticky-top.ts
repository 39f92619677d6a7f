// The top K keys by value, kept stable across collections: a key shown last time stays while its
// value is at least that of the key ranked 2K, so two sites of similar size do not swap in and out of the series each scrape
// (which would make gaps in every graph). The first K/2 by rank are always shown, so a new leader
// (a fast leak) appears at once. Cardinality stays at K.
export class StickyTop {
  private shown = new Set<string>();

  constructor(private readonly k: number) {}

  /** `ranked`: largest first. Returns the chosen keys. */
  choose(ranked: readonly { key: string; value: number }[]): Set<string> {
    const chosen = new Set<string>();
    const positive = ranked.filter((r) => r.value > 0);
    const add = (key: string) => {
      if (chosen.size < this.k) chosen.add(key);
    };
    const leaders = Math.ceil(this.k / 2);
    for (let i = 0; i < positive.length && i < leaders; i++) add(positive[i].key);
    // By value, not by position: keys tied with the one ranked 2K (often many sites at 1) stay too,
    // whatever order the ties came in.
    const floor = positive[Math.min(2 * this.k, positive.length) - 1]?.value ?? 0;
    for (const r of positive) if (r.value >= floor && this.shown.has(r.key)) add(r.key);
    for (const r of positive) add(r.key);
    this.shown = chosen;
    return chosen;
  }
}
