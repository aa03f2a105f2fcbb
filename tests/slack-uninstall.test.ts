// An uninstall's grace period end to end, through the real server on lowdb and
// signed HTTP from a fake Slack: a workspace installed by OAuth uninstalls
// (app_uninstalled); the coordinator elsewhere is told its members' data goes
// after 30 days unless it is added back; a reinstall through /slack/install
// within them keeps everyone; uninstalled again and left past the grace
// period, its members are erased on the next tick — the same user id in
// another workspace is kept — and the coordinator is told how many, never who.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeClock } from './helpers/fake-clock.js';
import { startFakeSlack, type FakeSlack } from './helpers/fake-slack.js';
import { slackCommands } from './helpers/slack-commands.js';
import { SIGNING_SECRET, event } from './helpers/slack-requests.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';
import { waitFor } from './helpers/wait-for.js';

const CLIENT_ID = '1111.2222';
const CLIENT_SECRET = 'client-secret-0123456789abcdef';
const STATE_SECRET = 'state-secret-0123456789abcdef';
const DAY = 86_400_000;

const inTeam = (team: string) => ({ team_id: team, enterprise_id: '', is_enterprise_install: 'false' });
const ALEX = { user_id: 'U0ALEX', user_name: 'alex' }; // coordinator, T0RIVER
const SAM = { user_id: 'U0SAM', user_name: 'sam' }; // in T0RIVER and, another person, in T0HOPE
const JO = { user_id: 'U0JOHOPE', user_name: 'jo' }; // T0HOPE only
const HOME = { channel_id: 'C0SHARED', channel_name: 'riverside-partners' };
const dm = (who: { user_id: string }) => ({ channel_id: `D${who.user_id}`, channel_name: 'directmessage' });

const clock = fakeClock('2026-11-23T09:00:00Z');
let slack: FakeSlack;
let trellis: TestTrellis;
let seq = 0;
const { run } = slackCommands<{ text: string }>(() => ({ trellis, slack }));

async function install(team: string) {
  const page = await fetch(`${trellis.url}/slack/install`);
  const state = /slack-app-oauth-state=([^;]+)/.exec(page.headers.get('set-cookie') ?? '')![1]!;
  const authorize = new URL(/<a href="([^"]+)"/.exec(await page.text())![1]!.replace(/&amp;/g, '&'));
  authorize.searchParams.set('team', team);
  const back = (await fetch(authorize, { redirect: 'manual' })).headers.get('location')!;
  expect((await fetch(back, { headers: { cookie: `slack-app-oauth-state=${state}` } })).status).toBe(200);
}

async function uninstall(team: string) {
  slack.revoke(team);
  const res = await event(trellis.url, {
    type: 'event_callback',
    event_id: `Ev0UNINSTALL${++seq}`,
    team_id: team,
    api_app_id: 'A123456',
    event: { type: 'app_uninstalled', event_ts: '1732353600.000200' },
  });
  expect(res.status).toBe(200);
  await waitFor(async () => JSON.parse(await trellis.data()).removals.length === 1);
  await trellis.drain();
}

type Data = { members: { workspace: string; userId: string }[]; removals: unknown[] };
const data = async () => JSON.parse(await trellis.data()) as Data;
const members = async () => (await data()).members.map((m) => `${m.workspace}:${m.userId}`).sort();
const dmsTo = (user: string, from: number, what: RegExp) =>
  slack.calls.slice(from).filter((c) => c.method === 'chat.postMessage' && c.body.channel === user && what.test(String(c.body.text)));

