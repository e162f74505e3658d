import { readRawParts, type RawParts, type RecordedEntity, type SampleFilter } from '../archive/index.js';

/** A sample file by its path, and what tells it from another file once at that path (its name and rows). */
export interface ScannedFile {
  path: string;
  id: string;
}

interface Kept {
  files: ReadonlySet<string>;
  entities: ReadonlyMap<string, RecordedEntity>;
  metrics: ReadonlySet<string>;
  resources: ReadonlySet<string>;
}

/** Filters kept at once: a server is asked for a listing's filter or two. */
const MAX_FILTERS = 4;
/** Past this many entities (a few times a 1,000-node cluster's) a union is not kept: it would hold too much of a server's heap. */
const MAX_ENTITIES = 1_000_000;

/**
 * The entities, metrics and filesystems of the sample files a label listing scans because no series
 * index covers them, kept between asks: the files of the hour being recorded, which its compaction
 * has not indexed yet. Archive files never change once written, so the parts of the files scanned
 * before stand, and an ask reads only the files written since. A dashboard over a recording asks
 * again after every tick, when the archive's version has changed and the answer cache has nothing:
 * over an hour of 100 nodes, the hour's ticks were read whole each time (1.5 s).
 */
export class ScannedParts {
  private readonly kept = new Map<string, Kept>();

  /** The parts of these files' rows that `f` picks. */
  async of(files: readonly ScannedFile[], f: SampleFilter): Promise<RawParts> {
    const key = JSON.stringify(f);
    const ids = new Set(files.map((x) => x.id));
    let k = this.kept.get(key);
    // a file gone from the list (compacted, pruned, repaired away) may have parts no other file has
    if (k && ![...k.files].every((id) => ids.has(id))) k = undefined;
    const fresh = files.filter((x) => !k?.files.has(x.id));
    if (!k || fresh.length) {
      const raw = await readRawParts(fresh.map((x) => x.path), f);
      // a new union, not the kept one changed: an ask still reading it keeps what it was given
      const entities = new Map(k?.entities);
      for (const e of raw.entities) entities.set(entityKey(e), e);
      k = { files: ids, entities, metrics: new Set([...(k?.metrics ?? []), ...raw.metrics]), resources: new Set([...(k?.resources ?? []), ...raw.resources]) };
      this.kept.delete(key);
      if (entities.size <= MAX_ENTITIES) this.kept.set(key, k);
      for (const old of this.kept.keys()) if (this.kept.size > MAX_FILTERS) this.kept.delete(old);
    }
    return { entities: [...k.entities.values()], metrics: [...k.metrics], resources: [...k.resources] };
  }
}

const entityKey = (e: RecordedEntity) => [e.type, e.node, e.namespace, e.pod, e.container, e.pod_uid].map((v) => (v === null ? '\u0001' : v)).join('\u0000');
