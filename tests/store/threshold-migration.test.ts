// Issue 13, part 2, at upgrade: rounds, protocol reviews and concerns stored before they
// recorded their threshold are stamped with their partnership's threshold as it
// is then — in a data file (state version 3 → 4) and in PostgreSQL (a schema step).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { expect, it } from 'vitest';
import { openLowdbStore } from '../../src/store/lowdb-store.js';
import { applyMigrations } from '../../src/store/pg/apply-migrations.js';
import { MIGRATIONS } from '../../src/store/pg/migrations.js';
import { openPgStore } from '../../src/store/pg/pg-store.js';
import { emptyState, STATE_VERSION } from '../../src/store/state-schema.js';
import { createThrowawayDb, describePg } from '../helpers/pg.js';
import { TEST_SECRET } from '../helpers/start-trellis.js';
import { partnership } from './records.js';

const before = {
  partnerships: [partnership({ id: 'p1', threshold: 4 }), partnership({ id: 'p2', threshold: 7, inviteCode: 'CCCC-DDDD', homes: [] })],
  // As stored before the field: no `threshold`.
  round: (id: string, partnershipId: string) => ({
    id,
    partnershipId,
    number: 1,
    kind: 'pulse',
    itemIds: ['trust-promises'],
    openedAt: '2026-11-01T09:00:00.000Z',
    remindAt: '2026-11-03T09:00:00.000Z',
    closesAt: '2026-11-06T09:00:00.000Z',
    closedAt: '2026-11-06T09:00:00.000Z',
  }),
  concern: (id: string, partnershipId: string) => ({
    id,
    partnershipId,
    pseudonym: `C-${id.toUpperCase()}`,
    category: 'power',
    mayAskToEscalate: false,
    sealed: 'c2VhbGVk',
    status: 'open',
    month: '2026-11',
    relay: 'cmVsYXk=',
  }),
  protocol: (id: string, partnershipId: string) => ({
    id,
    partnershipId,
    ref: 1,
    title: 'Information sharing',
    kind: 'protocol',
    purpose: '',
    partyOrgIds: [],
    ownerMemberId: 'm1',
    nextReview: '2027-01-31',
    status: 'active',
    reviews: [
      { id: `${id}-rev1`, startedAt: '2026-10-01T09:00:00.000Z', closedAt: '2026-10-08T09:00:00.000Z', outcome: 'kept', summary: '2 answered' },
      { id: `${id}-rev2`, startedAt: '2026-11-01T09:00:00.000Z' },
    ],
    remindersFrom: '2026-11-01T00:00:00.000Z',
    createdAt: '2026-09-01T09:00:00.000Z',
  }),
};

it("a version 3 data file: every round, review and concern gets its partnership's threshold, and the file is written as the current version", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'trellis-migrate-'));
  const file = join(dir, 'trellis.json');
  try {
    const v3 = {
      ...emptyState(),
      version: 3,
      partnerships: before.partnerships,
      rounds: [before.round('r1', 'p1'), before.round('r2', 'p2')],
      protocols: [before.protocol('x1', 'p1'), before.protocol('x2', 'p2')],
      concerns: [before.concern('c1', 'p1'), before.concern('c2', 'p2')],
    };
    await writeFile(file, JSON.stringify(v3));
    const store = await openLowdbStore(file, TEST_SECRET);
    expect((await store.rounds('p1')).map((r) => r.threshold)).toEqual([4]);
    expect((await store.rounds('p2')).map((r) => r.threshold)).toEqual([7]);
    expect((await store.protocols('p1'))[0]!.reviews.map((r) => r.threshold)).toEqual([4, 4]);
    expect((await store.protocols('p2'))[0]!.reviews.map((r) => r.threshold)).toEqual([7, 7]);
    expect([...(await store.concerns('p1')), ...(await store.concerns('p2'))].map((c) => c.threshold)).toEqual([4, 7]);
    // Upgraded in memory; written as the current version (4 then, 5 since claims are kept) with the next change.
    await store.savePartnership({ ...(await store.partnership('p1'))!, threshold: 3 });
    await store.close();
    const written = JSON.parse(await readFile(file, 'utf8'));
    expect(written.version).toBe(STATE_VERSION);
    expect(written.rounds.map((r: { threshold: number }) => r.threshold)).toEqual([4, 7]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

describePg('PostgreSQL', () => {
  it("a database at the first schema step: every round, review and concern gets its partnership's threshold", async () => {
    const db = await createThrowawayDb();
    try {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      await applyMigrations(client, 'test', MIGRATIONS.slice(0, 1));
      for (const p of before.partnerships) await client.query('INSERT INTO partnerships (id, invite_code, doc) VALUES ($1, $2, $3)', [p.id, p.inviteCode, p]);
      for (const [id, pid] of [
        ['r1', 'p1'],
        ['r2', 'p2'],
      ])
        await client.query('INSERT INTO rounds (id, partnership_id, doc) VALUES ($1, $2, $3)', [id, pid, before.round(id!, pid!)]);
      for (const [id, pid] of [
        ['x1', 'p1'],
        ['x2', 'p2'],
      ])
        await client.query('INSERT INTO protocols (id, partnership_id, doc) VALUES ($1, $2, $3)', [id, pid, before.protocol(id!, pid!)]);
      for (const [id, pid] of [
        ['c1', 'p1'],
        ['c2', 'p2'],
      ])
        await client.query('INSERT INTO concerns (id, partnership_id, doc) VALUES ($1, $2, $3)', [id, pid, before.concern(id!, pid!)]);
      await client.end();

      const store = await openPgStore(db.url);
      try {
        expect((await store.rounds('p1')).map((r) => r.threshold)).toEqual([4]);
        expect((await store.rounds('p2')).map((r) => r.threshold)).toEqual([7]);
        const x1 = (await store.protocols('p1'))[0]!;
        expect(x1.reviews.map((r) => [r.id, r.threshold])).toEqual([
          ['x1-rev1', 4],
          ['x1-rev2', 4],
        ]);
        expect(x1.reviews[0]).toMatchObject({ outcome: 'kept', summary: '2 answered' });
        expect((await store.protocols('p2'))[0]!.reviews.map((r) => r.threshold)).toEqual([7, 7]);
        expect([...(await store.concerns('p1')), ...(await store.concerns('p2'))].map((c) => c.threshold)).toEqual([4, 7]);
      } finally {
        await store.close();
      }
    } finally {
      await db.drop();
    }
  });
});
