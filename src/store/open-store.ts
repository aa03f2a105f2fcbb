// Which store this instance uses: PostgreSQL when DATABASE_URL is set (several
// instances may share it), otherwise the lowdb file (one instance).
import type { Config } from '../config.js';
import type { Store } from './store.js';
import { openLowdbStore } from './lowdb-store.js';
import { openPgStore } from './pg/pg-store.js';
import type { Logger } from '../log.js';
import { secretLeftBehind } from './secret-carry-over.js';

export type StoreKind = 'lowdb' | 'memory' | 'postgres';

/** `log` hears what opening the file tidied away (a stale lock, a killed rewrite's temporary file). */
export async function openStore(
  config: Pick<Config, 'databaseUrl' | 'dataFile'>,
  secret: string,
  log?: Pick<Logger, 'warn'>,
): Promise<{ store: Store; kind: StoreKind }> {
  if (config.databaseUrl) return { store: await openPgStore(config.databaseUrl), kind: 'postgres' };
  try {
    return { store: await openLowdbStore(config.dataFile, secret, undefined, log ? { notice: (m) => log.warn(m) } : {}), kind: 'lowdb' };
  } catch (err) {
    throw (await secretLeftBehind(config.dataFile, secret)) ?? err;
  }
}
