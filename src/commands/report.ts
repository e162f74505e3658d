import { Flags } from '@oclif/core';
import { archiveFlag, openArchive, recordingFlags, resolveScope, windowFlags } from '../cli/archive-flags.js';
import { BaseCommand } from '../cli/base-command.js';
import { kubeFlags, toKubeFlags } from '../cli/kube-flags.js';
import { prose } from '../cli/prose.js';
import { recordedText } from '../cli/recorded-windows.js';
import { buildReport } from '../cli/report-data.js';
import { writeNewFile } from '../cli/write-new-file.js';
import { usageError } from '../model/index.js';
import { ArchiveHistory, parseWindow } from '../query/index.js';
import { reportHtml } from '../render/index.js';

export default class Report extends BaseCommand {
  static override summary = 'Write the incident report: one self-contained HTML page of a recorded window, to attach to a ticket.';
  static override description = prose(`The page holds the window and cluster; cluster and per-namespace CPU and memory over time; the
top pods by peak memory and CPU with their request and limit lines; pods that restarted, were
OOM-killed, started or died in the window; each node's utilization; the gaps (which node, when, why);
and under each chart the query that answers the same numbers from the CLI. Everything is inline (CSS,
SVG, a small script for the hover): it opens offline and fetches nothing. Times are UTC; a hover also
shows the reader's own zone. Without a window, the whole recording (or everything recorded) is reported.`);

  static override examples = [
    'kubectl heapster report --recording incident-4711 --output incident.html',
    'kubectl heapster report --since 2h -n web --output web.html',
    'kubectl heapster report --start 2026-12-04T09:00:00Z --end 2026-12-04T10:30:00Z --output - > incident.html',
  ];

  static override flags = {
    ...kubeFlags, ...archiveFlag, ...windowFlags, ...recordingFlags,
    namespace: Flags.string({ char: 'n', description: 'report one namespace instead of the cluster' }),
    output: Flags.string({ required: true, description: 'the HTML file to write; - for standard output' }),
    force: Flags.boolean({ description: 'replace an existing --output file' }),
    top: Flags.integer({ description: 'pods in each top list', default: 10, min: 1, max: 100 }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Report);
    this.setVerbosity(flags.v);
    const now = Date.now();
    const w = parseWindow(flags, now);
    const archive = await openArchive(flags.archive);
    const scope = await resolveScope(archive, flags, toKubeFlags(flags));
    const history = new ArchiveHistory(archive, scope);
    const recorded = await history.recordedWindows();
    if (!recorded.length) throw usageError('nothing recorded to report', await recordedText(history));
    const start = w.start ?? Math.min(...recorded.map((r) => r.start));
    const end = w.end ?? (flags.since !== undefined ? now : Math.max(...recorded.map((r) => r.end)));
    if (!recorded.some((r) => r.start <= end && r.end >= start)) throw usageError('nothing recorded in that window', await recordedText(history));
    const cliScope = `${flags.recording ? ` --recording ${flags.recording}` : ''}${flags.archive ? ` --archive ${flags.archive}` : ''}`;
    const data = await buildReport(archive, scope, {
      start, end, top: flags.top, cliScope, version: this.config.version, ...(flags.namespace !== undefined ? { namespace: flags.namespace } : {}),
    });
    const html = reportHtml(data);
    if (flags.output === '-') return void process.stdout.write(html);
    writeNewFile(flags.output, html, flags.force);
    const charts = Object.values(data.charts).flat().length;
    process.stdout.write(`wrote ${flags.output}: ${charts} charts, ${data.topMemory.length} top pods, ${data.events.length} pod events, ${data.gaps.length} gaps, ${(html.length / 1024).toFixed(0)} KiB\n`);
  }
}
