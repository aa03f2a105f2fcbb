// `npm run migrate-data -- [--from data/trellis.json] [--to postgres://…]`:
// copies a lowdb data file into an empty PostgreSQL database, all or nothing,
// and checks the copy by counting it back. The file is opened as Trellis
// opens it (validated, upgraded, locked), so Trellis must be stopped first.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { TrellisError } from './core/errors.js';
import { existingSecret } from './secret.js';
import { openLowdbStore } from './store/lowdb-store.js';
import { describeDatabase, redact } from './store/pg/connection.js';
import { openPgStore, type Counts } from './store/pg/pg-store.js';
import { COLLECTIONS, TABLES } from './store/pg/tables.js';
import { readStateFile } from './store/read-state-file.js';
import type { State } from './store/state-schema.js';

export const DEFAULT_DATA_FILE = 'data/trellis.json';

/** `secret`: the TRELLIS_SECRET Trellis runs with, which seals the file's journal (its latest changes). */
export async function migrateData(
  from: string,
  to: string,
  secret: string,
  print: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Promise<Counts> {
  // openLowdbStore would create a missing file: an empty copy is never what was meant.
  if (!existsSync(from)) throw new TrellisError('CONFIG_INVALID', `There is no data file at ${from}. Pass --from FILE or set TRELLIS_DATA.`);
  const file = await openLowdbStore(from, secret).catch((err: unknown) => {
    if (err instanceof TrellisError && /in use by another Trellis process/.test(err.message)) {
      throw new TrellisError(err.code, `${err.message.replace(/ Stop it first.*$/, '')} Stop Trellis, then run migrate-data again; nothing was changed.`);
    }
    throw err;
  });
  try {
    // Read while the file is locked: nothing can change it between this and the copy.
    const state = await readStateFile(from);
    const db = await openPgStore(to, { poolSize: 2 });
    try {
      const held = await db.counts();
      const nonEmpty = COLLECTIONS.filter((c) => held[c] > 0);
      if (nonEmpty.length > 0) {
        const what = nonEmpty.map((c) => `${held[c]} ${TABLES[c].name}`).join(', ');
        throw new TrellisError(
          'CONFIG_INVALID',
          `The database ${describeDatabase(to)} already holds data (${what}); migrate-data only fills an empty one. Nothing was changed.`,
        );
      }
      const counts = await db.importState(state);
      for (const line of countTable(state, counts)) print(line);
      print(`Copied ${from} into ${describeDatabase(to)}. Start Trellis with DATABASE_URL set to it; keep the file as a backup.`);
      return counts;
    } finally {
      await db.close();
    }
  } finally {
    await file.close();
  }
}

function countTable(state: State, counts: Counts): string[] {
  const width = Math.max(...COLLECTIONS.map((c) => TABLES[c].name.length));
  const row = (a: string, b: string, c: string) => `${a.padEnd(width)}  ${b.padStart(6)}  ${c.padStart(8)}`;
  return [row('table', 'file', 'database'), ...COLLECTIONS.map((c) => row(TABLES[c].name, String(state[c].length), String(counts[c])))];
}

async function main(): Promise<void> {
  const { values } = (() => {
    try {
      return parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' }, help: { type: 'boolean' } }, strict: true });
    } catch (err) {
      throw new TrellisError('CONFIG_INVALID', `${(err as Error).message} (see --help).`);
    }
  })();
  if (values.help) {
    process.stdout.write(
      `Usage: npm run migrate-data -- [--from ${DEFAULT_DATA_FILE}] [--to postgres://user:password@host:5432/trellis]\nDefaults: TRELLIS_DATA and DATABASE_URL. Needs TRELLIS_SECRET (or trellis.secret beside the file). Stop Trellis first; the database must be empty.\n`,
    );
    return;
  }
  const from = values.from ?? (process.env.TRELLIS_DATA?.trim() || DEFAULT_DATA_FILE);
  const to = values.to ?? process.env.DATABASE_URL?.trim();
  if (!to) throw new TrellisError('CONFIG_INVALID', 'No target database: pass --to postgres://user:password@host:5432/trellis or set DATABASE_URL.');
  const secret = existingSecret({ secret: process.env.TRELLIS_SECRET?.trim(), dataFile: from });
  if (!secret)
    throw new TrellisError(
      'CONFIG_INVALID',
      `migrate-data needs the TRELLIS_SECRET Trellis runs with (set it, or keep trellis.secret beside ${from}): the latest changes are sealed in the data file's journal. Nothing was changed.`,
    );
  try {
    await migrateData(from, to, secret);
  } catch (err) {
    // Whatever the driver said, the password in the URL never reaches the terminal.
    if (err instanceof Error) err.message = redact(err.message, to);
    throw err;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`migrate-data: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
    process.exit(1);
  });
}
