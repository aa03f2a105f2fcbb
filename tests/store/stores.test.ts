import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryStore } from '../../src/store/state-store.js';
import { openLowdbStore } from '../../src/store/lowdb-store.js';
import { openPgStore } from '../../src/store/pg/pg-store.js';
import { describePg, truncateAll, useThrowawayDb } from '../helpers/pg.js';
import { storeContract } from './store-contract.js';

storeContract('memory', async () => ({ store: createMemoryStore() }));

storeContract('lowdb', async () => {
  const file = join(await mkdtemp(join(tmpdir(), 'trellis-store-')), 'trellis.json');
  return { store: await openLowdbStore(file), reopen: () => openLowdbStore(file) };
});

describePg('PostgreSQL', () => {
  // One database for the file; each test empties it (far faster than a database each).
  const db = useThrowawayDb();
  storeContract('postgres', async () => {
    await truncateAll(db.url);
    return { store: await openPgStore(db.url), reopen: () => openPgStore(db.url) };
  });
});
