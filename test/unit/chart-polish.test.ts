import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countRange, countTicks } from '../../media/chart/axis';
import { contrastRatio, MIN_LINE_CONTRAST, parseColor, readableColor } from '../../media/chart/contrast';
import { placeMarkerLabels } from '../../media/chart/marker-labels';

const label = (v: number) => Math.round(v).toLocaleString('en-US');

test('an all-zero chart has a sane count axis: 0 at the bottom, whole numbers, each label once', () => {
  const [min, max] = countRange(0);
  assert.deepEqual([min, max], [0, 4]);
  const ticks = countTicks(min, max, 11);
  assert.deepEqual(ticks, [0, 1, 2, 3, 4]);
  const labels = ticks.map(label);
  assert.equal(new Set(labels).size, labels.length, `labels repeat: ${labels.join(' ')}`);
});

test('count ticks are whole numbers at a 1-2-5 step, never more than asked, for any range', () => {
  for (const [max, room] of [
    [1, 11],
    [3, 11],
    [7, 3],
    [48, 10],
    [330, 11],
    [12_345, 8],
    [1_000_000, 6],
  ] as const) {
    const [lo, hi] = countRange(max);
    assert.ok(hi >= max, `range ${lo}..${hi} holds ${max}`);
    const ticks = countTicks(lo, hi, room);
    assert.ok(ticks.length >= 2 && ticks.length <= room + 1, `${ticks.length} ticks for 0..${hi} with room for ${room}`);
    assert.ok(ticks.every(Number.isInteger), `fractional tick in ${ticks.join(' ')}`);
    const step = ticks[1] - ticks[0];
    assert.match(String(step), /^[125]0*$/, `step ${step}`);
    assert.equal(new Set(ticks.map(label)).size, ticks.length);
  }
  assert.deepEqual(countTicks(0, 0, 5), [0]);
  assert.deepEqual(countTicks(5, 1, 5), []);
});

test('series colours keep enough contrast with the background: a dark orange on a dark theme is lightened', () => {
  const dark = '#1f1f1f';
  const light = '#ffffff';
  const brown = '#8a5a14';
  assert.ok(contrastRatio(parseColor(brown)!, parseColor(dark)!) < MIN_LINE_CONTRAST, 'the test colour is too dark to begin with');
  const fixed = readableColor(brown, dark, '#cccccc');
  assert.ok(contrastRatio(parseColor(fixed)!, parseColor(dark)!) >= MIN_LINE_CONTRAST, `${fixed} on ${dark}`);
  // The theme's own colours that already read well stay as they are.
  assert.equal(readableColor('#3794ff', dark, '#cccccc'), '#3794ff');
  assert.equal(readableColor('#d18616', dark, '#cccccc'), '#d18616');
  // A yellow on a light theme is darkened toward the light theme's foreground.
  const yellow = readableColor('#cca700', light, '#3b3b3b');
  assert.ok(contrastRatio(parseColor(yellow)!, parseColor(light)!) >= MIN_LINE_CONTRAST, `${yellow} on white`);
  assert.deepEqual(parseColor('rgba(12, 34, 56, 0.5)'), [12, 34, 56]);
  assert.equal(readableColor('var(--x)', dark, '#ccc'), 'var(--x)');
});

test('"before load" and "after load" a few pixels apart: labels neither overlap nor cross the other line', () => {
  // Two snapshots 50 px apart near the right edge, labels 60 px wide (the README's chart).
  const cases = [
    [
      { x: 560, width: 60 },
      { x: 610, width: 60 },
    ],
    [
      { x: 100, width: 60 },
      { x: 104, width: 60 },
    ],
    [
      { x: 300, width: 60 },
      { x: 340, width: 60 },
      { x: 345, width: 80 },
    ],
  ];
  for (const markers of cases) {
    const placed = placeMarkerLabels(markers, 50, 660, 3, 3);
    for (const [i, a] of placed.entries()) {
      assert.ok(a.start >= 50 && a.end <= 660, `label ${i} leaves the plot: ${JSON.stringify(a)}`);
      for (const [j, b] of placed.entries()) {
        if (i < j && a.row === b.row)
          assert.ok(a.end <= b.start || b.end <= a.start, `labels ${i} and ${j} overlap on row ${a.row}: ${JSON.stringify(placed)}`);
      }
    }
  }
  // With room on its right and no other line there, a label stays on the right; else it goes left.
  const [first, second] = placeMarkerLabels(
    [
      { x: 560, width: 60 },
      { x: 610, width: 60 },
    ],
    50,
    660,
    3,
    3,
  );
  assert.equal(first.onLeft, true, 'the first label would cross the second line on its right');
  assert.equal(second.onLeft, true, 'no room on the right of the second');
  assert.ok(first.end <= 560, 'the first label stays clear of the second line');
  // The second has no clear side: it takes another row (its box hides the first line behind its text).
  assert.notEqual(first.row, second.row);
  const [a, b] = placeMarkerLabels(
    [
      { x: 200, width: 60 },
      { x: 400, width: 60 },
    ],
    50,
    660,
    3,
    3,
  );
  assert.deepEqual([a.onLeft, a.row, b.onLeft, b.row], [false, 0, false, 0], 'far apart: both on the right, one row');
});
