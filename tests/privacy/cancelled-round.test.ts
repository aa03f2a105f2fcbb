// A cancelled check-in's answers are gone from everything on disk: the lowdb
// data file and its journal (which otherwise keeps each saved answer until the
// next rewrite), and every PostgreSQL row.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { Round } from '../../src/core/model.js';
import type { Repository } from '../../src/core/ports/repository.js';
import { openLowdbStore } from '../../src/store/lowdb-store.js';
import { openPgStore } from '../../src/store/pg/pg-store.js';
import { describePg, truncateAll, useThrowawayDb } from '../helpers/pg.js';
import { journalChanges } from '../helpers/stored-text.js';

const SECRET = 'cancelled-round-secret-0123456789abcdef';
/** No rewrite of its own accord: only a cancellation empties the journal here. */
const NEVER = { idleMs: 3_600_000, minJournalBytes: 1 << 30 };
const COMMENT = 'The chair talks over the voluntary sector.';
const round: Round = {
  id: 'round-cancelled',
  partnershipId: 'p1',
  number: 1,
  kind: 'pulse',
  itemIds: ['trust-1'],
  threshold: 5,
  openedAt: '2026-11-01T09:00:00.000Z',
  remindAt: '2026-11-03T09:00:00.000Z',
  closesAt: '2026-11-06T09:00:00.000Z',
};

async function answerThenCancel(store: Repository) {
  await store.saveRound(round);
  await store.saveInvitation({ roundId: round.id, memberId: 'm1' });
  await store.saveAnswerSet({ roundId: round.id, key: 'c'.repeat(64), values: { 'trust-1': 1 }, comment: COMMENT });
}

describe('a cancelled round in the lowdb store', () => {
  it('leaves none of its answers in the data file or the journal', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'trellis-cancel-')), 'trellis.json');
    const store = await openLowdbStore(file, SECRET, NEVER);
    await answerThenCancel(store);
    // Before: the journal holds the answer (so the check below can see one).
    expect(JSON.stringify(await journalChanges(file, SECRET))).toContain(COMMENT);
    await store.cancelRound(round.id, '2026-11-02T10:00:00.000Z');
    const onDisk = await readFile(file, 'utf8');
    expect(onDisk).not.toContain(COMMENT);
    expect((JSON.parse(onDisk) as { answerSets: unknown[] }).answerSets).toEqual([]);
    expect(JSON.stringify(await journalChanges(file, SECRET))).not.toContain(COMMENT);
    expect(JSON.stringify(await journalChanges(file, SECRET))).not.toContain('c'.repeat(64));
    // The round itself stays, marked, and the store carries on.
    expect((JSON.parse(onDisk) as { rounds: Round[] }).rounds[0]?.cancelledAt).toBe('2026-11-02T10:00:00.000Z');
    await store.saveRound({ ...round, id: 'round-2', number: 2 });
    await store.close();
    const again = await openLowdbStore(file, SECRET, NEVER);
    expect((await again.rounds('p1')).map((r) => r.id)).toEqual([round.id, 'round-2']);
    expect(await again.answerSets(round.id)).toEqual([]);
    await again.close();
  });
});

describePg('a cancelled round in PostgreSQL', () => {
  const db = useThrowawayDb();
  it('leaves none of its rows, and no row holding its answers', async () => {
    await truncateAll(db.url);
    const store = await openPgStore(db.url);
    await answerThenCancel(store);
    await store.cancelRound(round.id, '2026-11-02T10:00:00.000Z');
    await store.close();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const count = async (sql: string) => Number((await client.query<{ n: string }>(sql, [round.id])).rows[0]!.n);
      expect(await count('SELECT count(*) AS n FROM answer_sets WHERE round_id = $1')).toBe(0);
      expect(await count('SELECT count(*) AS n FROM invitations WHERE round_id = $1')).toBe(0);
      expect(await count(`SELECT count(*) AS n FROM rounds WHERE id = $1 AND doc->>'cancelledAt' IS NOT NULL`)).toBe(1);
      // No table holds the comment anywhere.
      const tables = (await client.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`)).rows;
      for (const { tablename } of tables) {
        const rows = await client.query(`SELECT * FROM "${tablename}"`);
        expect(JSON.stringify(rows.rows), tablename).not.toContain(COMMENT);
      }
    } finally {
      await client.end();
    }
  });
});
