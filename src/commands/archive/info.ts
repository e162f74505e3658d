import { Args, Flags } from '@oclif/core';
import { readManifest, selectGaps, selectRecordings, selectSnapshots } from '../../archive/index.js';
import { archiveFlag, openArchive } from '../../cli/archive-flags.js';
import { BaseCommand } from '../../cli/base-command.js';
import { usageError } from '../../model/index.js';
import { closest } from '../../query/index.js';
import { documentText, formatBytes, formatDuration, goTime } from '../../render/index.js';
import { recordingDocument, statusOf } from './ls.js';

export default class ArchiveInfo extends BaseCommand {
  static override summary = 'Show one recording: cluster, context, window, files by kind and level, gaps.';
  static override examples = ['kubectl heapster archive info incident-4711', 'kubectl heapster archive info incident-4711 -o yaml'];
  static override args = { name: Args.string({ required: true, description: 'the recording' }) };
  static override flags = {
    ...archiveFlag,
    output: Flags.string({ char: 'o', options: ['text', 'json', 'yaml'], default: 'text', description: 'output format' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ArchiveInfo);
    const archive = await openArchive(flags.archive);
    const [all, snaps, gaps] = await archive.catalog(true, async (con) => [
      await selectRecordings(con), await selectSnapshots(con, { recording: args.name }), await selectGaps(con, args.name),
    ] as const);
    const r = all.find((x) => x.name === args.name);
    if (!r) throw usageError(`no recording "${args.name}"`, `did you mean ${closest(args.name, all.map((x) => x.name)).join(', ') || 'nothing: the archive is empty'}?`);
    const byKind = new Map<string, { files: number; bytes: number; rows: number }>();
    for (const s of snaps) {
      const k = `${s.kind} L${s.level}`;
      const e = byKind.get(k) ?? { files: 0, bytes: 0, rows: 0 };
      byKind.set(k, { files: e.files + 1, bytes: e.bytes + s.bytes, rows: e.rows + s.rows });
    }
    // the sinks' accounts live in the recording's manifest, where the recorder saved them last
    const sinks = readManifest(archive.dir, r.name)?.sinks ?? [];
    if (flags.output === 'json' || flags.output === 'yaml') {
      const doc = {
        kind: 'Recording', ...recordingDocument(r, Date.now()),
        snapshots: [...byKind].map(([k, v]) => ({ kind: k.split(' ')[0], level: Number(k.split(' L')[1]), ...v })),
        gapList: gaps.map((g) => ({ timestamp: goTime(g.ts), node: g.node, reason: g.reason, message: g.message })),
        sinks: sinks.map((s) => ({
          sink: s.sink, sent: s.sent, pending: s.pending, failed: s.failed,
          ...(s.oldestPending !== undefined ? { oldestPending: goTime(s.oldestPending) } : {}), ...(s.lastError ? { lastError: s.lastError } : {}),
        })),
      };
      return void process.stdout.write(documentText(doc, flags.output));
    }
    const lines = [
      `name:        ${r.name}`,
      `cluster:     ${r.cluster} (${r.server}, context ${r.context})`,
      `status:      ${statusOf(r)}${r.lastError ? ` (${r.lastError})` : ''}`,
      `started:     ${goTime(r.startedAt)}`,
      `window:      ${r.tsMin !== undefined ? `${goTime(r.tsMin)} .. ${goTime(r.tsMax!)}` : 'no batch written'}`,
      `resolution:  ${formatDuration(r.resolutionMs)}, ${r.ticks} ticks, ${r.nodes} nodes`,
      `samples:     ${r.rows} in ${r.files} files, ${formatBytes(r.bytes)}${r.rows ? ` (${(r.bytes / r.rows).toFixed(2)} bytes per sample)` : ''}`,
      ...[...byKind].map(([k, v]) => `  ${k.padEnd(11)} ${v.files} files, ${v.rows} rows, ${formatBytes(v.bytes)}`),
      `gaps:        ${gaps.length}`,
      ...gaps.slice(0, 20).map((g) => `  ${goTime(g.ts)} ${g.node} ${g.reason}: ${g.message}`),
      ...(gaps.length > 20 ? [`  ... ${gaps.length - 20} more`] : []),
      ...(sinks.length ? ['sinks:', ...sinks.map((s) => `  ${s.sink}: ${s.sent} batches sent, ${s.pending} pending${s.oldestPending !== undefined ? ` (from ${goTime(s.oldestPending)})` : ''}, ${s.failed} failed${s.lastError && (s.pending || s.failed) ? ` (last: ${s.lastError})` : ''}`)] : []),
    ];
    process.stdout.write(lines.join('\n') + '\n');
  }
}
