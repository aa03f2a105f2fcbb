// Trellis as a distributed Slack app (Bolt's OAuth), end to end through the
// real server: two workspaces and an Enterprise Grid org install Trellis
// through /slack/install → Slack's authorize page (the fake's) →
// /slack/oauth_redirect with the state cookie; commands come from all of them;
// every Web API call carries the token of the workspace it is for (the fake
// refuses another workspace's token for its people and channels); the tokens
// are sealed at rest and never logged; a workspace with no installation gets
// the install link; an uninstall deletes the token at once and nothing is sent
// with it again.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from './helpers/fake-slack.js';
import { slackCommands } from './helpers/slack-commands.js';
import { SIGNING_SECRET, event, interaction, slashCommand } from './helpers/slack-requests.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';
import { waitFor } from './helpers/wait-for.js';

const CLIENT_ID = '1111.2222';
const CLIENT_SECRET = 'client-secret-0123456789abcdef';
const STATE_SECRET = 'state-secret-0123456789abcdef';

/** Where a person types: their workspace as Slack names it in a slash command's fields. */
const inTeam = (team: string) => ({ team_id: team, enterprise_id: '', is_enterprise_install: 'false' });
const inOrg = (enterprise: string, team: string) => ({ team_id: team, enterprise_id: enterprise, is_enterprise_install: 'true' });

const ALEX = { user_id: 'U0ALEX', user_name: 'alex' }; // coordinator, Riverside workspace (T0RIVER)
const SAM_RIVER = { user_id: 'U0SAM', user_name: 'sam' }; // Riverside's Sam
const SAM_HOPE = { user_id: 'U0SAM', user_name: 'sam' }; // Hope Trust's Sam (T0HOPE): the same user id, another person
const KIM = { user_id: 'U0KIM', user_name: 'kim' }; // in the Enterprise Grid org E0GRID (org-wide install), team T0GRIDA
const HOME = { channel_id: 'C0SHARED', channel_name: 'riverside-partners' }; // a Slack Connect channel shared by all three

let slack: FakeSlack;
let trellis: TestTrellis;
const world = { code: '' };
const { run } = slackCommands<{ text: string }>(() => ({ trellis, slack }));

/** The browser's install: GET /slack/install (state cookie), the authorize page for `team`, then the redirect with the cookie. */
async function install(team: string, cookie?: (set: string) => string) {
  const page = await fetch(`${trellis.url}/slack/install`);
  expect(page.status).toBe(200);
  const setCookie = page.headers.get('set-cookie') ?? '';
  const state = /slack-app-oauth-state=([^;]+)/.exec(setCookie)?.[1];
  expect(state).toBeTruthy();
  const href = /<a href="([^"]+)"/.exec(await page.text())?.[1];
  expect(href?.startsWith(slack.authorizeUrl)).toBe(true);
  const authorize = new URL(href!.replace(/&amp;/g, '&'));
  expect(authorize.searchParams.get('client_id')).toBe(CLIENT_ID);
  expect(authorize.searchParams.get('state')).toBe(state);
  authorize.searchParams.set('team', team);
  const slackSays = await fetch(authorize, { redirect: 'manual' });
  expect(slackSays.status).toBe(302);
  const back = slackSays.headers.get('location')!;
  expect(back.startsWith(`${trellis.url}/slack/oauth_redirect?`)).toBe(true);
  return fetch(back, { headers: { cookie: cookie ? cookie(state!) : `slack-app-oauth-state=${state}` } });
}

beforeAll(async () => {
  slack = await startFakeSlack();
  slack.oauth.clientId = CLIENT_ID;
  slack.oauth.clientSecret = CLIENT_SECRET;
  for (const w of [
    { id: 'T0RIVER', name: 'Riverside Council' },
    { id: 'T0HOPE', name: 'Hope Trust' },
    { id: 'E0GRID', name: 'Grid Health', orgWide: true },
    { id: 'T0NEVER', name: 'Never installed' },
  ])
    slack.oauth.workspaces.set(w.id, w);
  slack.own('T0RIVER', ['U0ALEX', 'U0SAM', 'C0SHARED']);
  slack.own('T0HOPE', ['U0SAM', 'C0SHARED']);
  slack.own('E0GRID', ['U0KIM', 'C0SHARED']);
  slack.users.set('U0ALEX', 'Alex Morgan');
  slack.users.set('U0SAM', 'Sam Patel');
  slack.users.set('U0KIM', 'Kim Osei');
  trellis = await startTrellis({
    SLACK_CLIENT_ID: CLIENT_ID,
    SLACK_CLIENT_SECRET: CLIENT_SECRET,
    SLACK_STATE_SECRET: STATE_SECRET,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    PUBLIC_URL: 'https://trellis.example.org',
  });
  slack.oauth.redirectUrl = `${trellis.url}/slack/oauth_redirect`;
});

