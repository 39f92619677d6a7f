// Where snapshot-marker labels go so that close markers do not print over each other: each label
// takes the first text row whose previous label ends before it starts. Pure, for unit tests.

export interface LabelSpan {
  /** Leftmost and rightmost pixel the label covers. */
  start: number;
  end: number;
}

/**
 * The row (0 = top) of each label, in input order. Labels are placed from left to right; when
 * every row is taken at that point, the row that frees up first is reused (they overlap, as few
 * as possible).
 */
export function labelRows(spans: readonly LabelSpan[], maxRows: number, gap = 4): number[] {
  const rows: number[] = new Array(spans.length);
  const rowEnds: number[] = [];
  const order = spans.map((_, i) => i).sort((a, b) => spans[a].start - spans[b].start);
  for (const i of order) {
    let row = rowEnds.findIndex((end) => end + gap <= spans[i].start);
    if (row < 0 && rowEnds.length < maxRows) row = rowEnds.length;
    if (row < 0) row = rowEnds.indexOf(Math.min(...rowEnds));
    rowEnds[row] = spans[i].end;
    rows[i] = row;
  }
  return rows;
}
