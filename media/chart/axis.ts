// The count axis: whole numbers only (a count of 0.5 resources means nothing) and a range that
// stays readable when every count is zero. Pure, for unit tests.

/** The y range for counts up to `max`: from 0, some head room, at least 0..4 (an all-zero chart shows 0 at the bottom). */
export function countRange(max: number): [number, number] {
  const top = Number.isFinite(max) && max > 0 ? Math.ceil(max * 1.1) : 0;
  return [0, Math.max(4, top)];
}

/** Tick values between min and max: whole numbers at a 1-2-5 step, at most about `maxTicks` of them. */
export function countTicks(min: number, max: number, maxTicks: number): number[] {
  if (!(Number.isFinite(min) && Number.isFinite(max)) || max < min) return [];
  const span = Math.max(1, max - min);
  const wanted = Math.max(1, Math.floor(maxTicks));
  let step = 1;
  for (let magnitude = 1; step * wanted < span; magnitude *= 10) {
    step = [1, 2, 5].map((m) => m * magnitude).find((s) => s * wanted >= span) ?? 10 * magnitude;
  }
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max; v += step) ticks.push(v);
  return ticks;
}
