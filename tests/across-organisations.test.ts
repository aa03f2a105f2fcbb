// The "Done when", end to end through one real server: one partnership
// whose members are in two Slack workspaces installed by OAuth (one an
// Enterprise Grid org-wide install), in two Teams tenants (real Bot Framework
// authentication, MultiTenant), and on neither (email through a real SMTP
// server, links followed in headless Chromium). All are asked; all but a chosen
// few answer, each on their own surface; reminders reach only those few; the
// digest reaches every home; one workspace uninstalls and its token is never
// used again; the same Slack user id in two workspaces is two people; and no
// GET on an emailed link changes anything stored.
import { globalAgent } from 'node:https';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './helpers/browser.js';
import { fakeClock } from './helpers/fake-clock.js';
import { startFakeMicrosoftIdentity, type FakeMicrosoftIdentity } from './helpers/fake-microsoft-identity.js';
import { startFakeSlack, type FakeSlack, type SlackCall } from './helpers/fake-slack.js';
import { startFakeTeamsConnector, type FakeTeamsConnector, type SentActivity } from './helpers/fake-teams-connector.js';
import { slackCommands } from './helpers/slack-commands.js';
import { SIGNING_SECRET, event, fixture as slackFixture, interaction, slashCommand } from './helpers/slack-requests.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';
import { chatOf, type Person, CHANNEL as TEAMS_CHANNEL, teamsRequests } from './helpers/teams-requests.js';
import { waitFor } from './helpers/wait-for.js';
import { linksIn, startSmtpInbox, type SmtpInbox } from './helpers/smtp-inbox.js';

type Json = Record<string, any>;
/** The last element that matches (the newest message of its kind). */
const lastOf = <T>(list: T[], match: (x: T) => boolean): T | undefined => [...list].reverse().find(match);

const PUBLIC_URL = 'https://trellis.example.org';
const CLIENT_ID = '1111.2222';
const CLIENT_SECRET = 'client-secret-0123456789abcdef';
const STATE_SECRET = 'state-secret-0123456789abcdef';
const APP_ID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const APP_PASSWORD = 'local-test-app-password-across-0123456789';
const SMTP_PASSWORD = 'smtp-password-5521-guillemot';
const HOUR = 3_600_000;

// ---- The people, by surface ----------------------------------------------------------------

/** Someone on Slack: the installation their workspace has (a team, or an org), the team they type in. */
interface SlackWho {
  user_id: string;
  user_name: string;
  install: string;
  team: string;
  enterprise?: string;
  org: string;
}
const ALEX: SlackWho = { user_id: 'U0ALEX', user_name: 'alex', install: 'T0RIVER', team: 'T0RIVER', org: 'Riverside Council' }; // coordinator
const SAM_RIVER: SlackWho = { user_id: 'U0SAM', user_name: 'sam', install: 'T0RIVER', team: 'T0RIVER', org: 'Riverside Council' }; // will not answer
const SAM_HOPE: SlackWho = { user_id: 'U0SAM', user_name: 'sam', install: 'T0HOPE', team: 'T0HOPE', org: 'Hope Trust' }; // same id, another person
const KIM: SlackWho = { user_id: 'U0KIM', user_name: 'kim', install: 'E0GRID', team: 'T0GRIDA', enterprise: 'E0GRID', org: 'Grid Health' };
/** A Slack Connect channel shared by all three installations: the partnership's Slack home. */
const SHARED = { channel_id: 'C0SHARED', channel_name: 'riverside-partners' };
const dmOf = (w: SlackWho) => ({ channel_id: `D${w.user_id}`, channel_name: 'directmessage' });

