import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { StateStore } from '../../src/store/state-store.js';
import { emptyState } from '../../src/store/state-schema.js';
import { openLowdbStore } from '../../src/store/lowdb-store.js';
import { openPgStore } from '../../src/store/pg/pg-store.js';
import { describePg, truncateAll, useThrowawayDb } from '../helpers/pg.js';
import { storeContract } from './store-contract.js';
import { TEST_SECRET } from '../helpers/start-trellis.js';

storeContract('memory', async () => ({ store: createMemoryStore() }));

storeContract('lowdb', async () => {
  const file = join(await mkdtemp(join(tmpdir(), 'trellis-store-')), 'trellis.json');
  return { store: await openLowdbStore(file, TEST_SECRET), reopen: () => openLowdbStore(file, TEST_SECRET) };
});

/** PostgreSQL judges claims by its own clock (now()): time passes there, as the database itself waits. */
async function sleepOnDatabase(url: string, ms: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT pg_sleep($1)', [ms / 1000]);
  } finally {
    await client.end();
  }
}

describePg('PostgreSQL', () => {
  // One database for the file; each test empties it (far faster than a database each).
  const db = useThrowawayDb();
  storeContract(
    'postgres',
    async () => {
      await truncateAll(db.url);
      return { store: await openPgStore(db.url), reopen: () => openPgStore(db.url) };
    },
    { passTime: (ms) => sleepOnDatabase(db.url, ms) },
  );
});

describe('answer sets from a file written before they were kept in key order', () => {
  it('are put in key order on open, so lookups and replacements still find them', async () => {
    const set = (key: string, value: 1 | 2 | 3 | 4 | 5) => ({ roundId: 'r1', key: key.repeat(64), values: { 'trust-1': value } });
    const state = { ...emptyState(), answerSets: [set('c', 1), set('a', 2), set('b', 3)] };
    const store = new StateStore(state);
    expect(state.answerSets.map((a) => a.key[0])).toEqual(['a', 'b', 'c']);
    expect((await store.answerSet('r1', 'c'.repeat(64)))?.values).toEqual({ 'trust-1': 1 });
    await store.saveAnswerSet(set('c', 5));
    expect(await store.answerSets('r1')).toHaveLength(3);
    expect((await store.answerSet('r1', 'c'.repeat(64)))?.values).toEqual({ 'trust-1': 5 });
  });
});
