import { closeSync, createReadStream, createWriteStream, mkdtempSync, openSync, renameSync, rmSync, writeSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { checkOutputFile, fsyncFile, readRecordedBatches, type Archive, type SampleFilter } from '../archive/index.js';
import { PluginError, PROM_CLUSTER_NAME, type Batch } from '../model/index.js';
import type { ArchiveScope, Window } from '../query/index.js';
import {
  elasticsearchBodies, influxBodies, kafkaBodies, OPENMETRICS_EOF, openMetricsChunks, openMetricsHeader,
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
      if (spool) {
        samples += spool.add(b);
        return;
      }
      // the target's own bytes, 10,000 lines or documents at a time: a 1,000-node tick is ~1 GB of them
      for (const { body, n } of bodies(o.format as Exclude<BatchFormat, 'openmetrics'>, b)) {
        samples += n;
        await write(out, body);
      }
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
    // a reader of standard output that went away is not a failure to write (see BaseCommand)
    if (err.syscall && err.code !== 'EPIPE') throw new PluginError('archive', `writing ${o.dest} failed: ${err.code ?? err.message}`, 'check the path and the free disk space');
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

const PER_BODY = 10_000;

function* bodies(format: Exclude<BatchFormat, 'openmetrics'>, b: Batch): IterableIterator<{ body: Uint8Array; n: number }> {
  if (format === 'influx') {
    for (const { body, lines } of influxBodies(b, { withFields: false, clusterName: CLUSTER_NAME, disableCounterMetrics: false }, PER_BODY)) yield { body, n: lines };
  } else if (format === 'kafka-json') {
    for (const { body, messages } of kafkaBodies(b, PER_BODY)) yield { body, n: messages };
  } else {
    // a line a sample elsewhere, but an Elasticsearch document holds a family's samples: count those written
    for (const { body, samples } of elasticsearchBodies(b, { index: INDEX, clusterName: CLUSTER_NAME }, PER_BODY)) yield { body, n: samples };
  }
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

  /** Spools a batch's samples, each to its family's file; returns how many. */
  add(b: Batch): number {
    let n = 0;
    for (const { family, body, samples } of openMetricsChunks(b, CLUSTER_NAME, 1 << 18)) {
      let fam = this.families.get(family.name);
      if (!fam) {
        const file = path.join(this.dir, `${this.families.size}.om`);
        this.families.set(family.name, (fam = { header: openMetricsHeader(family), file, fd: openSync(file, 'wx', 0o600) }));
      }
      for (let off = 0; off < body.length;) off += writeSync(fam.fd, body, off);
      n += samples;
    }
    return n;
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
