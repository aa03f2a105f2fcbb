// Issue 16: a person is (platform, workspace, user id). A data file written by
// the code before workspaces (tests/fixtures/data-e101723, made by that code)
// upgrades without losing history: Teams people move under the tenant their
// stored chat names, playground people into the playground, and Slack people
// into the one workspace SLACK_BOT_TOKEN belongs to once Slack says which.
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTrellis } from '../src/core/trellis.js';
import { adoptLegacyWorkspace } from '../src/core/upgrades.js';
import { openLowdbStore } from '../src/store/lowdb-store.js';
import { applyMigrations } from '../src/store/pg/apply-migrations.js';
import { MIGRATIONS } from '../src/store/pg/migrations.js';
import { openPgStore } from '../src/store/pg/pg-store.js';
import { STATE_VERSION } from '../src/store/state-schema.js';
import { createThrowawayDb, describePg } from './helpers/pg.js';
import { corePorts } from './helpers/core-ports.js';
import { fakeClock } from './helpers/fake-clock.js';
import { fakeMessenger } from './helpers/fake-messenger.js';
import { startFakeSlack, type FakeSlack } from './helpers/fake-slack.js';
import { slackCommands } from './helpers/slack-commands.js';
import { BOT_TOKEN, SIGNING_SECRET } from './helpers/slack-requests.js';
import { startTrellis, TEST_SECRET, type TestTrellis } from './helpers/start-trellis.js';

const FIXTURE = new URL('./fixtures/data-e101723/trellis.json', import.meta.url).pathname;
const TENANT = '72f988bf-0000-41af-91ab-2d7cd011db47';
const TEAM = 'T0001'; // the fake Slack's auth.test, and the team of every Slack payload fixture
const ALEX = { user_id: 'U2147483697', user_name: 'alex' };

type Doc = Record<string, string>;

const copyOfFixture = () => {
  const dir = mkdtempSync(join(tmpdir(), 'trellis-upgrade-'));
  copyFileSync(FIXTURE, join(dir, 'trellis.json'));
  return dir;
};

describe('a data file from before workspaces', () => {
  it('opens with everyone and everything kept, each person given the workspace the file can tell', async () => {
    const store = await openLowdbStore(join(copyOfFixture(), 'trellis.json'), TEST_SECRET);
    const [p] = await store.partnerships();
    const who = Object.fromEntries((await store.members(p!.id)).map((m) => [m.displayName, `${m.platform}/${m.workspace}/${m.userId}`]));
    expect(who).toEqual({
      'Alex Morgan': 'slack//U2147483697',
      'Kim Osei': 'slack//U0KIM',
      'Sam Patel': `teams/${TENANT}/29:sam`,
      'Jo Williams': 'playground/playground/pg-jo',
      'Chris Evans': 'slack//U0CHRIS',
    });
    expect(p!.homes).toEqual([{ platform: 'slack', workspace: '', conversationId: 'C0RIVERSIDE', label: '#riverside' }]);
    // Sam's chat is kept under the tenant, where the Teams adapter now looks.
    expect((await store.conversation('teams', `${TENANT}/29:sam`))?.reference).toMatchObject({ conversation: { id: 'a:sam-personal' } });
    expect(await store.conversation('teams', '29:sam')).toBeUndefined();
    // History: the closed round and its four answer sets, the concern.
    const [round] = await store.rounds(p!.id);
    expect(round).toMatchObject({ number: 1, closedAt: expect.any(String) });
    expect(await store.answerSets(round!.id)).toHaveLength(4);
    expect(await store.concerns(p!.id)).toHaveLength(1);
    await store.close();
  });

  it('reaches the reporter of a concern raised before workspaces through their membership, now under their tenant', async () => {
    const store = await openLowdbStore(join(copyOfFixture(), 'trellis.json'), TEST_SECRET);
    await adoptLegacyWorkspace(store, 'slack', TEAM);
    const messenger = fakeMessenger();
    const trellis = createTrellis({ ...corePorts(store), clock: fakeClock('2026-11-24T09:00:00Z'), messenger, secret: TEST_SECRET });
    const chris = { platform: 'slack' as const, workspace: TEAM, userId: 'U0CHRIS', displayName: 'Chris Evans' };
    const [concern] = await store.concerns((await store.partnerships())[0]!.id);
    const opened = await trellis.action({
      caller: chris,
      place: { conversationId: 'D1', kind: 'personal' },
      actionId: 'concern-friend-open',
      value: concern!.id,
    });
    if (!('form' in opened)) throw new Error(opened.text);
    await trellis.submit({
      caller: chris,
      actionId: opened.form.submitActionId,
      context: opened.form.context,
      values: { reply: 'Thank you — can you say more?' },
    });
    await trellis.settled();
    expect(messenger.sent.map((s) => s.delivery)).toContainEqual(expect.objectContaining({ platform: 'teams', userId: '29:sam' }));
    await store.close();
  });
});

