// Which store this instance uses: PostgreSQL when DATABASE_URL is set (several
// instances may share it), otherwise the lowdb file (one instance).
import type { Config } from '../config.js';
import type { Store } from '../core/ports.js';
import { openLowdbStore } from './lowdb-store.js';
import { openPgStore } from './pg/pg-store.js';

export type StoreKind = 'lowdb' | 'memory' | 'postgres';

export async function openStore(config: Pick<Config, 'databaseUrl' | 'dataFile'>, secret: string): Promise<{ store: Store; kind: StoreKind }> {
  if (config.databaseUrl) return { store: await openPgStore(config.databaseUrl), kind: 'postgres' };
  return { store: await openLowdbStore(config.dataFile, secret), kind: 'lowdb' };
}
