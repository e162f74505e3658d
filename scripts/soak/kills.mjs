// kill -9 at random moments of record, archive compact and export; after each, the next open must
// repair what the kill left: the archive opens, no completed tick is lost, verify finds nothing.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { Archive, readSamples, selectRecordings, verify } from '../../dist/archive/index.js';
import { pick, sleep, startPlugin } from './util.mjs';

/** Samples in the archive, read from its files, and how many are duplicates of another row. */
async function rowCount(archive) {
  const files = await archive.files({ kind: 'samples' });
  if (!files.length) return { rows: 0, dupes: 0 };
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  try {
    const list = `[${files.map((f) => `'${f.replace(/'/g, "''")}'`).join(',')}]`;
    const r = await con.runAndReadAll(`SELECT count(*) AS n, count(DISTINCT (recording, ts, type, node, namespace, pod, container, metric, resource_id)) AS d FROM read_parquet(${list}, union_by_name = true)`);
    const o = r.getRowObjects()[0];
    return { rows: Number(o.n), dupes: Number(o.n) - Number(o.d) };
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

/** Kills per archive: each check reads the whole archive, so a fresh one every so often keeps a kill's cost flat. */
const PER_ARCHIVE = 40;

/** The kills in `lanes` lanes at once, each on archives of its own: the kills wait on real time mostly. */
export async function killSoak({ dir, env, kills, log, lanes = 2 }) {
  const each = await Promise.all(Array.from({ length: lanes }, (_, lane) => killLane({ dir, env, kills: Math.ceil(kills / lanes), log, lane })));
  const out = { ...each[0], notes: [], byCommand: { record: 0, compact: 0, export: 0 } };
  for (const k of ['tried', 'unopenable', 'ticksLost', 'verifyFailures', 'duplicated', 'partialExports']) out[k] = each.reduce((s, e) => s + e[k], 0);
  for (const e of each) {
    out.notes.push(...e.notes);
    for (const c of Object.keys(out.byCommand)) out.byCommand[c] += e.byCommand[c];
  }
  return out;
}

async function killLane({ dir, env, kills, log, lane }) {
  let archiveDir = path.join(dir, `kill-archive-${lane}-0`);
  const out = { tried: 0, byCommand: { record: 0, compact: 0, export: 0 }, unopenable: 0, ticksLost: 0, verifyFailures: 0, duplicated: 0, partialExports: 0, notes: [] };
  const check = async (what) => {
    let archive;
    try {
      archive = await Archive.open(archiveDir, false);
    } catch (e) {
      // a kill before the first record made anything leaves no archive, and nothing to lose
      if (!existsSync(archiveDir) || readdirSync(archiveDir).length === 0) return undefined;
      out.unopenable++;
      out.notes.push(`${what}: cannot open: ${e.message}`);
      return undefined;
    }
    const v = await verify(archive);
    if (v.problems.length || v.leftovers.length) {
      out.verifyFailures++;
      out.notes.push(`${what}: ${[...v.problems, ...v.leftovers].slice(0, 3).join(' | ')}`);
    }
    return archive;
  };
  for (let i = 0; i < kills; i++) {
    archiveDir = path.join(dir, `kill-archive-${lane}-${Math.floor(i / PER_ARCHIVE)}`);
    const kind = i % PER_ARCHIVE < 2 ? 'record' : ['compact', 'export', 'record'][i % 3];
    out.tried++;
    out.byCommand[kind]++;
    if (kind === 'record') {
      const name = `k${i}`;
      const p = startPlugin(['record', '--archive', archiveDir, '--resolution', '1s', '--name', name], env);
      // a kill before the first tick, during one, or a few ticks in
      // (the first of an archive writes a tick, so that compactions and exports have something to work on)
      const wantTicks = i % PER_ARCHIVE === 0 ? 1 : pick([0, 0, 1, 2, 3]);
      const t0 = Date.now();
      while (Date.now() - t0 < 15_000 && ((p.out.stderr.match(/ ticks, /g) ?? []).length < wantTicks)) await sleep(20);
      await sleep(Math.random() * (wantTicks ? 900 : 1500));
      p.child.kill('SIGKILL');
      await p.exited;
      // what it said it had written: the progress line follows the catalog's commit
      const reported = Math.max(0, ...[...p.out.stderr.matchAll(/(\d+) ticks, /g)].map((m) => Number(m[1])));
      const archive = await check(`record ${name}`);
      if (!archive) continue;
      const rec = (await archive.catalog(true, (con) => selectRecordings(con, name)))[0];
      const kept = rec ? rec.ticks : 0;
      if (kept < reported) {
        out.ticksLost += reported - kept;
        out.notes.push(`record ${name}: ${reported} ticks reported, ${kept} kept`);
      }
    } else if (!existsSync(archiveDir) || !readdirSync(archiveDir).length) {
      continue;
    } else if (kind === 'compact') {
      const before = await rowCount(await Archive.open(archiveDir, false));
      const p = startPlugin(['archive', 'compact', '--archive', archiveDir], env);
      await sleep(200 + Math.random() * 1500);
      p.child.kill('SIGKILL');
      await p.exited;
      const archive = await check(`compact ${i}`);
      if (!archive) continue;
      const after = await rowCount(archive);
      if (after.rows !== before.rows || after.dupes) {
        out.duplicated++;
        out.notes.push(`compact ${i}: ${before.rows} rows before, ${after.rows} after, ${after.dupes} duplicated`);
      }
    } else {
      const dest = path.join(dir, `export-${lane}-${i}.parquet`);
      const { rows } = await rowCount(await Archive.open(archiveDir, false));
      const p = startPlugin(['export', '--archive', archiveDir, '--output', dest], env);
      await sleep(200 + Math.random() * 1500);
      p.child.kill('SIGKILL');
      await p.exited;
      // under its name: nothing, or the whole export
      if (existsSync(dest)) {
        const n = await readSamples([dest], {}, {}).then((r) => r.length, () => -1);
        if (n !== rows) {
          out.partialExports++;
          out.notes.push(`export ${i}: ${n} rows under the name, ${rows} in the archive`);
        }
      }
      await check(`export ${i}`);
    }
    if ((i + 1) % 20 === 0) log(`kills (lane ${lane}): ${i + 1}/${kills}`);
  }
  return out;
}