afterAll(async () => {
  await trellis?.close();
  await slack?.close();
});

describe('Slack OAuth distribution', () => {
  it('refuses an install callback without the browser state cookie, or with a code Slack does not accept, with a 400', async () => {
    const forged = await install('T0RIVER', () => 'slack-app-oauth-state=someone-elses');
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('not from an installation started in this browser');
    const page = await fetch(`${trellis.url}/slack/install`);
    const state = /slack-app-oauth-state=([^;]+)/.exec(page.headers.get('set-cookie') ?? '')![1]!;
    const badCode = await fetch(`${trellis.url}/slack/oauth_redirect?code=made-up&state=${state}`, { headers: { cookie: `slack-app-oauth-state=${state}` } });
    expect(badCode.status).toBe(400);
    expect(await badCode.text()).toContain('invalid_code');
    expect(slack.tokens.size).toBe(0);
  });

  it('installs two workspaces and an Enterprise Grid org through /slack/install and /slack/oauth_redirect', async () => {
    for (const team of ['T0RIVER', 'T0HOPE', 'E0GRID']) {
      const done = await install(team);
      expect(done.status).toBe(200);
      expect(await done.text()).toContain('Trellis is installed');
    }
    expect([...slack.tokens.keys()].sort()).toEqual(['E0GRID', 'T0HOPE', 'T0RIVER']);
    // The code was exchanged with the app's own credentials.
    const exchanges = slack.calls.filter((c) => c.method === 'oauth.v2.access' && c.result?.ok === true);
    expect(exchanges).toHaveLength(3);
  });

  it('answers a slash command from a workspace without an installation with the install link (200, nothing done)', async () => {
    const before = slack.calls.length;
    const res = await slashCommand(trellis.url, { ...inTeam('T0NEVER'), user_id: 'U0NEW', text: 'setup Elsewhere' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { text: string; response_type: string };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toBe(
      "Trellis isn't installed in this workspace: https://trellis.example.org/slack/install — a workspace admin can add it there (or ask your admin to approve it), then try again.",
    );
    expect(slack.calls.slice(before)).toEqual([]);
  });

  it('serves commands from every installed workspace, each with its own token', async () => {
    const setup = await run(ALEX, { ...HOME, ...inTeam('T0RIVER') }, 'setup Riverside Partnership');
    expect(setup.text).toContain('Riverside Partnership');
    const code = /([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(setup.text)![1]!;
    world.code = code;
    for (const org of ['Riverside Council public', 'Hope Trust voluntary', 'Grid Health public'])
      await run(ALEX, { ...HOME, ...inTeam('T0RIVER') }, `org add ${org}`);
    expect((await run(KIM, { ...HOME, ...inOrg('E0GRID', 'T0GRIDA') }, `join ${code} Grid Health`)).text).toContain(
      'Welcome to *Riverside Partnership*, Kim Osei',
    );
    // Bolt looked the callers' names up with their own workspace's token, never another's.
    const lookups = slack.calls.filter((c) => c.method === 'users.info');
    expect(lookups.length).toBeGreaterThan(0);
    for (const c of lookups) expect(c.result?.ok, JSON.stringify({ user: c.body.user, ws: c.workspace })).toBe(true);
    expect(lookups.find((c) => c.body.user === 'U0KIM')?.token).toBe(slack.tokens.get('E0GRID'));
    expect(lookups.find((c) => c.body.user === 'U0ALEX')?.token).toBe(slack.tokens.get('T0RIVER'));
  });

  it('counts the same user id in two workspaces as two people', async () => {
    const { code } = world;
    expect((await run(SAM_RIVER, { ...HOME, ...inTeam('T0RIVER') }, `join ${code} Riverside Council`)).text).toContain('Welcome');
    expect((await run(SAM_HOPE, { ...HOME, ...inTeam('T0HOPE') }, `join ${code} Hope Trust`)).text).toContain('Welcome');
    const members = JSON.stringify(await run(ALEX, { ...HOME, ...inTeam('T0RIVER') }, 'members'));
    expect(members.match(/Sam Patel/g)).toHaveLength(2);
    expect(members).toContain('Riverside Council');
    expect(members).toContain('Hope Trust');
  });

  it("sends each person's check-in through their own workspace's installation, with its token", async () => {
    const from = slack.calls.length;
    const opened = await run(ALEX, { ...HOME, ...inTeam('T0RIVER') }, 'survey now');
    expect(opened.text).toContain('4 members');
    await trellis.drain();
    const posts = slack.calls.slice(from).filter((c) => c.method === 'chat.postMessage' && /^U/.test(String(c.body.channel)));
    const byWorkspace = posts.map((c) => `${c.workspace}:${String(c.body.channel)}`).sort();
    expect(byWorkspace).toEqual(['E0GRID:U0KIM', 'T0HOPE:U0SAM', 'T0RIVER:U0ALEX', 'T0RIVER:U0SAM']);
    for (const c of posts) {
      expect(c.result?.ok).toBe(true);
      expect(c.token).toBe(slack.tokens.get(c.workspace!));
    }
  });

  it("has a fake Slack that refuses one workspace's token for another's people (so the checks above mean something)", async () => {
    const call = async (method: string, token: string, body: Record<string, string>) =>
      (await (
        await fetch(`${slack.apiUrl}${method}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: new URLSearchParams(body) })
      ).json()) as {
        ok: boolean;
        error?: string;
      };
    const river = slack.tokens.get('T0RIVER')!;
    expect(await call('chat.postMessage', river, { channel: 'U0KIM', text: 'x' })).toMatchObject({ ok: false, error: 'channel_not_found' });
    expect(await call('users.info', river, { user: 'U0KIM' })).toMatchObject({ ok: false, error: 'user_not_found' });
    expect((await call('users.info', slack.tokens.get('E0GRID')!, { user: 'U0KIM' })).ok).toBe(true);
  });

  it("publishes App Home with the opener's own workspace's token", async () => {
    const from = slack.calls.length;
    const res = await event(trellis.url, {
      type: 'event_callback',
      event_id: 'Ev0HOMEKIM',
      team_id: 'T0GRIDA',
      enterprise_id: 'E0GRID',
      api_app_id: 'A123456',
      authorizations: [{ enterprise_id: 'E0GRID', team_id: null, user_id: 'UBOT', is_bot: true, is_enterprise_install: true }],
      event: { type: 'app_home_opened', user: 'U0KIM', channel: 'D0KIM', tab: 'home', event_ts: '1732353600.000100' },
    });
    expect(res.status).toBe(200);
    const published = await waitFor(() => slack.calls.slice(from).find((c) => c.method === 'views.publish'));
    expect(published.workspace).toBe('E0GRID');
    expect(JSON.stringify(published.body.view)).toContain('Riverside Partnership');
  });

  it('keeps every token sealed: not in the data file, its journal, or the logs', async () => {
    await trellis.drain();
    const files = await readdir(trellis.dir);
    const texts = await Promise.all(files.map((f) => readFile(join(trellis.dir, f), 'utf8').catch(() => '')));
    const everything = texts.join('\n') + trellis.logs.join('\n');
    expect(slack.tokens.size).toBe(3);
    for (const token of slack.tokens.values()) expect(everything).not.toContain(token);
    expect(everything).not.toContain(CLIENT_SECRET);
    expect(everything).not.toContain(STATE_SECRET);
    expect(JSON.parse(await trellis.data()).installations).toHaveLength(3);
  });

  it('deletes an installation at once on app_uninstalled; the next command from there gets the install link', async () => {
    const hopeToken = slack.tokens.get('T0HOPE')!;
    slack.revoke('T0HOPE');
    const res = await event(trellis.url, {
      type: 'event_callback',
      event_id: 'Ev0UNINSTALL',
      team_id: 'T0HOPE',
      api_app_id: 'A123456',
      event: { type: 'app_uninstalled', event_ts: '1732353600.000200' },
    });
    expect(res.status).toBe(200);
    await waitFor(async () => JSON.parse(await trellis.data()).installations.length === 2);
    await trellis.drain();
    // The coordinator (in another workspace) is told privately, without which organisation or who.
    const notice = slack.calls.find((c) => c.method === 'chat.postMessage' && c.body.channel === 'U0ALEX' && /removed Trellis/.test(String(c.body.text)));
    expect(notice?.workspace).toBe('T0RIVER');
    expect(String(notice?.body.text)).toContain("An organisation's Slack workspace removed Trellis");
    expect(String(notice?.body.text)).not.toMatch(/Hope|T0HOPE|Sam/);
    // Told once, though Slack also sends tokens_revoked for the same uninstall.
    await event(trellis.url, {
      type: 'event_callback',
      event_id: 'Ev0REVOKEHOPE',
      team_id: 'T0HOPE',
      api_app_id: 'A123456',
      event: { type: 'tokens_revoked', tokens: { bot: ['UBOT'] }, event_ts: '1732353600.000250' },
    });
    await trellis.drain();
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage' && /removed Trellis/.test(String(c.body.text)))).toHaveLength(1);
    const after = slack.calls.length;
    // Hope Trust's Sam counts as unreachable; the next check-in goes to everyone else and nothing goes with Hope's token.
    const status = JSON.stringify(await run(ALEX, { ...HOME, ...inTeam('T0RIVER') }, 'survey status'));
    expect(status).toContain('Cannot be reached');
    expect(status).toContain("1 member (their organisation's workspace removed Trellis");
    await run(ALEX, { ...HOME, ...inTeam('T0RIVER') }, 'survey close 1');
    expect((await run(ALEX, { ...HOME, ...inTeam('T0RIVER') }, 'survey now')).text).toContain('1 of them cannot be messaged');
    await trellis.drain();
    const posts = slack.calls.slice(after).filter((c) => c.method === 'chat.postMessage' && /^U/.test(String(c.body.channel)));
    expect(posts.map((c) => `${c.workspace}:${String(c.body.channel)}`).sort()).toEqual(['E0GRID:U0KIM', 'T0RIVER:U0ALEX', 'T0RIVER:U0SAM']);
    const answer = await slashCommand(trellis.url, { ...inTeam('T0HOPE'), user_id: SAM_HOPE.user_id, text: 'help' });
    expect(((await answer.json()) as { text: string }).text).toContain("Trellis isn't installed in this workspace");
    await trellis.drain();
    expect(slack.calls.slice(after).filter((c) => c.token === hopeToken)).toEqual([]);
  });

  it('replaces a modal sent from a workspace without an installation with the install link', async () => {
    const res = await interaction(trellis.url, {
      type: 'view_submission',
      user: { id: 'U0SAM', team_id: 'T0HOPE' },
      team: { id: 'T0HOPE' },
      is_enterprise_install: false,
      trigger_id: 'trigger-view-hope',
      view: { id: 'V0HOPE', callback_id: 'trellis-form', private_metadata: '{}', state: { values: {} } },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { response_action: string; view: { blocks: unknown[] } };
    expect(body.response_action).toBe('update');
    expect(JSON.stringify(body.view.blocks)).toContain("Trellis isn't installed in this workspace");
  });

  it('tokens_revoked for the org-wide install: a user token alone changes nothing; the bot token deletes the org installation', async () => {
    const revoked = (id: string, tokens: Record<string, string[]>) =>
      event(trellis.url, {
        type: 'event_callback',
        event_id: id,
        team_id: 'T0GRIDA',
        enterprise_id: 'E0GRID',
        api_app_id: 'A123456',
        authorizations: [{ enterprise_id: 'E0GRID', team_id: null, user_id: 'UBOT', is_bot: true, is_enterprise_install: true }],
        event: { type: 'tokens_revoked', tokens, event_ts: '1732353600.000300' },
      });
    expect((await revoked('Ev0REVOKEUSER', { oauth: ['UADMINE0GRID'] })).status).toBe(200);
    await trellis.drain();
    expect((JSON.parse(await trellis.data()).installations as { workspace: string }[]).map((i) => i.workspace)).toContain('E0GRID');
    expect((await revoked('Ev0REVOKEBOT', { bot: ['UBOT'] })).status).toBe(200);
    await waitFor(async () => !(JSON.parse(await trellis.data()).installations as { workspace: string }[]).some((i) => i.workspace === 'E0GRID'));
    const answer = await slashCommand(trellis.url, { ...inOrg('E0GRID', 'T0GRIDA'), user_id: KIM.user_id, text: 'help' });
    expect(((await answer.json()) as { text: string }).text).toContain("Trellis isn't installed in this workspace");
  });
});
