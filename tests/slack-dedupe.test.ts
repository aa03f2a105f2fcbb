// Duplicate Slack deliveries act once: an event Slack retries (X-Slack-Retry-Num),
// a click or command delivered twice, and the same event reaching two
// instances that share one store. Signed requests into the real servers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { startServer, type RunningServer } from '../src/server.js';
import { startFakeSlack, type FakeSlack } from './helpers/fake-slack.js';
import { BOT_TOKEN, SIGNING_SECRET, fixture, form, interaction, sign } from './helpers/slack-requests.js';
import { startTrellis, TEST_SECRET, type TestTrellis } from './helpers/start-trellis.js';
import { waitFor } from './helpers/wait-for.js';

const ALEX = { user_id: 'U0ALEX', user_name: 'alex' };
const CHANNEL = { channel_id: 'C0RIVER', channel_name: 'riverside' };

let slack: FakeSlack;
let trellis: TestTrellis;
/** A second instance on the first one's store, as two replicas on one database. */
let replica: RunningServer;
const replicaLogs: string[] = [];

const env = () => ({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl });
const count = (method: string, from = 0) => slack.calls.slice(from).filter((c) => c.method === method).length;
const duplicatesLogged = (logs: string[]) => logs.filter((l) => l.includes('duplicate delivery ignored'));
const settle = () => new Promise((r) => setTimeout(r, 150));

/** A signed request, with Slack's retry headers when it is a retry. */
async function post(url: string, body: string, contentType: string, retryNum?: number) {
  const headers: Record<string, string> = { 'content-type': contentType, ...sign(body) };
  if (retryNum !== undefined) Object.assign(headers, { 'x-slack-retry-num': String(retryNum), 'x-slack-retry-reason': 'http_timeout' });
  const res = await fetch(`${url}/slack/events`, { method: 'POST', headers, body });
  expect(res.status).toBe(200);
  return res;
}

const homeOpened = (eventId: string, user: string) => {
  const home = fixture<Record<string, unknown>>('app-home-opened');
  return JSON.stringify({ ...home, event_id: eventId, event: { ...(home.event as object), user } });
};

beforeAll(async () => {
  slack = await startFakeSlack();
  slack.users.set(ALEX.user_id, 'Alex Morgan');
  trellis = await startTrellis(env());
  const config = loadConfig({ TRELLIS_DATA: trellis.dataFile, TRELLIS_SECRET: TEST_SECRET, LOG_LEVEL: 'debug', ...env() });
  const log = createLogger({ level: 'debug', secrets: [TEST_SECRET, SIGNING_SECRET, BOT_TOKEN], write: (l) => replicaLogs.push(l) });
  replica = await startServer(
    { config, store: trellis.store, storeKind: 'lowdb', clock: { now: () => new Date() }, log, secret: TEST_SECRET, schedule: false },
    0,
  );
});
afterAll(async () => {
  await replica?.close();
  await trellis?.close();
  await slack?.close();
});

describe('Slack de-duplication', () => {
  it('publishes App Home once when Slack retries the same event', async () => {
    const mark = slack.calls.length;
    const body = homeOpened('Ev0DEDUPE1', ALEX.user_id);
    await post(trellis.url, body, 'application/json');
    await waitFor(() => count('views.publish', mark) === 1);
    const before = duplicatesLogged(trellis.logs).length;
    await post(trellis.url, body, 'application/json', 1);
    await waitFor(() => duplicatesLogged(trellis.logs).length > before);
    await settle();
    expect(count('views.publish', mark)).toBe(1);

    // A different event for the same person is not a duplicate.
    await post(trellis.url, homeOpened('Ev0DEDUPE2', ALEX.user_id), 'application/json');
    await waitFor(() => count('views.publish', mark) === 2);
  });

  it('acts once on a slash command or a click delivered twice', async () => {
    const setup = form({
      ...fixture<Record<string, string>>('slash-command'),
      ...ALEX,
      ...CHANNEL,
      trigger_id: 'trig-dedupe-setup',
      text: 'setup Riverside Partnership',
      response_url: slack.responseUrl('d-setup'),
    });
    await post(trellis.url, setup, 'application/x-www-form-urlencoded');
    await post(trellis.url, setup, 'application/x-www-form-urlencoded');
    await waitFor(() => slack.responses.find((r) => r.id === 'd-setup'));
    await waitFor(() => duplicatesLogged(trellis.logs).some((l) => l.includes('"kind":"trigger"')));
    await settle();
    expect(slack.responses.filter((r) => r.id === 'd-setup')).toHaveLength(1);
    expect(await trellis.store.partnerships()).toHaveLength(1);

    const base = fixture<Record<string, unknown>>('block-actions');
    const click = {
      ...base,
      user: { id: ALEX.user_id, name: ALEX.user_name },
      trigger_id: 'trig-dedupe-click',
      actions: [{ ...(base.actions as object[])[0], action_id: 'trellis:run:0', value: 'status' }],
      response_url: slack.responseUrl('d-click'),
    };
    const before = duplicatesLogged(trellis.logs).length;
    const [first, second] = await Promise.all([interaction(trellis.url, click), interaction(trellis.url, click)]);
    expect([first.status, second.status]).toEqual([200, 200]);
    // The duplicate is acknowledged with nothing: Slack shows no error for it.
    expect(await second.text()).toBe('');
    await waitFor(() => slack.responses.find((r) => r.id === 'd-click'));
    await waitFor(() => duplicatesLogged(trellis.logs).length > before);
    await settle();
    expect(slack.responses.filter((r) => r.id === 'd-click')).toHaveLength(1);

    // The same person clicking again is a new trigger_id, and acts again.
    await interaction(trellis.url, { ...click, trigger_id: 'trig-dedupe-click-2' });
    await waitFor(() => slack.responses.filter((r) => r.id === 'd-click').length === 2);
  });

  it('two instances sharing a store process one event once in total', async () => {
    const mark = slack.calls.length;
    const body = homeOpened('Ev0DEDUPE3', ALEX.user_id);
    // At the same moment, and again as Slack's retry to the other instance.
    await Promise.all([post(trellis.url, body, 'application/json'), post(replica.url, body, 'application/json')]);
    await post(replica.url, body, 'application/json', 1);
    await post(trellis.url, body, 'application/json', 2);
    await waitFor(() => duplicatesLogged([...trellis.logs, ...replicaLogs]).length >= 3);
    await settle();
    expect(count('views.publish', mark)).toBe(1);
  });

  it('logs a duplicate by its kind only, never an event, trigger or user id', () => {
    const lines = duplicatesLogged([...trellis.logs, ...replicaLogs]);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(JSON.parse(line)).toMatchObject({ level: 'debug' });
      expect(line).not.toMatch(/Ev0DEDUPE|trig-dedupe|U0ALEX|C0RIVER/);
    }
  });

  it('processes the request when the store cannot say (fails open), and reports it', async () => {
    const store = trellis.store;
    const claimOnce = store.claimOnce.bind(store);
    store.claimOnce = async () => {
      throw new Error('store unavailable');
    };
    try {
      const mark = slack.calls.length;
      await post(trellis.url, homeOpened('Ev0DEDUPE4', ALEX.user_id), 'application/json');
      await waitFor(() => count('views.publish', mark) === 1);
      expect(trellis.logs.some((l) => l.includes('slack dedupe failed') && l.includes('"level":"error"'))).toBe(true);
    } finally {
      store.claimOnce = claimOnce;
    }
  });
});
