// Answer sets an earlier version stored with their organisation and sector in
// the clear are sealed at the next start, on the data file and on PostgreSQL:
// nothing in them is lost (the figures come out the same), and the clear
// organisation — which names whoever answered for an organisation of one — is gone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import type { AnswerSet, Organisation, Round } from '../src/core/model.js';
import type { Store } from '../src/store/store.js';
import { openGroups } from '../src/core/answer-group.js';
import { createLogger } from '../src/log.js';
import { startServer } from '../src/server.js';
import { openLowdbStore } from '../src/store/lowdb-store.js';
import { openPgStore } from '../src/store/pg/pg-store.js';
import { captureDatabase, captureFile } from './helpers/backup-diff.js';
import { createThrowawayDb, describePg } from './helpers/pg.js';
import { startTrellis, TEST_SECRET } from './helpers/start-trellis.js';
import { partnership } from './store/records.js';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ORGS: Organisation[] = [
  { id: 'org-council-7f3a', partnershipId: 'p1', name: 'City Council', sector: 'public' },
  { id: 'org-residents-91c2', partnershipId: 'p1', name: 'Residents Group', sector: 'community' },
];
const ROUND: Round = {
  id: 'r1',
  partnershipId: 'p1',
  number: 1,
  kind: 'pulse',
  itemIds: ['trust-promises'],
  threshold: 5,
  openedAt: '2026-11-01T09:00:00.000Z',
  remindAt: '2026-11-03T09:00:00.000Z',
  closesAt: '2026-11-06T09:00:00.000Z',
  closedAt: '2026-11-06T09:00:00.000Z',
};
/** As an earlier version stored them: organisation and sector in the clear. */
const LEGACY: AnswerSet[] = Array.from({ length: 6 }, (_, i) => {
  const org = ORGS[i === 5 ? 1 : 0]!;
  return {
    roundId: 'r1',
    key: String(i).repeat(64).slice(0, 64),
    organisationId: org.id,
    sector: org.sector,
    values: { 'trust-promises': ((i % 5) + 1) as 1 },
    ...(i === 0 ? { comment: 'Slow referrals' } : {}),
  };
});

async function seed(store: Store) {
  await store.savePartnership(partnership({ id: 'p1' }));
  for (const o of ORGS) await store.saveOrganisation(o);
  await store.saveRound(ROUND);
  for (const a of LEGACY) await store.saveAnswerSet(a);
}

function upgrades(
  name: string,
  open: () => Promise<{ store: Store; capture: () => Promise<Record<string, string[]>>; restart: () => Promise<Store>; close: () => Promise<void> }>,
) {
  describe(name, () => {
    let t: Awaited<ReturnType<typeof open>>;
    beforeAll(async () => {
      t = await open();
    });
    afterAll(async () => {
      await t?.close();
    });

    it('seals every clear organisation at the next start, losing nothing, and does nothing the second time', async () => {
      const stored = await t.store.answerSets('r1');
      expect(stored.every((a) => a.organisationId === undefined && a.sector === undefined && typeof a.group === 'string')).toBe(true);
      expect(openGroups(TEST_SECRET, stored).sort((a, b) => a.key.localeCompare(b.key))).toEqual([...LEGACY].sort((a, b) => a.key.localeCompare(b.key)));
      const everything = Object.values(await t.capture())
        .flat()
        .join('\n');
      expect(everything).toContain(ORGS[0]!.id); // the organisations themselves are there to find
      for (const o of ORGS) expect(everything.includes(`"organisationId":"${o.id}"`)).toBe(false);
      const again = await t.restart();
      expect(await again.answerSets('r1')).toEqual(stored);
    });
  });
}

upgrades('on the data file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'trellis-groups-'));
  const file = join(dir, 'trellis.json');
  const before = await openLowdbStore(file, TEST_SECRET);
  await seed(before);
  await before.close();
  let t = await startTrellis({}, { dir });
  return {
    store: t.store,
    capture: async () => captureFile(await t.data()),
    restart: async () => {
      await t.stop();
      t = await startTrellis({}, { dir });
      return t.store;
    },
    close: () => t.close(),
  };
});

describePg('on PostgreSQL', () => {
  upgrades('rows', async () => {
    const db = await createThrowawayDb();
    const seeded = await openPgStore(db.url);
    await seed(seeded);
    await seeded.close();
    const config = loadConfig({ TRELLIS_SECRET: TEST_SECRET });
    const log = createLogger({ level: 'error', secrets: [TEST_SECRET], write: () => undefined });
    const start = async () => {
      const store = await openPgStore(db.url);
      const running = await startServer(
        { config, store, storeKind: 'postgres', clock: { now: () => new Date() }, log, secret: TEST_SECRET, schedule: false },
        0,
      );
      return { store, running };
    };
    let s = await start();
    const stop = async () => {
      await s.running.close();
      await s.store.close();
    };
    return {
      store: s.store,
      capture: () => captureDatabase(db.url),
      restart: async () => {
        await stop();
        s = await start();
        return s.store;
      },
      close: async () => {
        await stop();
        await db.drop();
      },
    };
  });
});
