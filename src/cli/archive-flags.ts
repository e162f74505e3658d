import { Flags } from '@oclif/core';
import { Archive, archiveDir, NO_ARCHIVE_HINT } from '../archive/index.js';
// the modules, not cluster/index.js: the index brings the whole client (HTTPS, TLS, zlib) into
// every archived command's start-up
import { clusterIdentity } from '../cluster/cluster-identity.js';
import { loadKubeConfig } from '../cluster/load-kubeconfig.js';
import type { KubeFlags } from '../cluster/kube-flags.js';
import { usageError } from '../model/index.js';
import { closest, type ArchiveScope } from '../query/index.js';

export const archiveFlag = {
  archive: Flags.string({ description: 'the archive folder (default: $KUBECTL_HEAPSTER_ARCHIVE, else ~/.local/share/kubectl-heapster)' }),
};

export const windowFlags = {
  start: Flags.string({ description: 'window start: RFC 3339 (2017-10-16T09:14:00Z), now, -2h, or a local time' }),
  end: Flags.string({ description: 'window end (default: the newest data); inclusive' }),
  since: Flags.string({ description: 'window start as a duration before now (15m, 2h)' }),
};

export const recordingFlags = {
  recording: Flags.string({ description: 'read only this recording (`archive ls` lists them)' }),
  'cluster-id': Flags.string({ description: 'read only this cluster (as `archive ls` shows it)' }),
};

/** The flags of these that only reading the archive uses, as typed (`--since`): what a live read would ignore. */
export function archiveReadFlags(flags: { [name: string]: unknown }): string[] {
  return ['start', 'end', 'since', 'at', 'recording', 'cluster-id', 'archive'].filter((f) => flags[f] !== undefined).map((f) => `--${f}`);
}

/**
 * Opens the archive that must already exist. `live`: the command can also scrape the cluster, and
 * without an archive that is what a newcomer (who came for `kubectl top`'s numbers) wanted.
 */
export async function openArchive(flag: string | undefined, live = false): Promise<Archive> {
  const dir = archiveDir(flag);
  if (live && !Archive.exists(dir)) {
    throw usageError(`no archive at ${dir}`, `add --live to scrape the cluster now, or ${NO_ARCHIVE_HINT}`);
  }
  return Archive.open(dir, false, { notice: archiveNotice });
}

/** What opening an archive had to repair, said on stderr in one line. */
export const archiveNotice = (line: string): void => void process.stderr.write(`note: ${line}\n`);

/** A recording name that is not in the archive is a usage error naming the closest ones. */
export function requireRecording(archive: Archive, name: string, known: readonly string[]): void {
  if (known.includes(name)) return;
  const near = closest(name, known);
  throw usageError(`no recording "${name}" in ${archive.dir}`, near.length ? `did you mean ${near.join(', ')}?` : 'record one with `kubectl heapster record`');
}

/**
 * Which recorded data a read means: a recording, a cluster, or the only cluster there is; with
 * several clusters, the one the kubeconfig's context points at.
 */
export async function resolveScope(archive: Archive, f: { recording?: string; 'cluster-id'?: string }, kube: KubeFlags): Promise<ArchiveScope> {
  // names and clusters only (selectRecordings' sums over every file were ~20 ms of each archived
  // command), as opening the archive read them
  const recs = await archive.recordingRows();
  if (f.recording) {
    requireRecording(archive, f.recording, recs.map((r) => r.name));
    return { recording: f.recording };
  }
  const clusters = [...new Set(recs.map((r) => r.cluster))];
  if (f['cluster-id']) {
    if (!clusters.includes(f['cluster-id'])) throw usageError(`no cluster "${f['cluster-id']}" in the archive`, `it holds ${clusters.join(', ') || 'nothing yet'}`);
    return { cluster: f['cluster-id'] };
  }
  if (!recs.length) throw usageError(`the archive at ${archive.dir} holds no recording yet`, 'record one with `kubectl heapster record`');
  if (clusters.length === 1 && !kube.context && !kube.cluster) return { cluster: clusters[0]! };
  try {
    const id = clusterIdentity(await loadKubeConfig(kube));
    if (clusters.includes(id)) return { cluster: id };
  } catch {
    // no usable kubeconfig: fall through to the question
  }
  if (clusters.length === 1) return { cluster: clusters[0]! };
  throw usageError(`the archive holds several clusters (${clusters.join(', ')})`, 'pass --cluster-id or --recording');
}
