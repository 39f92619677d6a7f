// Numbers and durations as people read them, in every front end (terminal, tree, hovers, reports).

/** 1234567 -> "1,234,567"; fractional estimates are rounded first. */
export function formatCount(value: number): string {
  const rounded = Math.round(value);
  const digits = String(Math.abs(rounded)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return rounded < 0 ? `-${digits}` : digits;
}

/** Always signed: "+12", "-3", "0". */
export function formatDelta(value: number): string {
  const rounded = Math.round(value);
  return rounded > 0 ? `+${formatCount(rounded)}` : formatCount(rounded);
}

/** Human durations: "850 ms", "12.3 s", "4 min 5 s", "2 h 3 min". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 3600) return `${Math.floor(totalSeconds / 60)} min ${totalSeconds % 60} s`;
  const totalMinutes = Math.round(totalSeconds / 60);
  return `${Math.floor(totalMinutes / 60)} h ${totalMinutes % 60} min`;
}
