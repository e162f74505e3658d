import { readFileParts, rowRuns, type RawParts, type RecordedEntity, type SampleFilter } from '../archive/index.js';

/** A sample file by its path, and what tells it from another file once at that path (its name and rows). */
export interface ScannedFile {
  path: string;
  id: string;
  rows: number;
}

/** A file's parts: ids into the kept tables; and the last ask that listed the file. */
interface OfFile {
  entities: Int32Array;
  metrics: Int32Array;
  resources: Int32Array;
  asked: number;
}

/** Filters kept at once: a server is asked for a listing's filter or two. */
const MAX_FILTERS = 4;
/**
 * A file no ask has listed for this many asks (of any filter: a server lists with one or two) goes,
 * compacted away or left behind by every window: a dashboard's panels ask over windows of their
 * own, and keeping only the last ask's files made a panel over the last hour read it again after
 * one over the last five minutes.
 */
const KEPT_ASKS = 32;
/**
 * Files are read in groups of about this many rows. A read holds each file's distinct entities
 * together (a file's list of entities, for every file of the group), about a tenth of its rows: the
 * hour of a 1,000-node cluster at 60 s (162 M rows) read at once would hold 7 M of them.
 */
const GROUP_ROWS = 8_000_000;
/**
 * Pods come and go for as long as a server runs, and the tables keep every entity they were told:
 * they start again once they hold this many times the entities of the last answer (and at least
 * MIN_RESTART), so they stay in proportion to the cluster.
 */
const RESTART_RATIO = 3;
const MIN_RESTART = 200_000;

/** Distinct values numbered as they come, so a file's parts are a few integer arrays. */
class Interned<T> {
  readonly values: T[] = [];
  private readonly ids = new Map<string, number>();

  constructor(private readonly key: (v: T) => string) {}

  id(v: T): number {
    const k = this.key(v);
    let id = this.ids.get(k);
    if (id === undefined) this.ids.set(k, (id = this.values.push(v) - 1));
    return id;
  }

  /** The values whose ids some of `lists` hold, each once. */
  union(lists: readonly Int32Array[]): T[] {
    const seen = new Uint8Array(this.values.length);
    const out: T[] = [];
    for (const ids of lists) {
      for (const id of ids) {
        if (seen[id]) continue;
        seen[id] = 1;
        out.push(this.values[id]!);
      }
    }
    return out;
  }
}

/**
 * The entities, metrics and filesystems of each sample file a label listing reads whole because no
 * series index covers it, kept between asks: the files of the hour being recorded, which its
 * compaction has not indexed yet. Archive files never change once written, so an ask reads only the
 * files written since the last, whatever its window: a dashboard over a recording asks again after
 * every tick, when the archive's version has changed and the answer cache has nothing, and over an
 * hour of 100 nodes read the hour's ticks whole each time (1.1-1.7 s).
 */
export class ScannedParts {
  private entities = new Interned<RecordedEntity>(entityKey);
  private metrics = new Interned<string>((m) => m);
  private resources = new Interned<string>((r) => r);
  /** by filter, the parts of each file the last ask of that filter read */
  private readonly byFilter = new Map<string, Map<string, OfFile>>();
  /** counts the tables' new starts */
  private generation = 0;
  /** the entities of the last answer */
  private lastAnswer = 0;
  /** counts the asks */
  private asks = 0;
  /** by filter, the read `warm` began */
  private readonly warming = new Map<string, Promise<void>>();

  /** `groupRows`: about how many rows one read takes (GROUP_ROWS) */
  constructor(private readonly groupRows = GROUP_ROWS) {}

