// Throw-away PostgreSQL databases for the benchmarks, preloaded in the PG
// store's own format (src/store/pg/migrations.ts: one row per answer set,
// round_id and key columns beside the whole record in `doc`).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPgStore } from '../../../src/store/pg/pg-store.js';
import { baseState, COMMENT } from './dataset.js';

export const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function admin<T>(work: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Why PostgreSQL cannot be used, or undefined when it can. */
export async function pgProblem(): Promise<string | undefined> {
  try {
    await admin((c) => c.query('SELECT 1'));
    return undefined;
  } catch (err) {
    return (err as Error).message || String(err);
  }
}

export const pgVersion = () => admin(async (c) => (await c.query<{ version: string }>('SELECT version()')).rows[0]!.version);

export async function pgSettings(): Promise<Record<string, string>> {
  return admin(async (c) => {
    const out: Record<string, string> = {};
    for (const name of ['fsync', 'synchronous_commit', 'shared_buffers', 'wal_level'])
      out[name] = (await c.query<Record<string, string>>(`SHOW ${name}`)).rows[0]![name]!;
    return out;
  });
}

export interface BenchDb {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** An empty database `trellis_bench_<random>`, with the server's default (durable) commit settings. */
export async function createBenchDb(): Promise<BenchDb> {
  const name = `trellis_bench_${randomBytes(5).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return { name, url: u.toString(), drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined) };
}

// Answer i goes to the (i mod R)-th closed round, as in the lowdb file; its
// key is a SHA-256, hex, like the HMAC keys Trellis stores.
const INSERT_ANSWERS = `
  WITH r AS (
    SELECT id, partnership_id, doc -> 'itemIds' AS items, row_number() OVER (ORDER BY seq) - 1 AS idx
    FROM rounds WHERE doc ? 'closedAt'
  )
  INSERT INTO answer_sets (round_id, key, doc)
  SELECT r.id, k.key,
         jsonb_build_object(
           'roundId', r.id, 'key', k.key,
           'organisationId', r.partnership_id || '-o' || k.org,
           'sector', (ARRAY['public', 'private', 'voluntary', 'community'])[k.org % 4 + 1],
           'values', (SELECT jsonb_object_agg(item, CASE WHEN random() < 0.05 THEN NULL ELSE 1 + floor(random() * 5)::int END)
                      FROM jsonb_array_elements_text(r.items) AS item))
         || CASE WHEN random() < 0.1 THEN jsonb_build_object('comment', $4::text) ELSE '{}'::jsonb END
  FROM generate_series($1::bigint, $2::bigint) AS g(i)
  CROSS JOIN LATERAL (SELECT encode(sha256(convert_to('seed:' || g.i, 'UTF8')), 'hex') AS key, ((g.i / $3::bigint) % 12)::int AS org) AS k
  JOIN r ON r.idx = g.i % $3::bigint`;

/**
 * Brings the database to the current schema (through openPgStore), imports
 * the partnerships, members and rounds, then generates `answers` answer sets
 * inside PostgreSQL, in two parallel statements (one per core).
 */
export async function seedPg(url: string, answers: number): Promise<{ seconds: number; rows: number }> {
  const started = performance.now();
  const store = await openPgStore(url);
  try {
    await store.importState(baseState(answers).state);
  } finally {
    await store.close();
  }
  const R = Math.max(1, Math.ceil(answers / 200));
  const parts = 2;
  const per = Math.ceil(answers / parts);
  await Promise.all(
    Array.from({ length: parts }, async (_, p) => {
      const from = p * per;
      const to = Math.min(answers, from + per) - 1;
      if (to < from) return;
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await c.query(INSERT_ANSWERS, [from, to, R, COMMENT]);
      } finally {
        await c.end();
      }
    }),
  );
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    // As a long-running database would be: statistics known, visibility map set.
    await c.query('VACUUM (ANALYZE)');
    const rows = Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM answer_sets')).rows[0]!.n);
    if (rows !== answers) throw new Error(`preloaded ${rows} answer sets, expected ${answers}`);
    return { seconds: (performance.now() - started) / 1000, rows };
  } finally {
    await c.end();
  }
}
