// PostgreSQL for tests: a throw-away database per test file on the server at
// TEST_DATABASE_URL (default: the local one, trust auth). Without a server, a
// developer's run skips these tests and says how to run them; CI fails them.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, it } from 'vitest';

export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const inCi = process.env.CI === 'true';

async function probe(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    return (err as Error).message || String(err);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Why PostgreSQL cannot be used, or undefined when it can. */
export const pgUnavailable: string | undefined = await probe();
export const pgAvailable = pgUnavailable === undefined;

const where = (() => {
  const u = new URL(ADMIN_URL);
  return `${u.hostname}:${u.port || '5432'}`;
})();

let warned = false;

/** A describe block that needs PostgreSQL: skipped with a note on a laptop without it, failed in CI. */
export function describePg(name: string, body: () => void): void {
  if (pgAvailable) {
    describe(name, body);
  } else if (inCi) {
    describe(name, () => {
      it('reaches PostgreSQL', () => {
        throw new Error(`PostgreSQL at ${where} is unreachable (${pgUnavailable}); CI must run the PostgreSQL tests. .ci/run starts a local server.`);
      });
    });
  } else {
    warnOnce();
    describe.skip(name, body);
  }
}

function warnOnce(): void {
  if (!warned) {
    warned = true;
    console.warn(
      `Skipping PostgreSQL tests: no server at ${where} (${pgUnavailable}). ` +
        'To run them, start PostgreSQL (e.g. pg_ctlcluster 15 main start) or set TEST_DATABASE_URL=postgres://user@host:5432/postgres (a role that may create databases).',
    );
  }
}

const urlFor = (database: string) => {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${database}`;
  return u.toString();
};

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database; returns its URL and a function that drops it. */
export async function createThrowawayDb(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `trellis_test_${randomBytes(6).toString('hex')}`;
  await admin(async (c) => {
    await c.query(`CREATE DATABASE ${name}`);
    // Commits need not wait for the disk in a database thrown away after the run.
    await c.query(`ALTER DATABASE ${name} SET synchronous_commit = off`);
  });
  return {
    url: urlFor(name),
    // FORCE: a store a failed test never closed must not keep it alive.
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** A fresh database for the enclosing describe block; `url` is set once its beforeAll has run. */
export function useThrowawayDb(): { readonly url: string } {
  const db = { url: '' };
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const created = await createThrowawayDb();
    db.url = created.url;
    drop = created.drop;
  });
  afterAll(async () => {
    await drop?.();
  });
  return db;
}

/**
 * Empties every table but schema_migrations, so each test starts from nothing
 * on an up-to-date schema. DELETE, not TRUNCATE: on tables this small it is
 * many times faster, and list order only needs `seq` to keep rising.
 */
export async function truncateAll(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'`,
    );
    if (rows.length > 0) await client.query(rows.map((r) => `DELETE FROM ${r.name};`).join(' '));
  } finally {
    await client.end();
  }
}
