// Brings a database up to this code's schema at open. Several instances may
// start at once: a transaction-scoped advisory lock lets the first apply the
// steps while the others wait, then find nothing left to do.
import type pg from 'pg';
import { TrellisError } from '../../core/errors.js';
import { MIGRATIONS } from './migrations.js';

/** Any fixed number: advisory locks are per database, so this only meets other Trellis instances. */
export const MIGRATION_LOCK_ID = 7_412_690_351;

export async function applyMigrations(client: pg.ClientBase, where: string, migrations: readonly string[] = MIGRATIONS): Promise<number[]> {
  const applied: number[] = [];
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_ID]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const { rows } = await client.query<{ version: number }>('SELECT coalesce(max(version), 0)::int AS version FROM schema_migrations');
    const current = rows[0]?.version ?? 0;
    if (current > migrations.length) {
      throw new TrellisError(
        'STORE_VERSION',
        `The database ${where} was set up by a newer Trellis (schema ${current}; this one knows ${migrations.length}). Upgrade Trellis; the database has not been changed.`,
      );
    }
    for (let version = current + 1; version <= migrations.length; version++) {
      await client.query(migrations[version - 1]!);
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [version]);
      applied.push(version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