  /**
   * The parts of these files' rows that `f` picks, the files not kept read now; undefined when most
   * of the rows are in files not kept (a first ask): reading each file's parts apart costs more than
   * one read of the rows (over 59 tick files of 300 nodes, 7.7 s against 3.5), so the caller reads
   * the rows as before and then calls `warm`, which reads the files' parts for the next ask.
   */
  async of(files: readonly ScannedFile[], f: SampleFilter): Promise<RawParts | undefined> {
    const key = JSON.stringify(f);
    // the next ask waits for the parts being read rather than reading the rows again
    await this.warming.get(key);
    const kept = this.byFilter.get(key);
    const fresh = files.filter((x) => !kept?.has(x.id));
    if (2 * rowsOf(fresh) > rowsOf(files)) return undefined;
    return this.read(key, files, f);
  }

  /** Reads, after an answer, the parts of the files that are not kept. */
  warm(files: readonly ScannedFile[], f: SampleFilter): void {
    const key = JSON.stringify(f);
    if (this.warming.has(key)) return;
    // a read that fails is left to the next ask, which reads the rows and meets the failure itself
    const reading = this.read(key, files, f).then(() => undefined, () => undefined).finally(() => this.warming.delete(key));
    this.warming.set(key, reading);
  }

  private async read(key: string, files: readonly ScannedFile[], f: SampleFilter): Promise<RawParts> {
    for (;;) {
      const generation = this.generation;
      const kept = this.byFilter.get(key) ?? new Map<string, OfFile>();
      const fresh = files.filter((x) => !kept.has(x.id));
      if (!fresh.length) return this.answer(key, kept, files);
      if (this.entities.values.length > Math.max(MIN_RESTART, RESTART_RATIO * this.lastAnswer)) {
        this.restart();
        continue;
      }
      const read = new Map<string, OfFile>();
      for (const group of rowRuns(fresh, this.groupRows)) {
        const parts = await readFileParts(group.map((x) => x.path), f);
        // the tables started again while this read ran: the ids kept before are gone
        if (generation !== this.generation) break;
        const e = parts.entities.map((v) => this.entities.id(v)), m = parts.metrics.map((v) => this.metrics.id(v)), r = parts.resources.map((v) => this.resources.id(v));
        group.forEach((x, i) => {
          const p = parts.files[i]!;
          read.set(x.id, { entities: p.entities.map((id) => e[id]!), metrics: p.metrics.map((id) => m[id]!), resources: p.resources.map((id) => r[id]!), asked: 0 });
        });
      }
      if (generation !== this.generation) continue;
      // what was kept before the read, and what other asks kept during it, stand: same tables
      return this.answer(key, new Map([...kept, ...(this.byFilter.get(key) ?? []), ...read]), files);
    }
  }

  /** The union of these files' parts, which `kept` holds; files unlisted for KEPT_ASKS asks of this filter go. */
  private answer(key: string, kept: Map<string, OfFile>, files: readonly ScannedFile[]): RawParts {
    const ask = ++this.asks;
    const mine = files.map((x) => kept.get(x.id)!);
    for (const p of mine) p.asked = ask;
    for (const [id, p] of kept) if (p.asked < ask - KEPT_ASKS) kept.delete(id);
    this.byFilter.delete(key);
    this.byFilter.set(key, kept);
    for (const old of this.byFilter.keys()) if (this.byFilter.size > MAX_FILTERS) this.byFilter.delete(old);
    const entities = this.entities.union(mine.map((p) => p.entities));
    this.lastAnswer = entities.length;
    return {
      entities,
      metrics: this.metrics.union(mine.map((p) => p.metrics)),
      resources: this.resources.union(mine.map((p) => p.resources)),
    };
  }

  private restart(): void {
    this.generation++;
    this.entities = new Interned<RecordedEntity>(entityKey);
    this.metrics = new Interned<string>((m) => m);
    this.resources = new Interned<string>((r) => r);
    this.byFilter.clear();
  }
}

const rowsOf = (files: readonly ScannedFile[]) => files.reduce((n, x) => n + x.rows, 0);

const entityKey = (e: RecordedEntity) => [e.type, e.node, e.namespace, e.pod, e.container, e.pod_uid].map((v) => (v === null ? '\u0001' : v)).join('\u0000');
