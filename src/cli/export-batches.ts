import { closeSync, createReadStream, createWriteStream, mkdtempSync, openSync, renameSync, rmSync, writeSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { checkOutputFile, fsyncFile, readRecordedBatches, type Archive, type SampleFilter } from '../archive/index.js';
import { PluginError, PROM_CLUSTER_NAME, type Batch } from '../model/index.js';
import type { ArchiveScope, Window } from '../query/index.js';
import {
  elasticsearchBulk, influxBodies, kafkaMessages, OPENMETRICS_EOF, openMetricsHeader, openMetricsLines, pointsOf, promSeries,
} from '../sinks/index.js';

/** Formats written from whole batches, in the schema of a Heapster sink or of Prometheus. */
export const BATCH_FORMATS = ['influx', 'openmetrics', 'kafka-json', 'elasticsearch-bulk'] as const;
export type BatchFormat = (typeof BATCH_FORMATS)[number];

/** Heapster's defaults for what its sinks were told on the command line: the database, the cluster name, the index. */
const DATABASE = 'k8s';
const CLUSTER_NAME = PROM_CLUSTER_NAME;
const INDEX = 'heapster';

export interface BatchExport {
  format: BatchFormat;
  /** a file, or `-` for standard output */
  dest: string;
  force: boolean;
  stdout?: NodeJS.WritableStream;
}

/**
 * Writes recorded batches as a sink would have sent them, so they can be loaded with the target's
 * own tools: `influx -import`, `promtool tsdb create-blocks-from openmetrics`, a Kafka producer,
 * Elasticsearch's `_bulk`. Returns the samples written; the file appears only once complete.
 */
export async function exportBatches(archive: Archive, scope: ArchiveScope, f: SampleFilter, w: Window, o: BatchExport): Promise<number> {
  if (o.dest !== '-') checkOutputFile(o.dest, o.force);
  const snaps = await archive.snapshots({ kind: 'samples', ...scope, ...w, ...(f.metric ? { metric: f.metric } : {}) });
  if (!snaps.length) return 0;
  const range = { start: Math.max(w.start ?? -Infinity, Math.min(...snaps.map((s) => s.tsMin))), end: Math.min(w.end ?? Infinity, Math.max(...snaps.map((s) => s.tsMax))) };
  const files = {
    samples: snaps.map((s) => path.join(archive.dir, s.file)),
    pods: await archive.files({ kind: 'pods', ...scope, end: range.end }),
    nodes: await archive.files({ kind: 'nodes', ...scope, end: range.end }),
  };
  const tmp = o.dest === '-' ? undefined : path.join(path.dirname(path.resolve(o.dest)), `.tmp-${path.basename(o.dest)}-${process.pid}`);
  const out = tmp ? createWriteStream(tmp, { mode: 0o600, flags: 'wx' }) : o.stdout ?? process.stdout;
  const spool = o.format === 'openmetrics' ? new FamilySpool() : undefined;
  let samples = 0;
  try {
    if (o.format === 'influx') await write(out, `# DDL\nCREATE DATABASE ${DATABASE}\n# DML\n# CONTEXT-DATABASE: ${DATABASE}\n`);
    await readRecordedBatches(files, f, range, async (b) => {
      if (o.format === 'influx') {
        // the sink's own bytes, 10,000 lines at a time: a 1,000-node tick is ~700 MB of lines
        for (const { body, lines } of influxBodies(b, { withFields: false, clusterName: CLUSTER_NAME, disableCounterMetrics: false }, 10_000)) {
          samples += lines;
          await write(out, body);
        }
        return;
      }
      const { text, n } = spool ? spool.add(b) : encode(o.format as Exclude<BatchFormat, 'openmetrics' | 'influx'>, b);
      samples += n;
      if (text) await write(out, text);
    });
    if (spool) {
      await spool.writeTo(out);
      await write(out, OPENMETRICS_EOF);
    }
    if (tmp) {
      (out as WriteStream).end();
      await once(out, 'close');
      fsyncFile(tmp);
      if (samples) renameSync(tmp, o.dest);
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.syscall) throw new PluginError('archive', `writing ${o.dest} failed: ${err.code ?? err.message}`, 'check the path and the free disk space');
    throw e;
  } finally {
    if (tmp) {
      if (!(out as WriteStream).closed) (out as WriteStream).destroy();
      rmSync(tmp, { force: true });
    }
    spool?.remove();
  }
  return samples;
}

function encode(format: Exclude<BatchFormat, 'openmetrics' | 'influx'>, b: Batch): { text: string; n: number } {
  const lines = format === 'kafka-json' ? kafkaMessages(b) : elasticsearchBulk(b, { index: INDEX, clusterName: CLUSTER_NAME });
  // a line a sample, but in Elasticsearch, where a document holds a family's samples: count those written
  let n = lines.length;
  if (format === 'elasticsearch-bulk') {
    n = 0;
    for (const p of pointsOf(b)) if (Number.isFinite(p.value)) n++;
  }
  return { text: lines.length ? `${lines.join('\n')}\n` : '', n };
}

async function write(out: NodeJS.WritableStream, text: string | Uint8Array): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

/**
 * OpenMetrics wants each metric family's samples together, and batches hold every family: each
 * family's lines go to its own file in a private temporary folder, joined at the end, so a day of
 * samples never sits in memory.
 */
class FamilySpool {
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'kubectl-heapster-openmetrics-'));
  private readonly families = new Map<string, { header: string; file: string; fd: number }>();

  add(b: Batch): { text: string; n: number } {
    const { series, metadata } = promSeries(b, CLUSTER_NAME);
    const byFamily = new Map<string, string[]>();
    for (const s of series) {
      const name = s.labels.find(([k]) => k === '__name__')![1];
      let lines = byFamily.get(name);
      if (!lines) byFamily.set(name, (lines = []));
      lines.push(openMetricsLines(s));
    }
    for (const [name, lines] of byFamily) {
      let fam = this.families.get(name);
      if (!fam) {
        const file = path.join(this.dir, `${this.families.size}.om`);
        this.families.set(name, (fam = { header: openMetricsHeader(metadata.get(name)!), file, fd: openSync(file, 'wx', 0o600) }));
      }
      writeAll(fam.fd, lines.join(''));
    }
    return { text: '', n: series.length };
  }

  async writeTo(out: NodeJS.WritableStream): Promise<void> {
    for (const [, fam] of [...this.families].sort(([a], [b]) => (a < b ? -1 : 1))) {
      closeSync(fam.fd);
      fam.fd = -1;
      await write(out, fam.header);
      // copied a chunk at a time through write(): a pipeline per family left its listeners on the
      // output, and past ten families Node warned of a leak on every export
      for await (const chunk of createReadStream(fam.file, { encoding: 'utf8' })) await write(out, chunk as string);
    }
  }

  remove(): void {
    for (const fam of this.families.values()) if (fam.fd >= 0) closeSync(fam.fd);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function writeAll(fd: number, text: string): void {
  const b = Buffer.from(text, 'utf8');
  for (let off = 0; off < b.length;) off += writeSync(fd, b, off);
}
