// Counts keyed by names that come from the target: resource types are chosen by user code (an
// AsyncResource may be called "toString", "constructor" or "__proto__"). A plain {} reads such a
// key as an inherited member and turns a "__proto__" write into a prototype change; these never do.
export type CountMap = Record<string, number>;

/** An empty map without a prototype. */
export function countMap(): CountMap {
  return Object.create(null) as CountMap;
}

/** The count under `key`, own properties only (0 when absent). */
export function countOf(map: Readonly<Record<string, number>> | undefined, key: string): number {
  return map !== undefined && Object.prototype.hasOwnProperty.call(map, key) ? map[key] : 0;
}

export function addCount(map: CountMap, key: string, n: number): void {
  map[key] = countOf(map, key) + n;
}

/**
 * An ordinary object with the same own entries, for data handed on (snapshots, samples): built
 * with Object.fromEntries, which defines keys, so "__proto__" stays a key. Read it with countOf.
 */
export function plainCounts<T>(map: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(Object.entries(map));
}

/** A prototype-free copy of `record`'s own entries. */
export function toCountMap(record: Readonly<Record<string, number>>): CountMap {
  const map = countMap();
  for (const [key, value] of Object.entries(record)) map[key] = value;
  return map;
}
