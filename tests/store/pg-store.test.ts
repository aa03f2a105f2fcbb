// What only a shared database adds to the Store contract: schema migrations
// raced by instances starting together, and claims, queues and locks that
// must hold across instances (separate pools, as separate processes would be).
import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import type { Outgoing } from '../../src/core/ports/outbox.js';
import { MIGRATIONS } from '../../src/store/pg/migrations.js';
import { applyMigrations } from '../../src/store/pg/apply-migrations.js';
import { openPgStore, type PgStore } from '../../src/store/pg/pg-store.js';
import { ADMIN_URL, createThrowawayDb, describePg, truncateAll, useThrowawayDb } from '../helpers/pg.js';
import { partnership } from './records.js';

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

const versions = async (url: string) => (await query<{ version: number }>(url, 'SELECT version FROM schema_migrations ORDER BY version')).map((r) => r.version);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const opened: PgStore[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close().catch(() => undefined)));
});
const open = async (url: string, options?: { poolSize?: number }) => {
  const store = await openPgStore(url, options);
  opened.push(store);
  return store;
};

describePg('PostgreSQL schema', () => {
  it('applies each migration once when three instances open a new database at once', async () => {
    const db = await createThrowawayDb();
    try {
      await Promise.all([open(db.url), open(db.url), open(db.url)]);
      expect(await versions(db.url)).toEqual(MIGRATIONS.map((_, i) => i + 1));
      await open(db.url); // and a later start finds nothing to do
      expect(await versions(db.url)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    } finally {
      await Promise.all(opened.splice(0).map((s) => s.close()));
      await db.drop();
    }
  });

  it('refuses a database set up by a newer Trellis and leaves it unchanged', async () => {
    const db = await createThrowawayDb();
    try {
      const store = await openPgStore(db.url);
      await store.savePartnership(partnership());
      await store.close();
      const newer = MIGRATIONS.length + 1;
      await query(db.url, 'INSERT INTO schema_migrations (version) VALUES ($1)', [newer]);
      const snapshot = async () => ({
        migrations: await query(db.url, 'SELECT version, applied_at FROM schema_migrations ORDER BY version'),
        tables: await query(db.url, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`),
        partnerships: await query(db.url, 'SELECT * FROM partnerships'),
      });
      const before = await snapshot();
      await expect(openPgStore(db.url)).rejects.toMatchObject({
        name: 'TrellisError',
        code: 'STORE_VERSION',
        message: expect.stringMatching(new RegExp(`newer Trellis \\(schema ${newer}; this one knows ${MIGRATIONS.length}\\).*not been changed`)),
      });
      expect(await snapshot()).toEqual(before);
    } finally {
      await db.drop();
    }
  });

  it('upgrades invitations written before schema 2: the "answered" mark is dropped', async () => {
    const db = await createThrowawayDb();
    try {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        await applyMigrations(client, 'test', MIGRATIONS.slice(0, 1));
        await client.query(
          `INSERT INTO invitations (round_id, member_id, doc) VALUES ('r1', 'm1', '{"roundId":"r1","memberId":"m1","answered":true}'), ('r1', 'm2', '{"roundId":"r1","memberId":"m2","answered":false}')`,
        );
      } finally {
        await client.end();
      }
      const store = await open(db.url);
      expect(await store.invitations('r1')).toEqual([
        { roundId: 'r1', memberId: 'm1' },
        { roundId: 'r1', memberId: 'm2' },
      ]);
      expect(JSON.stringify(await query(db.url, 'SELECT * FROM invitations'))).not.toContain('answered');
    } finally {
      await Promise.all(opened.splice(0).map((s) => s.close()));
      await db.drop();
    }
  });

  it('names the server and the fix, never the password, when it cannot connect', async () => {
    const refused = openPgStore('postgres://trellis:s3cret-Pa55@127.0.0.1:1/trellis');
    await expect(refused).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('trellis@127.0.0.1:1/trellis') });
    await expect(refused).rejects.toThrow(/Start PostgreSQL there/);
    await expect(refused).rejects.not.toThrow(/s3cret-Pa55/);

    const url = new URL(ADMIN_URL);
    url.pathname = '/trellis_no_such_database';
    const missing = openPgStore(url.toString());
    await expect(missing).rejects.toThrow(/trellis_no_such_database.*createdb trellis_no_such_database/);
    if (url.password) await expect(missing).rejects.not.toThrow(url.password);
  });
});

describePg('PostgreSQL across instances', () => {
  const db = useThrowawayDb();
  const fresh = async () => {
    await truncateAll(db.url);
    return Promise.all([open(db.url), open(db.url)]);
  };

  it('keeps no timestamps beside answers, and no member beside what they answered', async () => {
    await open(db.url);
    const columns = await query<{ table_name: string; column_name: string; data_type: string }>(
      db.url,
      `SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_name IN ('answer_sets', 'invitations') ORDER BY table_name, ordinal_position`,
    );
    expect(columns.filter((c) => c.table_name === 'answer_sets').map((c) => c.column_name)).toEqual(['round_id', 'key', 'doc']);
    expect(columns.filter((c) => /time|date/.test(c.data_type))).toEqual([]);
  });

  it('hands each outgoing message to one of many concurrent claimers', async () => {
    const [a, b] = await fresh();
    const message = (i: number): Outgoing => ({
      id: `out-${String(i).padStart(3, '0')}`,
      platform: 'slack',
      kind: 'private',
      status: 'pending',
      attempts: 0,
      notBefore: new Date(Date.UTC(2026, 10, 23, 9, 0, i % 60)).toISOString(),
      createdAt: '2026-11-23T09:00:00.000Z',
      sealed: `sealed-${i}`,
    });
    for (let i = 0; i < 120; i++) await a!.enqueueOutgoing(message(i));
    const now = new Date('2026-11-23T10:00:00.000Z');
    const drain = async (store: PgStore, owner: string) => {
      const mine: string[] = [];
      for (;;) {
        const batch = await store.claimOutgoing(now, owner, 60_000, 5);
        if (batch.length === 0) return mine;
        for (const o of batch) expect(o).toMatchObject({ owner, status: 'sending', attempts: 1, resumed: false });
        mine.push(...batch.map((o) => o.id));
      }
    };
    const claimed = (await Promise.all([drain(a!, 'A1'), drain(a!, 'A2'), drain(b!, 'B1'), drain(b!, 'B2')])).flat();
    expect(claimed).toHaveLength(120);
    expect(new Set(claimed).size).toBe(120);
  });

  it('runs exclusive work one at a time across instances', async () => {
    const [a, b] = await fresh();
    const ref = { platform: 'teams' as const, key: 'counter', updatedAt: '2026-11-23T09:00:00.000Z' };
    await a!.saveConversation({ ...ref, reference: { n: 0 } });
    let inside = 0;
    let most = 0;
    // A read-modify-write that loses updates unless nothing else runs between its read and its write.
    const increment = (store: PgStore) =>
      store.exclusive('counter', async () => {
        most = Math.max(most, ++inside);
        const n = (await store.conversation('teams', 'counter'))!.reference.n as number;
        await sleep(3);
        await store.saveConversation({ ...ref, reference: { n: n + 1 } });
        inside--;
      });
    await Promise.all(Array.from({ length: 20 }, (_, i) => increment(i % 2 ? a! : b!)));
    expect((await a!.conversation('teams', 'counter'))?.reference).toEqual({ n: 20 });
    expect(most).toBe(1);
  });

  it('does not starve exclusive work of connections, however many scopes wait', async () => {
    await truncateAll(db.url);
    const store = await open(db.url, { poolSize: 2 });
    const done = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        store.exclusive(`scope-${i}`, async () => {
          await store.saveOrganisation({ id: `o${i}`, partnershipId: 'p1', name: `Org ${i}`, sector: 'public' });
          return i;
        }),
      ),
    );
    expect(done).toHaveLength(12);
    expect(await store.organisations('p1')).toHaveLength(12);
  });

  it('grants a claim to one instance only, and sweeps expired claims', async () => {
    const [a, b] = await fresh();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a! : b!).claimOnce('slack:event:Ev1', 60_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await b!.claimOnce('slack:event:Ev1', 60_000)).toBe(false);

    const sweeper = await open(db.url);
    for (let i = 0; i < 99; i++) expect(await sweeper.claimOnce(`short-${i}`, 1)).toBe(true);
    await sleep(10);
    await sweeper.claimOnce('the-hundredth', 60_000);
    const keys = (await query<{ key: string }>(db.url, 'SELECT key FROM claims ORDER BY key')).map((r) => r.key);
    expect(keys).toEqual(['slack:event:Ev1', 'the-hundredth']);
  });
});
