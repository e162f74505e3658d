import { renameSync, statSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { NodeInfo, PodInfo } from '../model/index.js';
import { lit } from './duck.js';
import { fsyncFile, tempName } from './durable.js';
import { kvMetadataOption, type FileMeta } from './file-meta.js';
import { PARQUET_OPTIONS, type FileAbout, type WrittenFile } from './sample-writer.js';

/** Pod objects as kept beside the samples: enough to explain a pod that died during the incident. */
const POD_COLUMNS = `ts TIMESTAMPTZ, recording VARCHAR, uid VARCHAR, namespace VARCHAR, pod VARCHAR, node VARCHAR,
  owner_kind VARCHAR, owner_name VARCHAR, phase VARCHAR, qos_class VARCHAR, start_time TIMESTAMPTZ,
  labels JSON, containers JSON`;
const NODE_COLUMNS = `ts TIMESTAMPTZ, recording VARCHAR, node VARCHAR, hostname VARCHAR, kubelet_version VARCHAR,
  ready BOOLEAN, labels JSON, capacity JSON, allocatable JSON`;

const time = (ms: number | undefined) => (ms === undefined ? 'NULL' : `make_timestamp(${Math.round(ms)}::BIGINT * 1000)::TIMESTAMPTZ`);
const json = (v: unknown) => `${lit(JSON.stringify(v))}::JSON`;

export async function writePods(con: DuckDBConnection, dest: string, about: FileAbout, ts: number, pods: readonly PodInfo[]): Promise<WrittenFile> {
  const recording = about.recording;
  const rows = pods.map((p) => `(${time(ts)}, ${lit(recording)}, ${lit(p.uid)}, ${lit(p.namespace)}, ${lit(p.name)}, ${lit(p.nodeName)},
    ${lit(p.ownerKind ?? '')}, ${lit(p.ownerName ?? '')}, ${lit(p.phase)}, ${lit(p.qosClass)}, ${time(p.startTime)},
    ${json(p.labels)}, ${json(p.containers)})`);
  return writeRows(con, dest, POD_COLUMNS, rows, { ...about, kind: 'pods', tsMin: ts, tsMax: ts }, 'namespace, pod, ts');
}

export async function writeNodes(con: DuckDBConnection, dest: string, about: FileAbout, ts: number, nodes: readonly NodeInfo[]): Promise<WrittenFile> {
  const recording = about.recording;
  const rows = nodes.map((n) => `(${time(ts)}, ${lit(recording)}, ${lit(n.name)}, ${lit(n.hostname)}, ${lit(n.kubeletVersion)}, ${n.ready},
    ${json(n.labels)}, ${json(n.capacity)}, ${json(n.allocatable)})`);
  return writeRows(con, dest, NODE_COLUMNS, rows, { ...about, kind: 'nodes', tsMin: ts, tsMax: ts }, 'node, ts');
}

/** Writes through the caller's scratch database: a temporary table, created and dropped each time. */
async function writeRows(con: DuckDBConnection, dest: string, columns: string, rows: string[], meta: FileMeta, order: string): Promise<WrittenFile> {
  const tmp = tempName(dest);
  await con.run(`CREATE OR REPLACE TEMP TABLE dimension_rows (${columns})`);
  try {
    for (let i = 0; i < rows.length; i += 500) await con.run(`INSERT INTO dimension_rows VALUES ${rows.slice(i, i + 500).join(', ')}`);
    await con.run(`COPY (SELECT * FROM dimension_rows ORDER BY ${order}) TO ${lit(tmp)} (${PARQUET_OPTIONS}, ${kvMetadataOption(meta)})`);
  } finally {
    await con.run('DROP TABLE dimension_rows');
  }
  fsyncFile(tmp);
  renameSync(tmp, dest);
  return { rows: rows.length, bytes: statSync(dest).size, tsMin: meta.tsMin, tsMax: meta.tsMax };
}
