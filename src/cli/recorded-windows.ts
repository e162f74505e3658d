import type { ArchiveHistory, Window } from '../query/index.js';
import { goTime } from '../render/index.js';

/** A window as an empty answer names it. */
export function windowText(w: Window): string {
  if (w.start === undefined && w.end === undefined) return 'the archive';
  return `the window ${w.start !== undefined ? goTime(w.start) : 'from the beginning'} to ${w.end !== undefined ? goTime(w.end) : 'now'}`;
}

/** What the archive does hold, for an answer that found nothing: the newest recordings in scope and their windows. */
export async function recordedText(h: ArchiveHistory): Promise<string> {
  const windows = await h.recordedWindows();
  return windows.length ? `recorded: ${windows.slice(-5).map((r) => `${r.name} ${goTime(r.start)} to ${goTime(r.end)}`).join(', ')}` : 'the archive holds no samples yet';
}
