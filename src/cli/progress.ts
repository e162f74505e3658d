import type { TickReport } from '../record/index.js';
import { formatBytes, formatDuration, goTime } from '../render/index.js';

/**
 * Live progress: on a terminal one line rewritten in place; otherwise one log line per tick, so a
 * recording piped to a file or run under nohup reads as a log.
 */
export function progressPrinter(stream: NodeJS.WriteStream, startedAt: number, now: () => number, extra: () => string = () => ''): (t: TickReport) => void {
  return (t) => {
    const line = `${formatDuration(now() - startedAt)} elapsed, ${t.ticks} ticks, nodes ${t.nodesOk} answered/${t.nodesFailed} failed, ` +
      `${t.totalRows} samples, ${formatBytes(t.totalBytes)} written${extra()}${t.lastError ? `, last error: ${t.lastError}` : ''}`;
    if (stream.isTTY) stream.write(`\r\x1b[2K${line.slice(0, (stream.columns || 120) - 1)}`);
    else stream.write(`${goTime(t.timestamp)} ${line}\n`);
  };
}