/** The host organisation's tenant (where the Teams home channel is), and a partner's. */
const HOST = '72f988bf-0000-41af-91ab-2d7cd011db47';
const PARTNER = 'c0ffee00-0000-4b1d-9a2e-3f4a5b6c7d8e';
/** Someone on Teams, in their tenant. */
interface TeamsWho extends Person {
  tenant: string;
  org: string;
}
const DANA: TeamsWho = {
  id: '29:1DanaBrooksHostTenant0000000000000000000000000000000000000000000000000',
  name: 'Dana Brooks',
  aad: 'aad-dana-host-5e6f7a8b',
  tenant: HOST,
  org: 'City Council',
};
const RUI: TeamsWho = {
  id: '29:1RuiCostaPartnerTenant00000000000000000000000000000000000000000000000',
  name: 'Rui Costa',
  aad: 'aad-rui-partner-9c0d1e2f',
  tenant: PARTNER,
  org: 'Health Trust',
}; // will not answer

const EM = 'em.okafor@example.org';
const KIT = 'kit.lane@example.org'; // will not answer
const ORGS = [
  'Riverside Council public',
  'Hope Trust voluntary',
  'Grid Health public',
  'City Council public',
  'Health Trust public',
  'Neighbours Group community',
];

// ---- The world ---------------------------------------------------------------------------------

const clock = fakeClock('2026-11-23T09:00:00Z'); // a Monday
let slack: FakeSlack;
let identity: FakeMicrosoftIdentity;
let connector: FakeTeamsConnector;
let smtp: SmtpInbox;
let trellis: TestTrellis;
let browser: Browser;
let page: Page;
let seq = 0;
const previousCa = globalAgent.options.ca;

beforeAll(async () => {
  slack = await startFakeSlack();
  Object.assign(slack.oauth, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  for (const w of [
    { id: 'T0RIVER', name: 'Riverside Council' },
    { id: 'T0HOPE', name: 'Hope Trust' },
    { id: 'E0GRID', name: 'Grid Health', orgWide: true },
  ])
    slack.oauth.workspaces.set(w.id, w);
  slack.own('T0RIVER', ['U0ALEX', 'U0SAM', 'C0SHARED']);
  slack.own('T0HOPE', ['U0SAM', 'C0SHARED']);
  slack.own('E0GRID', ['U0KIM', 'C0SHARED']);
  for (const [id, name] of [
    ['U0ALEX', 'Alex Morgan'],
    ['U0SAM', 'Sam Patel'],
    ['U0KIM', 'Kim Osei'],
  ] as const)
    slack.users.set(id, name);

  identity = await startFakeMicrosoftIdentity({ appId: APP_ID, appPassword: APP_PASSWORD });
  globalAgent.options.ca = identity.ca;
  connector = await startFakeTeamsConnector();

  smtp = await startSmtpInbox(SMTP_PASSWORD);

  trellis = await startTrellis(
    {
      SLACK_CLIENT_ID: CLIENT_ID,
      SLACK_CLIENT_SECRET: CLIENT_SECRET,
      SLACK_STATE_SECRET: STATE_SECRET,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      ...identity.env,
      MicrosoftAppType: 'MultiTenant',
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Trellis <trellis@example.org>',
      TRELLIS_MAIL_PER_SECOND: '100',
      PUBLIC_URL,
    },
    { clock },
  );
  slack.oauth.redirectUrl = `${trellis.url}/slack/oauth_redirect`;
  browser = await launchChromium();
  page = await browser.newPage({ javaScriptEnabled: false });
});

afterAll(async () => {
  await browser?.close();
  await trellis?.close();
  await smtp?.close();
  await connector?.close();
  await identity?.close();
  await slack?.close();
  globalAgent.options.ca = previousCa;
});

// ---- Slack: install, type, click, submit -------------------------------------------------------

/** A browser's install: /slack/install (state cookie), the fake's authorize page for `team`, back to /slack/oauth_redirect. */
async function install(team: string) {
  const start = await fetch(`${trellis.url}/slack/install`);
  const state = /slack-app-oauth-state=([^;]+)/.exec(start.headers.get('set-cookie') ?? '')![1]!;
  const authorize = new URL(/<a href="([^"]+)"/.exec(await start.text())![1]!.replace(/&amp;/g, '&'));
  authorize.searchParams.set('team', team);
  const back = (await fetch(authorize, { redirect: 'manual' })).headers.get('location')!;
  const done = await fetch(back, { headers: { cookie: `slack-app-oauth-state=${state}` } });
  expect(done.status).toBe(200);
}

