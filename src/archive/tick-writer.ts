import type { Batch, NodeInfo, PodInfo } from '../model/index.js';
import { Archive, utcDate } from './archive.js';
import { dropSnapshotKey, insertGaps, insertRecording, insertSnapshots, Statements, updateRecording, type Gap, type Recording, type Snapshot } from './catalog.js';
import { writeNodes, writePods } from './dimension-writer.js';
import { openScratchDb, type OpenDb } from './duck.js';
import { appendGaps, updateManifest, writeManifest, type SinkRecord } from './manifest.js';
import { SampleWriter } from './sample-writer.js';

export interface TickResult {
  rows: number;
  bytes: number;
  files: number;
}

/**
 * Appends one recording's batches to the archive: one sample snapshot per tick, written and
 * cataloged before the next tick starts, so `kill -9` loses at most the batch in hand.
 */
export class TickWriter {
  /** what was last written per pod uid, so only new or changed pods are written again */
  private readonly podsWritten = new Map<string, { pod: PodInfo; sig: string }>();
  private nodeSignature = '';
  private ticks = 0;
  private nodes = 0;
  private lastTs: number | undefined;
  private sinks: (() => SinkRecord[]) | undefined;
  private sinksSaved = { text: '', at: 0 };

  private constructor(
    private readonly archive: Archive,
    private readonly recording: Recording,
    private readonly samples: SampleWriter,
    private readonly scratch: OpenDb,
  ) {}

  static async start(archive: Archive, recording: Recording): Promise<TickWriter> {
    // the manifest first: a catalog rebuilt from the files knows the recording from it
    writeManifest(archive.dir, recording);
    await archive.catalog(false, async (con) => {
      await dropSnapshotKey(con);
      await insertRecording(con, recording);
    });
    const scratch = await openScratchDb();
    return new TickWriter(archive, recording, await SampleWriter.create(scratch.con), scratch);
  }

  /**
   * The sinks' accounts, kept in the recording's manifest (the file a catalog is rebuilt from) when
   * they change, at most every 10 s while recording so a 1 s resolution does not sync a file a tick,
   * and at the end: `archive info` shows them, and a killed recorder leaves what it last knew.
   */
  reportSinks(accounts: () => SinkRecord[]): void {
    this.sinks = accounts;
  }

  private saveSinks(final: boolean, status: Recording['status'], lastError?: string): void {
    if (!this.sinks && !final) return;
    const sinks = this.sinks?.();
    const text = JSON.stringify(sinks ?? null);
    const now = Date.now();
    if (!final && (text === this.sinksSaved.text || now - this.sinksSaved.at < 10_000)) return;
    this.sinksSaved = { text, at: now };
    updateManifest(this.archive.dir, {
      ...this.recording, status, ticks: this.ticks, nodes: this.nodes, ...(this.lastTs !== undefined ? { endedAt: this.lastTs } : {}),
      ...(lastError ? { lastError } : {}), ...(sinks ? { sinks } : {}),
    });
  }

  get name(): string {
    return this.recording.name;
  }

  /** how many pods the writer remembers, to write only the new or changed ones */
  get podsKnown(): number {
    return this.podsWritten.size;
  }

