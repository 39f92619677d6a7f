// Editor marks for an open file when a new reading arrives: re-index the source (a snapshot of
// 10,000 sites, a tenth of them in the open file) and compute the open file's line marks with
// their hint texts. The pure part of the decorations (src/extension/editor/line-marks.ts);
// VS Code's own painting is not included.
import { fileKey, hintText, SiteIndex } from '../../src/extension/editor/line-marks';
import { spread, type Spread } from './stats';
import { syntheticSnapshot } from './synthetic-snapshot';

export function runMarksBench(sites: number, repeats: number): { sites: number; sitesInFile: number; updateMs: Spread; marks: number } {
  const previous = syntheticSnapshot({ sites, files: 10, takenAt: '2026-11-26T12:00:00.000Z' });
  const latest = syntheticSnapshot({ sites, files: 10, growth: 1.2, takenAt: '2026-11-26T12:00:05.000Z' });
  const openFile = fileKey(latest.sites[0].frame.file);
  const sitesInFile = latest.sites.filter((s) => fileKey(s.frame.file) === openFile).length;
  const index = new SiteIndex();
  index.setSource({ id: 'target:target-1', label: 'pid 4242', snapshot: previous });
  const times: number[] = [];
  let marks = 0;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    index.setSource({ id: 'target:target-1', label: 'pid 4242', snapshot: r % 2 ? previous : latest, previous: r % 2 ? latest : previous });
    const lineMarks = index.marksForFile(openFile);
    for (const mark of lineMarks) hintText(mark);
    times.push(performance.now() - t0);
    marks = lineMarks.length;
  }
  return { sites, sitesInFile, updateMs: spread(times), marks };
}
