// Slack installations (each holds a workspace's bot token) sealed at rest, as
// an operator holding the files or the database would look for the token:
// saved through Bolt's InstallationStore interface as Bolt's OAuth flow saves
// them, then every file in the data directory (data file and journal) and
// every PostgreSQL row is searched for it. Keyed by team, or by enterprise for
// an Enterprise Grid org-wide install.
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Installation } from '@slack/bolt';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { sealedInstallations } from '../src/adapters/sealed-installations.js';
import { slackInstallationStore } from '../src/adapters/slack/installation-store.js';
import type { Store } from '../src/store/store.js';
import { openLowdbStore } from '../src/store/lowdb-store.js';
import { openPgStore } from '../src/store/pg/pg-store.js';
import { describePg, useThrowawayDb } from './helpers/pg.js';
import { TEST_SECRET } from './helpers/start-trellis.js';

const TEAM_TOKEN = 'xoxb-T0RIVER-marker-heron-4410';
const ORG_TOKEN = 'xoxb-E0GRID-marker-stint-5521';
const clock = { now: () => new Date('2026-12-04T09:00:00Z') };

const team: Installation = {
  team: { id: 'T0RIVER', name: 'Riverside' },
  enterprise: undefined,
  user: { id: 'UADMIN', token: undefined, scopes: undefined },
  bot: { token: TEAM_TOKEN, scopes: ['chat:write'], id: 'BBOT', userId: 'UBOT' },
  isEnterpriseInstall: false,
  authVersion: 'v2',
};
const org: Installation = {
  team: undefined,
  enterprise: { id: 'E0GRID', name: 'Grid' },
  user: { id: 'UADMIN', token: undefined, scopes: undefined },
  bot: { token: ORG_TOKEN, scopes: ['chat:write'], id: 'BBOT', userId: 'UBOT' },
  isEnterpriseInstall: true,
  authVersion: 'v2',
};

/** Saves both through Bolt's interface and reads them back as Bolt's authorize asks for them. */
async function saveAndFetch(store: Store) {
  const bolt = slackInstallationStore(sealedInstallations(store, TEST_SECRET, clock));
  await bolt.storeInstallation(team);
  await bolt.storeInstallation(org);
  expect((await bolt.fetchInstallation({ teamId: 'T0RIVER', enterpriseId: undefined, isEnterpriseInstall: false })).bot?.token).toBe(TEAM_TOKEN);
  // Any team of the org, asking as an org-wide install, gets the org's installation.
  expect((await bolt.fetchInstallation({ teamId: undefined, enterpriseId: 'E0GRID', isEnterpriseInstall: true })).bot?.token).toBe(ORG_TOKEN);
  await expect(bolt.fetchInstallation({ teamId: 'T0OTHER', enterpriseId: undefined, isEnterpriseInstall: false })).rejects.toThrow('not installed');
  // Another secret opens nothing.
  expect(await sealedInstallations(store, `${TEST_SECRET}-other`, clock).get('slack', 'T0RIVER')).toBeUndefined();
}

describe('Slack installations at rest', () => {
  it('lowdb: no token in the data file or its journal', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trellis-installations-'));
    const store = await openLowdbStore(join(dir, 'trellis.json'), TEST_SECRET);
    await saveAndFetch(store);
    // Before closing (the journal holds the changes) and after (the data file does).
    const read = async () => (await Promise.all((await readdir(dir)).map((f) => readFile(join(dir, f), 'utf8').catch(() => '')))).join('\n');
    const open = await read();
    await store.close();
    const closed = await read();
    for (const text of [open, closed]) {
      expect(text).not.toContain('marker-heron-4410');
      expect(text).not.toContain('marker-stint-5521');
    }
    expect(closed).toContain('"workspace":"E0GRID"');
  });
});

describePg('Slack installations at rest: PostgreSQL', () => {
  const db = useThrowawayDb();
  it('no token in any row', async () => {
    const store = await openPgStore(db.url);
    try {
      await saveAndFetch(store);
    } finally {
      await store.close();
    }
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'`);
      let all = '';
      for (const { name } of rows) all += JSON.stringify((await client.query(`SELECT * FROM ${name}`)).rows);
      expect(all).toContain('E0GRID');
      expect(all).not.toContain('marker-heron-4410');
      expect(all).not.toContain('marker-stint-5521');
    } finally {
      await client.end();
    }
  });
});
