import { renameSync, statSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { NodeInfo, PodInfo } from '../model/index.js';
import { ident, lit } from './duck.js';
import { fsyncFile, tempName } from './durable.js';
import { kvMetadataOption, type FileMeta } from './file-meta.js';
import { PARQUET_OPTIONS, type FileAbout, type WrittenFile } from './sample-writer.js';

/** How a column is appended (times as ms, JSON as text) and what it becomes in the file. */
type ColumnKind = 'time' | 'text' | 'json' | 'bool';
type Cell = string | number | boolean | undefined;

/** Pod objects as kept beside the samples: enough to explain a pod that died during the incident. */
const POD_COLUMNS: [string, ColumnKind][] = [
  ['ts', 'time'], ['recording', 'text'], ['uid', 'text'], ['namespace', 'text'], ['pod', 'text'], ['node', 'text'],
  ['owner_kind', 'text'], ['owner_name', 'text'], ['phase', 'text'], ['qos_class', 'text'], ['start_time', 'time'],
  ['labels', 'json'], ['containers', 'json'],
];
const NODE_COLUMNS: [string, ColumnKind][] = [
  ['ts', 'time'], ['recording', 'text'], ['node', 'text'], ['hostname', 'text'], ['kubelet_version', 'text'],
  ['ready', 'bool'], ['labels', 'json'], ['capacity', 'json'], ['allocatable', 'json'],
];

export async function writePods(con: DuckDBConnection, dest: string, about: FileAbout, ts: number, pods: readonly PodInfo[]): Promise<WrittenFile> {
  const rows = pods.map((p): Cell[] => [ts, about.recording, p.uid, p.namespace, p.name, p.nodeName, p.ownerKind ?? '', p.ownerName ?? '',
    p.phase, p.qosClass, p.startTime, JSON.stringify(p.labels), JSON.stringify(p.containers)]);
  return writeRows(con, dest, POD_COLUMNS, rows, { ...about, kind: 'pods', tsMin: ts, tsMax: ts }, 'namespace, pod, ts');
}

export async function writeNodes(con: DuckDBConnection, dest: string, about: FileAbout, ts: number, nodes: readonly NodeInfo[]): Promise<WrittenFile> {
  const rows = nodes.map((n): Cell[] => [ts, about.recording, n.name, n.hostname, n.kubeletVersion, n.ready,
    JSON.stringify(n.labels), JSON.stringify(n.capacity), JSON.stringify(n.allocatable)]);
  return writeRows(con, dest, NODE_COLUMNS, rows, { ...about, kind: 'nodes', tsMin: ts, tsMax: ts }, 'node, ts');
}

const STAGED: Record<ColumnKind, string> = { time: 'DOUBLE', text: 'VARCHAR', json: 'VARCHAR', bool: 'BOOLEAN' };

/**
 * Writes through the caller's scratch database: rows appended to a staging table, created and
 * dropped each time, then typed as the file keeps them. Appended, not inserted as SQL text: 30,000
 * pods as INSERT statements took 4.5 s of a 1,000-node recorder's first tick.
 */
async function writeRows(con: DuckDBConnection, dest: string, columns: [string, ColumnKind][], rows: Cell[][], meta: FileMeta, order: string): Promise<WrittenFile> {
  const tmp = tempName(dest);
  await con.run(`CREATE OR REPLACE TABLE dimension_rows (${columns.map(([name, kind]) => `${ident(name)} ${STAGED[kind]}`).join(', ')})`);
  try {
    const a = await con.createAppender('dimension_rows');
    try {
      for (const row of rows) {
        row.forEach((v, i) => {
          if (v === undefined) a.appendNull();
          else if (columns[i]![1] === 'time') a.appendDouble(Number(v));
          else if (columns[i]![1] === 'bool') a.appendBoolean(Boolean(v));
          else a.appendVarchar(String(v));
        });
        a.endRow();
      }
    } finally {
      a.closeSync();
    }
    const typed = columns.map(([name, kind]) => {
      const c = ident(name);
      return kind === 'time' ? `make_timestamp(CAST(${c} AS BIGINT) * 1000)::TIMESTAMPTZ AS ${c}` : kind === 'json' ? `CAST(${c} AS JSON) AS ${c}` : c;
    });
    await con.run(`COPY (SELECT ${typed.join(', ')} FROM dimension_rows ORDER BY ${order}) TO ${lit(tmp)} (${PARQUET_OPTIONS}, ${kvMetadataOption(meta)})`);
  } finally {
    await con.run('DROP TABLE dimension_rows');
  }
  fsyncFile(tmp);
  renameSync(tmp, dest);
  return { rows: rows.length, bytes: statSync(dest).size, tsMin: meta.tsMin, tsMax: meta.tsMax };
}
