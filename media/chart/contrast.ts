// Series colours that stay readable on the theme's background: the theme's chart colours, moved
// toward the theme's foreground when one is too close to the background (a dark orange on a dark
// editor reads as brown). Pure, for unit tests.

type Rgb = [number, number, number];

/** Lines and their labels need at least this contrast ratio against the background (WCAG non-text). */
export const MIN_LINE_CONTRAST = 3;

/** #rgb, #rrggbb(aa) or rgb()/rgba() as 0-255 channels; undefined for anything else. */
export function parseColor(text: string): Rgb | undefined {
  const t = text.trim().toLowerCase();
  let m = /^#([0-9a-f]{3})$/.exec(t);
  if (m) return [...m[1]].map((c) => parseInt(c + c, 16)) as Rgb;
  m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/.exec(t);
  if (m) return [0, 2, 4].map((i) => parseInt(m![1].slice(i, i + 2), 16)) as Rgb;
  m = /^rgba?\(\s*(\d+(?:\.\d+)?)[\s,]+(\d+(?:\.\d+)?)[\s,]+(\d+(?:\.\d+)?)/.exec(t);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])].map((v) => Math.min(255, v)) as Rgb;
  return undefined;
}

function luminance([r, g, b]: Rgb): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function contrastRatio(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * `color` when it contrasts enough with `background`; else the least mix of it with `foreground`
 * that does (the hue stays recognisable). Colours that cannot be read are returned as given.
 */
export function readableColor(color: string, background: string, foreground: string, min = MIN_LINE_CONTRAST): string {
  const [c, bg, fg] = [parseColor(color), parseColor(background), parseColor(foreground)];
  if (!c || !bg || !fg || contrastRatio(c, bg) >= min) return color;
  for (let share = 0.1; share <= 1.0001; share += 0.1) {
    const mixed = c.map((v, i) => Math.round(v + (fg[i] - v) * share)) as Rgb;
    if (contrastRatio(mixed, bg) >= min) return `rgb(${mixed.join(', ')})`;
  }
  return `rgb(${fg.join(', ')})`;
}
