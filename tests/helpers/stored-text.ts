// What a backup holds, as text to search for a person or their words: a lowdb
// data file with its journal, unsealed (as by someone holding the secret, the
// strongest reader), or every row of every PostgreSQL table.
import { readFile } from 'node:fs/promises';
import type pg from 'pg';
import { unseal } from '../../src/core/seal.js';
import { journalFileFor } from '../../src/store/lowdb-store.js';

export type JournalChange = [string, ...unknown[]];

/** Every change the journal beside a lowdb data file holds, unsealed. */
export async function journalChanges(file: string, secret: string): Promise<JournalChange[]> {
  const [, ...lines] = (await readFile(journalFileFor(file), 'utf8')).trimEnd().split('\n');
  return lines.filter(Boolean).flatMap((l) => unseal<{ changes: JournalChange[] }>(secret, 'journal', l)!.changes);
}

/** The data file and its unsealed journal, as one text. */
export async function lowdbText(file: string, secret: string): Promise<string> {
  return (await readFile(file, 'utf8')) + JSON.stringify(await journalChanges(file, secret));
}

/** Every row of every table, tables and rows in a fixed order (so two reads compare), as one text. */
export async function databaseText(client: pg.Client): Promise<string> {
  const tables = (await client.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`)).rows;
  let all = '';
  for (const { tablename } of tables) all += JSON.stringify((await client.query(`SELECT * FROM "${tablename}" ORDER BY 1, 2`)).rows);
  return all;
}