beforeAll(async () => {
  slack = await startFakeSlack();
  Object.assign(slack.oauth, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  slack.oauth.workspaces.set('T0RIVER', { id: 'T0RIVER', name: 'Riverside Council' });
  slack.oauth.workspaces.set('T0HOPE', { id: 'T0HOPE', name: 'Hope Trust' });
  slack.own('T0RIVER', ['U0ALEX', 'U0SAM', 'C0SHARED']);
  slack.own('T0HOPE', ['U0SAM', 'U0JOHOPE', 'C0SHARED']);
  slack.users.set('U0ALEX', 'Alex Morgan');
  slack.users.set('U0SAM', 'Sam Patel');
  slack.users.set('U0JOHOPE', 'Jo Quartermaine');
  trellis = await startTrellis(
    {
      SLACK_CLIENT_ID: CLIENT_ID,
      SLACK_CLIENT_SECRET: CLIENT_SECRET,
      SLACK_STATE_SECRET: STATE_SECRET,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      PUBLIC_URL: 'https://trellis.example.org',
    },
    { clock },
  );
  slack.oauth.redirectUrl = `${trellis.url}/slack/oauth_redirect`;
  await install('T0RIVER');
  await install('T0HOPE');
  await run(ALEX, { ...HOME, ...inTeam('T0RIVER') }, 'setup Riverside');
  await run(ALEX, { ...HOME, ...inTeam('T0RIVER') }, 'org add Hope Trust voluntary');
  const code = (JSON.parse(await trellis.data()) as { partnerships: { inviteCode: string }[] }).partnerships[0]!.inviteCode;
  await run(SAM, { ...dm(SAM), ...inTeam('T0RIVER') }, `join ${code} independent`);
  await run(SAM, { ...dm(SAM), ...inTeam('T0HOPE') }, `join ${code} Hope Trust`);
  await run(JO, { ...dm(JO), ...inTeam('T0HOPE') }, `join ${code} Hope Trust`);
  await trellis.drain();
});

afterAll(async () => {
  await trellis?.close();
  await slack?.close();
});

describe('a Slack uninstall and its grace period', () => {
  const everyone = ['T0HOPE:U0JOHOPE', 'T0HOPE:U0SAM', 'T0RIVER:U0ALEX', 'T0RIVER:U0SAM'];

  it('tells the coordinator the data goes after 30 days; a reinstall through OAuth within them keeps everyone', async () => {
    expect(await members()).toEqual(everyone);
    const from = slack.calls.length;
    await uninstall('T0HOPE');
    const [notice] = dmsTo('U0ALEX', from, /removed Trellis/);
    expect(String(notice?.body.text)).toContain('Unless Trellis is added back within 30 days, their personal data is then erased');
    expect(String(notice?.body.text)).not.toMatch(/Hope|T0HOPE|Sam|Jo/);

    clock.advance(29 * DAY);
    await trellis.tick();
    expect(await members()).toEqual(everyone);
    await install('T0HOPE');
    expect((await data()).removals).toEqual([]);
    clock.advance(60 * DAY);
    await trellis.tick();
    expect(await members()).toEqual(everyone);
  });

  it('uninstalled again and left past the grace period, erases that workspace’s members on the tick, and tells the coordinator how many', async () => {
    await uninstall('T0HOPE');
    clock.advance(30 * DAY - 60_000);
    await trellis.tick();
    expect(await members()).toEqual(everyone);
    const from = slack.calls.length;
    clock.advance(60_000);
    await trellis.tick();
    await trellis.drain();
    expect(await members()).toEqual(['T0RIVER:U0ALEX', 'T0RIVER:U0SAM']);
    expect((await data()).removals).toEqual([]);
    const told = dmsTo('U0ALEX', from, /removed from Riverside/);
    expect(told.map((c) => c.workspace)).toEqual(['T0RIVER']);
    expect(String(told[0]!.body.text)).toContain('2 members were removed from Riverside and their personal data erased');
    expect(String(told[0]!.body.text)).not.toMatch(/Hope|T0HOPE|Sam|Jo/);
    const stored = await trellis.data();
    for (const trace of ['U0JOHOPE', 'Jo Quartermaine']) {
      expect(stored).not.toContain(trace);
      expect(trellis.logs.join('\n')).not.toContain(trace);
    }
    // Once: the next tick has nothing to do.
    const again = slack.calls.length;
    await trellis.tick();
    await trellis.drain();
    expect(dmsTo('U0ALEX', again, /removed/)).toEqual([]);
  });
});
