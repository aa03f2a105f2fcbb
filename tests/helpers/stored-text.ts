// What a backup holds, as text to search for a person or their words: a lowdb
// data file with its journal, unsealed (as by someone holding the secret, the
// strongest reader), or every row of every PostgreSQL table.
import { readFile } from 'node:fs/promises';
import type pg from 'pg';
import type { AnswerSet } from '../../src/core/model.js';
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

/** What a backup holds (`all`), and its answer sets alone, as the file's then the journal's saves leave them, in key order. */
export async function lowdbBackup(file: string, secret: string): Promise<{ all: string; answerSets: string }> {
  const data = await readFile(file, 'utf8');
  const changes = await journalChanges(file, secret);
  const sets = new Map((JSON.parse(data) as { answerSets: AnswerSet[] }).answerSets.map((a) => [`${a.roundId} ${a.key}`, a]));
  for (const [name, a] of changes) if (name === 'saveAnswerSet') sets.set(`${(a as AnswerSet).roundId} ${(a as AnswerSet).key}`, a as AnswerSet);
  const answerSets = JSON.stringify([...sets.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)));
  return { all: data + JSON.stringify(changes), answerSets };
}

/** The same for PostgreSQL: every table, and the answer sets' rows alone. */
export async function databaseBackup(client: pg.Client): Promise<{ all: string; answerSets: string }> {
  const sets = await client.query('SELECT round_id, key, doc::text AS doc FROM answer_sets ORDER BY round_id, key');
  return { all: await databaseText(client), answerSets: JSON.stringify(sets.rows) };
}
