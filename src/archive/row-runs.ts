/**
 * Cuts files, in their order, into runs of consecutive ones of at most `most` rows each, or one
 * file when it alone holds more: what one read or one merge takes at a time.
 */
export function rowRuns<T extends { rows: number }>(files: readonly T[], most: number): T[][] {
  const runs: T[][] = [];
  let run: T[] = [], rows = 0;
  for (const f of files) {
    if (run.length && rows + f.rows > most) {
      runs.push(run);
      run = [];
      rows = 0;
    }
    run.push(f);
    rows += f.rows;
  }
  if (run.length) runs.push(run);
  return runs;
}