/** The fields Slack puts on a slash command for where `w` types. */
const commandFrom = (w: SlackWho) =>
  w.enterprise
    ? { team_id: w.team, enterprise_id: w.enterprise, is_enterprise_install: 'true' }
    : { team_id: w.team, enterprise_id: '', is_enterprise_install: 'false' };
/** …and on a click or modal submission. */
const interactionFrom = (w: SlackWho) => ({
  user: { id: w.user_id, username: w.user_name, name: w.user_name, team_id: w.team },
  team: { id: w.team, domain: w.team.toLowerCase() },
  enterprise: w.enterprise ? { id: w.enterprise } : null,
  is_enterprise_install: !!w.enterprise,
});

const { run } = slackCommands<{ text: string; blocks?: unknown[] }>(() => ({ trellis, slack }));
const slackSay = (w: SlackWho, text: string, where: Record<string, string> = SHARED) => run(w, { ...where, ...commandFrom(w) }, text);

/** DMs posted since `from` whose text matches `what` (a check-in, a reminder), as "installation:user". */
const dmsSince = (from: number, what = /check-in #\d/) =>
  slack.calls
    .slice(from)
    .filter((c) => c.method === 'chat.postMessage' && /^U/.test(String(c.body.channel)) && what.test(String(c.body.text)))
    .map((c) => `${c.workspace}:${String(c.body.channel)}`)
    .sort();

/** `w` clicks the Answer button on their latest check-in DM (sent with their installation's token), then submits the modal. */
async function answerOnSlack(w: SlackWho, value: string) {
  const dm = lastOf(slack.calls, (c) => c.method === 'chat.postMessage' && c.body.channel === w.user_id && c.workspace === w.install)!;
  const button = (dm.body.blocks as Json[]).find((b) => b.type === 'actions')!.elements[0] as Json;
  const trigger = `trigger-across-${++seq}`;
  const click = slackFixture<Json>('block-actions-dm');
  expect(
    (
      await interaction(trellis.url, {
        ...click,
        ...interactionFrom(w),
        channel: { id: `D${w.user_id}`, name: 'directmessage' },
        container: { ...click.container, channel_id: `D${w.user_id}` },
        trigger_id: trigger,
        actions: [{ ...click.actions[0], action_id: button.action_id, value: button.value }],
        response_url: slack.responseUrl(`click-${seq}`),
      })
    ).status,
  ).toBe(200);
  const opened = await waitFor(() => slack.calls.find((c) => c.method === 'views.open' && c.body.trigger_id === trigger));
  expect(opened.workspace).toBe(w.install);
  const view = opened.body.view as Json;
  const values: Json = {};
  for (const block of view.blocks as Json[]) {
    if (block.type !== 'input') continue;
    values[block.block_id] =
      block.element.type === 'radio_buttons'
        ? { value: { type: 'radio_buttons', selected_option: (block.element.options as Json[]).find((o) => o.value === value) } }
        : { value: { type: 'plain_text_input', value: '' } };
  }
  const submission = slackFixture<Json>('view-submission');
  const res = await interaction(trellis.url, {
    ...submission,
    ...interactionFrom(w),
    view: { ...submission.view, ...view, app_installed_team_id: w.team, team_id: w.team, state: { values } },
  });
  expect(res.status).toBe(200);
  const ack = (await res.json()) as Json;
  expect(JSON.stringify(ack.view?.blocks)).toContain('Thanks — your answers are in');
  // The DM becomes "Answered", through the same installation.
  await trellis.drain();
  const updated = await waitFor(() =>
    lastOf(slack.calls, (c) => c.method === 'chat.update' && c.body.channel === `D${w.user_id}` && c.workspace === w.install),
  );
  expect(updated.result?.ok).toBe(true);
}

// ---- Teams: signed activities from two tenants --------------------------------------------------

/**
 * Activities as Teams sends them, each naming its sender's tenant and signed by the local issuer;
 * `deliver` answers with the invoke's answer and what went out meanwhile.
 */
const { inChannel: teamsInChannel, inPersonal: teamsInPersonal, invoke: teamsInvoke, deliver } = teamsRequests<Json>(() => ({ trellis, connector, identity }));

const cardOf = (s: SentActivity) => (s.activity.attachments as { content: Json }[])[0]!.content;
const tenantOf = (s: SentActivity) => ({
  conversation: (s.activity.conversation as { tenantId?: string }).tenantId,
  channelData: (s.activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id,
});
/** Proactive messages (not replies) sent since `from`, as "tenant:conversation". */
const proactiveSince = (from: number) =>
  connector.sent
    .slice(from)
    .filter((s) => !s.replyToId)
    .map((s) => `${tenantOf(s).conversation}:${s.conversationId}`)
    .sort();

/** `w` opens the dialog from their latest check-in card and submits it. */
async function answerOnTeams(w: TeamsWho, value: string) {
  const card = cardOf(lastOf(connector.sent, (s) => s.conversationId === chatOf(w) && !s.replyToId)!);
  const button = (card.actions as Json[]).find((a) => a.data?.msteams)!;
  const opened = await deliver(teamsInvoke('task/fetch', w, button.data));
  const form = opened.body!.task.value.card.content as Json;
  const inputs = Object.fromEntries((form.body as Json[]).filter((b) => b.type === 'Input.ChoiceSet').map((b) => [b.id, value]));
  const done = await deliver(teamsInvoke('task/submit', w, { ...inputs, comment: '', ...form.actions[0].data }));
  expect(done.body!.task.value).toContain('Thanks — your answers are in');
}

// ---- Email: what the SMTP server received, links followed in Chromium ---------------------------

const mailTo = (address: string) => smtp.mailTo(address);
/** Links are built on PUBLIC_URL; this test's server listens locally, so the browser goes there with the same path. */
const local = (link: string) => {
  expect(link.startsWith(`${PUBLIC_URL}/w/`)).toBe(true);
  return `${trellis.url}${new URL(link).pathname}`;
};
const checkInMails = (address: string, round: number) => mailTo(address).filter((m) => m.subject?.includes(`check-in #${round}`));

/** Everything stored, claims included: what an operator holding a backup sees. */
const snapshot = async () => JSON.stringify({ data: JSON.parse(await trellis.data()), claims: await trellis.claims() });

/**
 * The stored state once nothing more is being written: two captures in a row agree (a capture
 * taken during a write would miss its journal line, and an App Home refresh may still be landing).
 */
async function settled(): Promise<string> {
  await trellis.drain();
  let last = await snapshot();
  return waitFor(async () => {
    const now = await snapshot();
    const same = now === last;
    last = now;
    return same && now;
  });
}

/** GETs an emailed link in Chromium with the stored state captured either side: it must not change. */
async function openChangesNothing(link: string): Promise<number> {
  const before = await settled();
  const status = (await page.goto(local(link)))!.status();
  expect(await settled()).toBe(before);
  return status;
}

// ---- The story ---------------------------------------------------------------------------------

const partnership = async () => (await trellis.store.partnerships())[0]!;
const installations = async () => (JSON.parse(await trellis.data()).installations as { workspace: string }[]).map((i) => i.workspace).sort();

describe('one partnership across two Slack workspaces, two Teams tenants and email', () => {
  let code = '';
  let hopeToken = '';
  let afterUninstall = 0;

  it('installs Trellis in two Slack workspaces by OAuth, one of them an Enterprise Grid org-wide install', async () => {
    for (const team of ['T0RIVER', 'T0HOPE', 'E0GRID']) await install(team);
    expect(await installations()).toEqual(['E0GRID', 'T0HOPE', 'T0RIVER']);
    hopeToken = slack.tokens.get('T0HOPE')!;
  });

  it('gathers members from both workspaces, the org, both tenants and by email; the same Slack user id in two workspaces is two people', async () => {
    code = /\b([A-Z0-9]{4}-[A-Z0-9]{4})\b/.exec((await slackSay(ALEX, 'setup Riverside Partnership')).text)![1]!;
    for (const org of ORGS) expect((await slackSay(ALEX, `org add ${org}`)).text).toContain('Added');
    for (const w of [SAM_RIVER, SAM_HOPE, KIM])
      expect((await slackSay(w, `join ${code} ${w.org}`, dmOf(w))).text).toContain('Welcome to *Riverside Partnership*');
    for (const w of [DANA, RUI]) {
      const joined = await deliver(teamsInPersonal(w, `join ${code} ${w.org}`));
      expect(JSON.stringify(joined.sent.map(cardOf))).toContain('Welcome to **Riverside Partnership**');
    }
    for (const address of [EM, KIT]) expect((await slackSay(ALEX, `member add ${address} Neighbours Group`, dmOf(ALEX))).text).toContain('by email');

    const members = await trellis.store.members((await partnership()).id);
    expect(members.map((m) => `${m.platform}:${m.workspace}`).sort()).toEqual(
      ['email:email', 'email:email', `teams:${HOST}`, `teams:${PARTNER}`, 'slack:E0GRID', 'slack:T0HOPE', 'slack:T0RIVER', 'slack:T0RIVER'].sort(),
    );
    const sams = members.filter((m) => m.userId === 'U0SAM');
    expect(sams.map((m) => m.workspace).sort()).toEqual(['T0HOPE', 'T0RIVER']);
    expect(sams[0]!.id).not.toBe(sams[1]!.id);
    expect(sams[0]!.organisationId).not.toBe(sams[1]!.organisationId);
    // Each email member got one invitation, its link on PUBLIC_URL.
    await trellis.drain();
    for (const address of [EM, KIT]) {
      await waitFor(() => mailTo(address).length > 0);
      expect(mailTo(address)).toHaveLength(1);
      local(linksIn(mailTo(address)[0]!)[0]!);
    }
  });

  it('gives the partnership a home in each platform: the shared Slack Connect channel, and a Teams channel in the host tenant', async () => {
    expect((await slackSay(ALEX, 'role Dana Brooks coordinator')).text).toContain('Dana Brooks');
    const home = teamsInChannel(DANA, 'home');
    const answered = await deliver(home);
    expect(JSON.stringify(answered.sent.find((s) => s.replyToId)?.activity)).toContain('is now the Teams home');
    const homes = (await partnership()).homes.map((h) => `${h.platform}:${h.workspace}:${h.conversationId}`).sort();
    expect(homes).toEqual([`slack:T0RIVER:C0SHARED`, `teams:${HOST}:${TEAMS_CHANNEL}`]);
  });

  it("asks everyone on their own surface: DMs with each installation's token, cards in each tenant, emails", async () => {
    const [slackFrom, teamsFrom] = [slack.calls.length, connector.sent.length];
    expect((await slackSay(ALEX, 'survey now')).text).toContain('sent privately to 8 members');
    await trellis.drain();
    expect(dmsSince(slackFrom)).toEqual(['E0GRID:U0KIM', 'T0HOPE:U0SAM', 'T0RIVER:U0ALEX', 'T0RIVER:U0SAM']);
    // Slack (the fake) accepted every one: each went with the token of a workspace the person is in.
    for (const c of slack.calls.slice(slackFrom)) expect([c.method, c.result?.ok]).toEqual([c.method, true]);
    expect(proactiveSince(teamsFrom)).toEqual([`${HOST}:${chatOf(DANA)}`, `${PARTNER}:${chatOf(RUI)}`].sort());
    for (const s of connector.sent.slice(teamsFrom).filter((x) => !x.replyToId)) {
      expect(tenantOf(s).channelData).toBe(tenantOf(s).conversation);
      expect(identity.issued.map((t) => `Bearer ${t}`)).toContain(s.authorization);
    }
    expect([checkInMails(EM, 1).length, checkInMails(KIT, 1).length]).toEqual([1, 1]);
  });

  it('takes answers from all but three (one per surface): Slack modals, Teams dialogs, the emailed form in Chromium', async () => {
    await answerOnSlack(ALEX, '4');
    await answerOnSlack(SAM_HOPE, '3'); // Sam at Hope Trust answers; Sam at Riverside (the same user id) does not
    await answerOnSlack(KIM, '5'); // through the org-wide installation
    await answerOnTeams(DANA, '4');

    const link = linksIn(checkInMails(EM, 1)[0]!)[0]!;
    expect(await openChangesNothing(link)).toBe(200);
    const fieldsets = page.locator('fieldset');
    for (let i = 0; i < (await fieldsets.count()); i++) await fieldsets.nth(i).getByLabel('Agree', { exact: true }).check();
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.waitForLoadState();
    expect(await page.locator('main').innerText()).toContain('Thanks — your answers are in.');

    const round = (await trellis.store.rounds((await partnership()).id))[0]!;
    expect(await trellis.store.answerSets(round.id)).toHaveLength(5);
    expect((await slackSay(ALEX, 'survey status')).text).toContain('5 of 8 answered');
  });

  it('reminds only the three who have not answered, each on their own surface', async () => {
    const [slackFrom, teamsFrom, mailFrom] = [slack.calls.length, connector.sent.length, smtp.mail.length];
    clock.advance(49 * HOUR);
    await trellis.tick();
    await trellis.tick(); // a second tick reminds nobody again
    // Everything posted meanwhile, on every surface, is one reminder to each of the three.
    expect(dmsSince(slackFrom, /./)).toEqual(['T0RIVER:U0SAM']);
    expect(slack.calls.slice(slackFrom).filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
    expect(proactiveSince(teamsFrom)).toEqual([`${PARTNER}:${chatOf(RUI)}`]);
    for (const text of [
      ...slack.calls.slice(slackFrom).map((c) => JSON.stringify(c.body)),
      ...connector.sent.slice(teamsFrom).map((s) => JSON.stringify(s.activity)),
    ])
      expect(text).toContain('A reminder: Riverside Partnership');
    // By email the reminder is a content-free notice that says it is one, with its link.
    expect(smtp.mail.slice(mailFrom).map((m) => (Array.isArray(m.to) ? '' : m.to?.value[0]?.address))).toEqual([KIT]);
    expect(smtp.mail.slice(mailFrom).map((m) => m.subject)).toEqual(['Reminder — Riverside Partnership: check-in #1']);
    expect([checkInMails(EM, 1).length, checkInMails(KIT, 1).length]).toEqual([1, 2]);
  });

  it('closes the round: the digest reaches both homes, the Slack Connect channel and the Teams channel', async () => {
    const [slackFrom, teamsFrom] = [slack.calls.length, connector.sent.length];
    await slackSay(ALEX, 'survey close 1');
    await trellis.drain();
    const toShared = slack.calls.slice(slackFrom).filter((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0SHARED');
    expect(toShared.length).toBeGreaterThan(0);
    for (const c of toShared) expect([c.workspace, c.result?.ok]).toEqual(['T0RIVER', true]);
    expect(JSON.stringify(toShared.map((c) => c.body))).toContain('check-in #1');
    const toTeams = connector.sent.slice(teamsFrom).filter((s) => s.conversationId.startsWith(TEAMS_CHANNEL) && !s.replyToId);
    expect(toTeams.length).toBeGreaterThan(0);
    for (const s of toTeams) expect(tenantOf(s)).toEqual({ conversation: HOST, channelData: HOST });
    expect(JSON.stringify(toTeams.map((s) => s.activity))).toContain('check-in #1');
  });

  it("removes Hope Trust's installation on app_uninstalled; the next round asks nobody there, who counts as unreachable", async () => {
    slack.revoke('T0HOPE');
    afterUninstall = slack.calls.length;
    const teamsBefore = connector.sent.length;
    const res = await event(trellis.url, {
      type: 'event_callback',
      event_id: 'Ev0ACROSSUNINSTALL',
      team_id: 'T0HOPE',
      api_app_id: 'A123456',
      event: { type: 'app_uninstalled', event_ts: '1732353600.000200' },
    });
    expect(res.status).toBe(200);
    // Bolt acks first: the installation goes, then the coordinators are told (Slack and Teams).
    const removedNotice = (text: string) => /removed Trellis/.test(text);
    await waitFor(async () => {
      await trellis.drain();
      return (
        slack.calls.slice(afterUninstall).some((c) => c.method === 'chat.postMessage' && removedNotice(String(c.body.text))) &&
        connector.sent.slice(teamsBefore).some((s) => removedNotice(JSON.stringify(s.activity)))
      );
    });
    expect(await installations()).toEqual(['E0GRID', 'T0RIVER']);
    // The coordinators are told, privately and naming no one: Alex in Slack (through Riverside's installation).
    const notices = slack.calls.slice(afterUninstall).filter((c) => c.method === 'chat.postMessage' && removedNotice(String(c.body.text)));
    expect(notices.map((c) => `${c.workspace}:${String(c.body.channel)}`)).toEqual(['T0RIVER:U0ALEX']);
    // …and Dana, the Teams coordinator, in her own tenant.
    expect(proactiveSince(teamsBefore)).toEqual([`${HOST}:${chatOf(DANA)}`]);
    expect(JSON.stringify(connector.sent.slice(teamsBefore).map((s) => s.activity))).toContain("An organisation's Slack workspace removed Trellis");
    const told = JSON.stringify([notices.map((c) => c.body), connector.sent.slice(teamsBefore).map((s) => s.activity)]);
    expect(told).not.toMatch(/Hope|T0HOPE|Sam/);

    const status = JSON.stringify(await slackSay(ALEX, 'survey status'));
    expect(status).toContain('Cannot be reached');
    expect(status).toContain("1 member (their organisation's workspace removed Trellis");

    const [slackFrom, teamsFrom, mailFrom] = [slack.calls.length, connector.sent.length, smtp.mail.length];
    expect((await slackSay(ALEX, 'survey now')).text).toContain('1 of them cannot be messaged');
    await trellis.drain();
    expect(dmsSince(slackFrom)).toEqual(['E0GRID:U0KIM', 'T0RIVER:U0ALEX', 'T0RIVER:U0SAM']);
    expect(proactiveSince(teamsFrom)).toEqual([`${HOST}:${chatOf(DANA)}`, `${PARTNER}:${chatOf(RUI)}`].sort());
    expect([checkInMails(EM, 2).length, checkInMails(KIT, 2).length]).toEqual([1, 1]);
    expect(smtp.mail.length - mailFrom).toBe(2);
    // Sam at Hope Trust, typing again, is told Trellis is not installed there; nothing is called for it.
    const again = await slashCommand(trellis.url, { ...dmOf(SAM_HOPE), ...commandFrom(SAM_HOPE), user_id: SAM_HOPE.user_id, text: 'survey status' });
    expect(((await again.json()) as { text: string }).text).toContain("Trellis isn't installed in this workspace");
  });

  it("never again calls Slack with the uninstalled workspace's token", async () => {
    clock.advance(49 * HOUR);
    await trellis.tick(); // reminders for round 2
    await slackSay(ALEX, 'survey close 2');
    await trellis.drain();
    expect(slack.calls.slice(afterUninstall).length).toBeGreaterThan(0);
    expect(slack.calls.slice(afterUninstall).filter((c: SlackCall) => c.token === hopeToken || c.workspace === 'T0HOPE')).toEqual([]);
  });

  it('changes nothing stored when any emailed link is opened (GET), whatever it leads to', async () => {
    const links = smtp.mail.flatMap(linksIn);
    expect(links.length).toBeGreaterThanOrEqual(6); // two invitations, two check-ins each, a reminder
    for (const link of links) expect([200, 410]).toContain(await openChangesNothing(link));
  });
});
