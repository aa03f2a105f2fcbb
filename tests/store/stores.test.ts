import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryStore } from '../../src/store/state-store.js';
import { openLowdbStore } from '../../src/store/lowdb-store.js';
import { storeContract } from './store-contract.js';

storeContract('memory', async () => ({ store: createMemoryStore() }));

storeContract('lowdb', async () => {
  const file = join(await mkdtemp(join(tmpdir(), 'trellis-store-')), 'trellis.json');
  return { store: await openLowdbStore(file), reopen: () => openLowdbStore(file) };
});
