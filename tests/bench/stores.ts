// Benchmarks 2 and 3b — answer ingest at the Store level, and the memory a
// process needs, with 10k, 100k and 1M answer sets already stored:
//   lowdb, group commit  openLowdbStore, 200 concurrent writers
//   lowdb, naive         one whole-file durable write per answer, sequential
//   PostgreSQL           openPgStore on a throw-away database, 200 concurrent writers
// Each measurement runs in a fresh child process; lowdb files are written
// directly as JSON (lib/dataset.ts), PostgreSQL rows generated in SQL.
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IngestInput } from './hosts/ingest.js';
import { runChild, type ChildMessage } from './lib/child.js';
import { createBenchDb, seedPg, type BenchDb } from './lib/pg-dataset.js';

export const SIZES = [10_000, 100_000, 1_000_000];
export const CONCURRENCY = 200;
/**
 * Runs per store and size, each in a fresh process (and, for lowdb, on a fresh
 * copy of the file); the table shows the median run and lists them all. The
 * lowdb figures vary a lot between identical processes (see BENCHMARKS.md), so
 * one run is not enough; at 1M one run each keeps the whole benchmark short.
 */
export const repeatsFor = (size: number) => (size >= 1_000_000 ? 1 : 3);
/** Answers timed per run, after a warm-up that is not. The naive store is timed on a few only: each rewrites the whole file. */
export const TIMED: Record<IngestInput['kind'], (size: number) => { warmup: number; timed: number }> = {
  'lowdb-group': (size) => ({ warmup: 200, timed: size >= 1_000_000 ? 1_000 : 2_000 }),
  'lowdb-naive': (size) => ({ warmup: 1, timed: size >= 1_000_000 ? 5 : size >= 100_000 ? 20 : 200 }),
  pg: () => ({ warmup: 200, timed: 5_000 }),
};

export interface IngestResult extends ChildMessage {
  kind: IngestInput['kind'];
  size: number;
  openSeconds: number;
  timed: number;
  concurrency: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  /** Mean time inside saveAnswerSet before it first yields (lowdb: the in-memory update), ms. */
  syncMsPerAnswer: number;
  /** answers/s of every run, in order; the other figures are the median run's. */
  runs: number[];
}

/** The median run (by answers/s), with every run's answers/s. */
function medianOf(runs: IngestResult[]): IngestResult {
  const sorted = [...runs].sort((a, b) => a.perSecond - b.perSecond);
  return { ...sorted[Math.floor(sorted.length / 2)]!, runs: runs.map((r) => r.perSecond) };
}

export interface RssResult extends ChildMessage {
  kind: 'lowdb' | 'pg';
  openSeconds: number;
  digestMs: number;
  rssStart: number;
  rssAfterOpen: number;
  rssAfterDigest: number;
  rssAfterGc: number;
  heapUsedAfterGc: number;
}

export interface StoresResult {
  ingest: IngestResult[];
  rss: RssResult[];
  preload: { size: number; lowdbBytes: number; lowdbSeconds: number; pgSeconds?: number }[];
  pgSkipped?: string;
}

const heapFor = (size: number) => (size >= 1_000_000 ? 8192 : 4096);
const short = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`);

export async function runStores(log: (line: string) => void, pgProblem: string | undefined): Promise<StoresResult> {
  const dir = await mkdtemp(join(tmpdir(), 'trellis-bench-stores-'));
  const out: StoresResult = { ingest: [], rss: [], preload: [], ...(pgProblem ? { pgSkipped: pgProblem } : {}) };
  const dbs: BenchDb[] = [];
  try {
    for (const size of SIZES) {
      const heapMb = heapFor(size);
      const file = join(dir, `answers-${size}.json`);
      const written = await runChild<ChildMessage & { bytes: number; seconds: number }>(
        'hosts/write-lowdb.ts',
        { file, size },
        { heapMb, name: `write ${short(size)} lowdb file` },
      );
      const preload: StoresResult['preload'][number] = { size, lowdbBytes: written.bytes, lowdbSeconds: written.seconds };
      out.preload.push(preload);
      log(`  ${short(size)}: lowdb file written (${(written.bytes / 1e6).toFixed(0)} MB, ${written.seconds.toFixed(1)} s)`);

      const repeats = repeatsFor(size);
      for (const kind of ['lowdb-group', 'lowdb-naive'] as const) {
        const runs: IngestResult[] = [];
        for (let k = 0; k < repeats; k++) {
          // A directory per run: the store keeps its journal beside the file.
          const runDir = await mkdtemp(join(dir, 'run-'));
          const copy = join(runDir, `${kind}-${size}.json`);
          await copyFile(file, copy);
          const input: IngestInput = { kind, size, file: copy, concurrency: kind === 'lowdb-group' ? CONCURRENCY : 1, ...TIMED[kind](size) };
          const r = await runChild<IngestResult>('hosts/ingest.ts', input, { heapMb, name: `${kind} ${short(size)}` });
          runs.push(r);
          log(
            `  ${short(size)}: ${kind}${repeats > 1 ? ` (run ${k + 1}/${repeats})` : ''}: ${r.perSecond.toFixed(1)} answers/s, p99 ${r.p99.toFixed(1)} ms (${r.timed} answers; opened in ${r.openSeconds.toFixed(1)} s)`,
          );
          await rm(runDir, { recursive: true, force: true });
        }
        out.ingest.push(medianOf(runs));
      }

      let db: BenchDb | undefined;
      if (!pgProblem) {
        db = await createBenchDb();
        dbs.push(db);
        const seeded = await seedPg(db.url, size);
        preload.pgSeconds = seeded.seconds;
        log(`  ${short(size)}: PostgreSQL ${db.name} preloaded (${seeded.rows} rows, ${seeded.seconds.toFixed(1)} s)`);
        const runs: IngestResult[] = [];
        for (let k = 0; k < repeats; k++) {
          const r = await runChild<IngestResult>(
            'hosts/ingest.ts',
            { kind: 'pg', size, url: db.url, concurrency: CONCURRENCY, earlierRuns: k, ...TIMED.pg(size) } satisfies IngestInput,
            { name: `pg ${short(size)}` },
          );
          runs.push(r);
          log(
            `  ${short(size)}: pg${repeats > 1 ? ` (run ${k + 1}/${repeats})` : ''}: ${r.perSecond.toFixed(1)} answers/s, p99 ${r.p99.toFixed(1)} ms (${r.timed} answers)`,
          );
        }
        out.ingest.push(medianOf(runs));
      }

      if (size === SIZES[SIZES.length - 1]) {
        const lowdb = await runChild<RssResult>('hosts/rss.ts', { kind: 'lowdb', file }, { heapMb, exposeGc: true, name: 'RSS lowdb' });
        out.rss.push(lowdb);
        log(`  ${short(size)}: lowdb process RSS ${(lowdb.rssAfterDigest / 1e6).toFixed(0)} MB`);
        if (db) {
          const pg = await runChild<RssResult>('hosts/rss.ts', { kind: 'pg', url: db.url }, { heapMb, exposeGc: true, name: 'RSS pg' });
          out.rss.push(pg);
          log(`  ${short(size)}: PostgreSQL-backed process RSS ${(pg.rssAfterDigest / 1e6).toFixed(0)} MB`);
        }
      }
      await rm(file, { force: true });
      if (db) {
        await db.drop();
        dbs.splice(dbs.indexOf(db), 1);
      }
    }
    return out;
  } finally {
    for (const db of dbs) await db.drop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}
