// Two instances on one PostgreSQL database: a request replayed to the other
// instance (as a load balancer would send it) acts once in total, for a Slack
// slash command and a Teams activity; the claims table holds only keyed digests.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { startServer, type RunningServer } from '../src/server.js';
import { openPgStore, type PgStore } from '../src/store/pg/pg-store.js';
import { startFakeSlack, type FakeSlack } from './helpers/fake-slack.js';
import { startFakeTeamsConnector, type FakeTeamsConnector } from './helpers/fake-teams-connector.js';
import { createThrowawayDb, describePg } from './helpers/pg.js';
import { BOT_TOKEN, SIGNING_SECRET, fixture, form, sign } from './helpers/slack-requests.js';
import { TEST_SECRET } from './helpers/start-trellis.js';
import { waitFor } from './helpers/wait-for.js';

describePg('Replays across instances sharing PostgreSQL', () => {
  let slack: FakeSlack;
  let connector: FakeTeamsConnector;
  let db: { url: string; drop: () => Promise<void> };
  const stores: PgStore[] = [];
  const servers: RunningServer[] = [];

  beforeAll(async () => {
    slack = await startFakeSlack();
    connector = await startFakeTeamsConnector();
    db = await createThrowawayDb();
    const config = loadConfig({
      TRELLIS_SECRET: TEST_SECRET,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      TEAMS_ALLOW_UNAUTHENTICATED: 'true',
    });
    for (let i = 0; i < 2; i++) {
      const store = await openPgStore(db.url);
      const log = createLogger({ level: 'warn', secrets: [TEST_SECRET, SIGNING_SECRET, BOT_TOKEN], write: () => undefined });
      stores.push(store);
      servers.push(await startServer({ config, store, storeKind: 'postgres', clock: { now: () => new Date() }, log, secret: TEST_SECRET, schedule: false }, 0));
    }
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    for (const s of stores) await s.close();
    await db?.drop();
    await slack?.close();
    await connector?.close();
  });

  it('a signed `setup` replayed to the other instance sets up one partnership', async () => {
    const body = form({
      ...fixture<Record<string, string>>('slash-command'),
      user_id: 'U0ALEXPG',
      channel_id: 'C0PG',
      channel_name: 'pg',
      text: 'setup Riverside PG',
      trigger_id: 'trigger-pg-1',
      response_url: slack.responseUrl('pg-setup'),
    });
    const headers = { 'content-type': 'application/x-www-form-urlencoded', ...sign(body) };
    for (const s of [servers[0]!, servers[1]!, servers[0]!]) expect((await fetch(`${s.url}/slack/events`, { method: 'POST', headers, body })).status).toBe(200);
    await waitFor(() => slack.responses.find((r) => r.id === 'pg-setup'));
    for (const s of servers) await s.drain();
    expect(slack.responses.filter((r) => r.id === 'pg-setup')).toHaveLength(1);
    expect(await stores[0]!.partnerships()).toHaveLength(1);
  });

  it('a Teams activity resent to the other instance runs once', async () => {
    const m = JSON.parse(JSON.stringify((await import('./fixtures/teams/personal-message.json', { with: { type: 'json' } })).default)) as Record<
      string,
      unknown
    >;
    const activity = { ...m, id: 'pg-activity-1', serviceUrl: connector.serviceUrl, text: 'help' };
    const before = connector.sent.length;
    for (const s of [servers[1]!, servers[0]!]) {
      const res = await fetch(`${s.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
      expect(res.status).toBe(200);
      await s.drain();
    }
    expect(connector.sent.length - before).toBe(1);
  });

  it('keeps only keyed digests in the claims table', async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ key: string }>('SELECT key FROM claims');
      expect(rows.length).toBeGreaterThanOrEqual(2);
      for (const r of rows) expect(r.key).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      await client.end();
    }
  });
});
