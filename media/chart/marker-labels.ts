// Where snapshot-marker labels go: beside their line on the side where they cross no other
// marker's line (right first), inside the plot, then on text rows so that no two labels overlap
// (see label-rows.ts). Pure, for unit tests.
import { labelRows } from './label-rows';

export interface MarkerLabelInput {
  /** The marker line's x. */
  x: number;
  /** The label's text width. */
  width: number;
}

export interface PlacedLabel {
  onLeft: boolean;
  /** The box the label covers (text and padding). */
  start: number;
  end: number;
  row: number;
}

export function placeMarkerLabels(
  markers: readonly MarkerLabelInput[],
  left: number,
  right: number,
  pad: number,
  maxRows: number,
): PlacedLabel[] {
  const sides = markers.map((m, i) => {
    const rightBox = { start: m.x, end: m.x + pad + m.width };
    const leftBox = { start: m.x - pad - m.width, end: m.x };
    const fits = (box: { start: number; end: number }) => box.start >= left && box.end <= right;
    const clear = (box: { start: number; end: number }) =>
      markers.every((other, j) => j === i || other.x <= box.start || other.x >= box.end);
    const onLeft = fits(rightBox) && clear(rightBox) ? false : fits(leftBox) && clear(leftBox) ? true : !fits(rightBox);
    return { onLeft, ...(onLeft ? leftBox : rightBox) };
  });
  const rows = labelRows(sides, maxRows);
  return sides.map((s, i) => ({ ...s, row: rows[i] }));
}