describePg('a PostgreSQL database from before workspaces', () => {
  it('gives members, homes and Teams chats their workspace at the schema step, keeping every row', async () => {
    const db = await createThrowawayDb();
    try {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      await applyMigrations(client, 'test', MIGRATIONS.slice(0, 2));
      const v5 = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { partnerships: Doc[]; members: Doc[]; conversations: Doc[] };
      for (const p of v5.partnerships) await client.query('INSERT INTO partnerships (id, invite_code, doc) VALUES ($1, $2, $3)', [p.id, p.inviteCode, p]);
      for (const m of v5.members)
        await client.query('INSERT INTO members (id, partnership_id, platform, user_id, doc) VALUES ($1, $2, $3, $4, $5)', [
          m.id,
          m.partnershipId,
          m.platform,
          m.userId,
          m,
        ]);
      for (const c of v5.conversations) await client.query('INSERT INTO conversations (platform, key, doc) VALUES ($1, $2, $3)', [c.platform, c.key, c]);
      await client.end();

      const store = await openPgStore(db.url);
      try {
        const [p] = await store.partnerships();
        const who = (await store.members(p!.id)).map((m) => `${m.platform}/${m.workspace}/${m.userId}`);
        expect(who).toEqual(['slack//U2147483697', 'slack//U0KIM', `teams/${TENANT}/29:sam`, 'playground/playground/pg-jo', 'slack//U0CHRIS']);
        expect(p!.homes.map((h) => h.workspace)).toEqual(['']);
        expect((await store.membershipsOf({ platform: 'teams', workspace: TENANT, userId: '29:sam' })).map((m) => m.displayName)).toEqual(['Sam Patel']);
        expect((await store.conversation('teams', `${TENANT}/29:sam`))?.key).toBe(`${TENANT}/29:sam`);
        expect(await adoptLegacyWorkspace(store, 'slack', TEAM)).toEqual({ members: 3, homes: 1 });
        expect((await store.membershipsOf({ platform: 'slack', workspace: TEAM, userId: 'U0KIM' })).map((m) => m.displayName)).toEqual(['Kim Osei']);
        // The same user id in another workspace is another person: the unique key now includes the workspace.
        await store.saveMember({
          ...(await store.membershipsOf({ platform: 'slack', workspace: TEAM, userId: 'U0KIM' }))[0]!,
          id: 'kim-elsewhere',
          workspace: 'T0OTHER',
        });
        expect(await store.members(p!.id)).toHaveLength(6);
      } finally {
        await store.close();
      }
    } finally {
      await db.drop();
    }
  });
});

describe('started with the Slack workspace it served', () => {
  let slack: FakeSlack;
  let trellis: TestTrellis;
  const { run } = slackCommands(() => ({ trellis, slack }));

  beforeAll(async () => {
    slack = await startFakeSlack();
    trellis = await startTrellis({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl }, { dir: copyOfFixture() });
  });
  afterAll(async () => {
    await trellis?.close();
    await slack?.close();
  });

  it('gives its Slack people and home that workspace, and they carry on where they were', async () => {
    const [p] = await trellis.store.partnerships();
    expect((await trellis.store.members(p!.id)).filter((m) => m.platform === 'slack').map((m) => m.workspace)).toEqual([TEAM, TEAM, TEAM]);
    expect(p!.homes.map((h) => h.workspace)).toEqual([TEAM]);
    // The coordinator, from that workspace, finds their partnership and its history.
    const trends = await run(ALEX, { channel_id: 'D0ALEX', channel_name: 'directmessage' }, 'trends');
    expect(JSON.stringify(trends)).toContain('#1');
    expect(JSON.stringify(await run(ALEX, { channel_id: 'C0RIVERSIDE', channel_name: 'riverside' }, 'status'))).toContain('Riverside');
    // The same user id from another workspace is someone else.
    expect(await trellis.store.membershipsOf({ platform: 'slack', workspace: 'T0OTHER', userId: ALEX.user_id })).toEqual([]);
    // Written as the current version with the next change.
    await trellis.stop();
    expect(JSON.parse(readFileSync(trellis.dataFile, 'utf8')).version).toBe(STATE_VERSION);
  });
});