  async write(batch: Batch, pods: readonly PodInfo[], nodes: readonly NodeInfo[], gaps: readonly Omit<Gap, 'recording'>[]): Promise<TickResult> {
    const { cluster, name } = this.recording;
    const date = utcDate(batch.timestamp);
    const about = { recording: name, cluster, date, level: 0, resolutionMs: this.recording.resolutionMs };
    const snaps: Snapshot[] = [];
    this.samples.add(batch);
    if (this.samples.pendingRows > 0) {
      const p = this.archive.snapshotPath('samples', cluster, date, name, 0, batch.timestamp);
      const w = await this.samples.write(p.abs, about);
      snaps.push({ file: p.rel, recording: name, kind: 'samples', cluster, date, level: 0, ...w });
    }
    // pod and node objects are written when they change (new pods, restarts, phases, nodes, labels,
    // images): a read labels a pod's series with its newest version, as Heapster labelled them
    const changed = pods.filter((p) => {
      const last = this.podsWritten.get(p.uid);
      // a watch keeps a pod's object until the pod changes: the same object is the same pod
      if (last?.pod === p) return false;
      const sig = podSignature(p);
      if (last?.sig === sig) {
        last.pod = p;
        return false;
      }
      this.podsWritten.set(p.uid, { pod: p, sig });
      return true;
    });
    // pods that ended are forgotten once they outnumber the living: churn must not grow this for days
    if (this.podsWritten.size > 2 * pods.length + 100) {
      const alive = new Set(pods.map((p) => p.uid));
      for (const uid of this.podsWritten.keys()) if (!alive.has(uid)) this.podsWritten.delete(uid);
    }
    if (changed.length) {
      const p = this.archive.snapshotPath('pods', cluster, date, name, 0, batch.timestamp);
      snaps.push({ file: p.rel, recording: name, kind: 'pods', cluster, date, level: 0, ...(await writePods(this.scratch.con, p.abs, about, batch.timestamp, changed)) });
    }
    const nodeSig = nodes.map((n) => `${n.name}:${n.ready}:${JSON.stringify(n.allocatable)}`).join(',');
    if (nodeSig !== this.nodeSignature && nodes.length) {
      const p = this.archive.snapshotPath('nodes', cluster, date, name, 0, batch.timestamp);
      snaps.push({ file: p.rel, recording: name, kind: 'nodes', cluster, date, level: 0, ...(await writeNodes(this.scratch.con, p.abs, about, batch.timestamp, nodes)) });
      this.nodeSignature = nodeSig;
    }
    this.ticks++;
    this.nodes = nodes.length;
    this.lastTs = batch.timestamp;
    // the gap log before the catalog, as the files: a kill in between leaves the catalog short, never the log
    appendGaps(this.archive.dir, name, gaps);
    await this.archive.catalog(false, async (con) => {
      const tx = new Statements();
      await tx.run('BEGIN TRANSACTION');
      await insertSnapshots(tx, snaps);
      await insertGaps(tx, gaps.map((g) => ({ ...g, recording: name })));
      await updateRecording(tx, name, { ticks: this.ticks, nodes: nodes.length, endedAt: batch.timestamp });
      await tx.run('COMMIT');
      await con.run(tx.text);
    });
    this.saveSinks(false, 'recording');
    return { rows: snaps.filter((s) => s.kind === 'samples').reduce((s, x) => s + x.rows, 0), bytes: snaps.reduce((s, x) => s + x.bytes, 0), files: snaps.length };
  }

  /** Records boundaries without samples: the API server was away, or the recorder fell behind. */
  async gaps(gaps: readonly Omit<Gap, 'recording'>[]): Promise<void> {
    appendGaps(this.archive.dir, this.recording.name, gaps);
    await this.archive.catalog(false, (con) => insertGaps(con, gaps.map((g) => ({ ...g, recording: this.recording.name }))));
  }

  /** Ends the recording: its manifest first (the truth a rebuild reads), then the catalog. */
  async finish(status: 'done' | 'interrupted' | 'failed', lastError?: string): Promise<void> {
    this.samples.close();
    this.scratch.close();
    this.saveSinks(true, status, lastError);
    await this.archive.catalog(false, (con) => updateRecording(con, this.recording.name, { status, ...(lastError ? { lastError } : {}) }));
  }
}

/** What of a pod, changed, makes it written again. */
function podSignature(p: PodInfo): string {
  const containers = p.containers.map((c) => `${c.name}=${c.image}:${c.restartCount ?? 0}`).join(',');
  const labels = Object.entries(p.labels).map(([k, v]) => `${k}=${v}`).join(',');
  return `${p.phase}\0${p.nodeName}\0${containers}\0${labels}`;
}
