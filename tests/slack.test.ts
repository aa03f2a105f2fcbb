// Slack end to end: signed HTTP requests into the real server, the bot's
// Web API calls and response_url posts captured by a fake Slack.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from './helpers/fake-slack.js';
import { slackCommands } from './helpers/slack-commands.js';
import { BOT_TOKEN, SIGNING_SECRET, event, fixture, interaction, slashCommand } from './helpers/slack-requests.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';
import { waitFor } from './helpers/wait-for.js';

const ALEX = { user_id: 'U0ALEX', user_name: 'alex' };
const SAM = { user_id: 'U0SAM', user_name: 'sam' };
const CHANNEL = { channel_id: 'C0RIVER', channel_name: 'riverside' };
const SAM_DM = { channel_id: 'D0SAM', channel_name: 'directmessage' };

let slack: FakeSlack;
let trellis: TestTrellis;
let seq = 0;

const env = () => ({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl });

type Reply = { response_type: string; text: string; blocks: { type: string }[] };

const { run } = slackCommands<Reply>(() => ({ trellis, slack }));

async function click(who: Record<string, string>, actionId: string, value: string): Promise<Reply> {
  const id = `r${++seq}`;
  const base = fixture<Record<string, unknown>>('block-actions');
  const action = { ...(base.actions as object[])[0], action_id: actionId, value };
  const res = await interaction(trellis.url, {
    ...base,
    user: { id: who.user_id, name: who.user_name },
    actions: [action],
    response_url: slack.responseUrl(id),
  });
  expect(res.status).toBe(200);
  return (await waitFor(() => slack.responses.find((r) => r.id === id))).body as unknown as Reply;
}

const all = (r: Reply) => JSON.stringify(r.blocks);

beforeAll(async () => {
  slack = await startFakeSlack();
  slack.users.set('U0ALEX', 'Alex Morgan');
  slack.users.set('U0SAM', 'Sam Patel');
  trellis = await startTrellis(env());
});
afterAll(async () => {
  await trellis.close();
  await slack.close();
});

describe('Slack', () => {
  let code = '';

  it('reports the active adapter and store on /healthz', async () => {
    const health = await (await fetch(`${trellis.url}/healthz`)).json();
    expect(health).toEqual({ status: 'ok', adapters: ['slack'], store: 'lowdb' });
  });

  it('sets up a partnership in a channel, visible to the channel, with an invite code', async () => {
    const reply = await run(ALEX, CHANNEL, 'setup Riverside Partnership');
    expect(reply.response_type).toBe('in_channel');
    expect(reply.text).toContain('Riverside Partnership');
    code = /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec(reply.text)![1]!;
    expect(all(reply)).toContain('Alex Morgan'); // display name looked up with users.info
    expect(slack.calls.some((c) => c.method === 'users.info')).toBe(true);
  });

  it('lets the coordinator add organisations and a partner join from a DM', async () => {
    expect((await run(ALEX, CHANNEL, 'org add City Council public')).text).toContain('Added City Council');
    expect((await run(ALEX, CHANNEL, 'org add Health Trust public')).text).toContain('Added Health Trust');
    const joined = await run(SAM, SAM_DM, `join ${code} health trust`);
    expect(joined.response_type).toBe('ephemeral');
    expect(joined.text).toContain('Welcome to *Riverside Partnership*, Sam Patel');
  });

  it('gives a role by Slack mention and lists members', async () => {
    expect((await run(ALEX, CHANNEL, 'role <@U0SAM|sam> critical-friend')).text).toContain('Sam Patel is now a critical friend');
    await trellis.drain(); // the announcement in the home channel has gone out, so later snapshots hold still
    const members = all(await run(SAM, SAM_DM, 'members'));
    expect(members).toContain('Alex Morgan — independent · coordinator');
    expect(members).toContain('Sam Patel — Health Trust (public) · critical friend');
  });

  it('runs the command behind a rendered button when clicked', async () => {
    const status = await run(ALEX, CHANNEL, 'status');
    const actions = status.blocks.find((b) => b.type === 'actions') as unknown as { elements: { action_id: string; value: string }[] };
    const members = actions.elements.find((e) => e.value === 'members')!;
    expect(all(await click(ALEX, members.action_id, members.value))).toContain('2 members in Riverside Partnership');
  });

  it('answers a misspelt command with "Did you mean" and a button that runs the command meant', async () => {
    const reply = await run(SAM, SAM_DM, 'memebers');
    expect(reply.text).toContain('Did you mean `members`?');
    const actions = reply.blocks.find((b) => b.type === 'actions') as unknown as { elements: { action_id: string; value: string; text: { text: string } }[] };
    expect(actions.elements).toEqual([expect.objectContaining({ value: 'members', text: expect.objectContaining({ text: 'members' }) })]);
    const clicked = await click(SAM, actions.elements[0]!.action_id, actions.elements[0]!.value);
    expect(all(clicked)).toContain('2 members in Riverside Partnership');
  });

  it("publishes App Home with the person's partnerships and role", async () => {
    const home = fixture<Record<string, unknown>>('app-home-opened');
    const res = await event(trellis.url, { ...home, event: { ...(home.event as object), user: 'U0SAM' } });
    expect(res.status).toBe(200);
    const publish = await waitFor(() => slack.calls.find((c) => c.method === 'views.publish'));
    expect(publish.body.user_id).toBe('U0SAM');
    expect(JSON.stringify(publish.body.view)).toContain('Riverside Partnership — critical friend, Health Trust');
  });

  it("shows the coordinator's console on App Home and for `/trellis menu`, and its buttons run as the clicker", async () => {
    const home = fixture<Record<string, unknown>>('app-home-opened');
    const before = slack.calls.length;
    await event(trellis.url, { ...home, event_id: 'Ev0HOMEALEX', event: { ...(home.event as object), user: 'U0ALEX' } });
    const publish = await waitFor(() => slack.calls.slice(before).find((c) => c.method === 'views.publish' && c.body.user_id === 'U0ALEX'));
    const published = JSON.stringify(publish.body.view);
    for (const label of ['Check-ins', 'Schedule check-ins', 'Open one now', 'Add an organisation', 'Invite code', 'Add a protocol', 'Dashboard']) {
      expect(published).toContain(label);
    }
    expect(published).not.toContain('Close it now'); // no round is open

    const menu = await run(ALEX, SAM_DM, 'menu');
    expect(menu.response_type).toBe('ephemeral');
    const buttons = menu.blocks
      .filter((b) => b.type === 'actions')
      .flatMap((b) => (b as unknown as { elements: { action_id: string; value: string; text: { text: string } }[] }).elements);
    expect(buttons.map((b) => b.text.text)).toEqual(expect.arrayContaining(['Schedule check-ins', 'Open one now', 'Invite code', 'Trends', 'Export']));
    expect(new Set(buttons.map((b) => b.action_id)).size).toBe(buttons.length); // unique across the groups, as Slack requires
    const invite = buttons.find((b) => b.text.text === 'Invite code')!;
    expect(all(await click(ALEX, invite.action_id, invite.value))).toContain(code);
    // The same click by someone not in the partnership runs nothing.
    expect(all(await click({ user_id: 'U0NOBODY', user_name: 'nobody' }, invite.action_id, invite.value))).toContain('a partnership you are not in');
  });

  it('answers commands typed to the bot in its Messages tab, and ignores its own and edited messages', async () => {
    const im = fixture<Record<string, unknown>>('message-im');
    const before = slack.calls.length;
    expect((await event(trellis.url, im)).status).toBe(200);
    const reply = await waitFor(() => slack.calls.slice(before).find((c) => c.method === 'chat.postMessage' && c.body.channel === 'D0SAM'));
    expect(JSON.stringify(reply.body.blocks)).toContain('Riverside Partnership');
    const edited = { ...im, event_id: 'Ev0IM00002', event: { ...(im.event as object), subtype: 'message_changed' } };
    const fromBot = { ...im, event_id: 'Ev0IM00003', event: { ...(im.event as object), user: 'UBOT', bot_id: 'BBOT', subtype: 'bot_message' } };
    await event(trellis.url, edited);
    await event(trellis.url, fromBot);
    await new Promise((r) => setTimeout(r, 200));
    expect(slack.calls.slice(before).filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
  });

  it('refuses a member changing the partnership, and explains', async () => {
    await trellis.drain();
    const before = await trellis.data();
    const reply = await run(SAM, CHANNEL, 'org add Sneaky Ltd private');
    expect(reply.text).toContain('Only coordinators can add organisations');
    expect(reply.text).toContain('Alex Morgan');
    expect(await trellis.data()).toBe(before);
  });

  it('answers malformed commands with a specific error and the usage line, changing nothing', async () => {
    await trellis.drain();
    const before = await trellis.data();
    expect((await run(ALEX, CHANNEL, 'frobnicate')).text).toContain('I don\'t know the command "frobnicate"');
    const badSector = await run(ALEX, CHANNEL, 'org add Acme corporate');
    expect(badSector.text).toContain('"corporate" is not a sector');
    expect(badSector.text).toContain('Usage: `org add <name> <public|private|voluntary|community>`');
    expect((await run(ALEX, CHANNEL, 'set threshold 2')).text).toContain('cannot be below 3');
    expect((await run(SAM, SAM_DM, 'join NOPE-NOPE City Council')).text).toContain('No partnership has the invite code NOPE-NOPE');
    expect(await trellis.data()).toBe(before);
  });

  it('treats a forged button as unknown and changes nothing', async () => {
    await trellis.drain();
    const before = await trellis.data();
    expect((await click(ALEX, 'trellis:delete-everything:0', 'x')).text).toContain("isn't one Trellis knows");
    expect((await click(ALEX, 'not-ours', 'status')).text).toContain("isn't one Trellis knows");
    expect(await trellis.data()).toBe(before);
  });

  it.each([
    ['unsigned', { unsigned: true }],
    ['signed with the wrong secret', { secret: 'not-the-signing-secret-at-all-000' }],
    ['stale (6 minutes old)', { timestamp: Math.floor(Date.now() / 1000) - 360 }],
    ['from the future (6 minutes ahead)', { timestamp: Math.floor(Date.now() / 1000) + 360 }],
  ] as const)('rejects a request %s with 401 and changes nothing', async (_name, o) => {
    await trellis.drain();
    const before = await trellis.data();
    const sent = slack.responses.length;
    const res = await slashCommand(trellis.url, { ...ALEX, ...CHANNEL, text: 'org add Forged Org public', response_url: slack.responseUrl('forged') }, o);
    expect(res.status).toBe(401);
    await new Promise((r) => setTimeout(r, 100));
    expect(slack.responses.length).toBe(sent);
    expect(await trellis.data()).toBe(before);
  });

  it('keeps everything across a restart', async () => {
    await trellis.stop();
    trellis = await startTrellis(env(), { dir: trellis.dir });
    const status = await run(ALEX, CHANNEL, 'status');
    expect(all(status)).toContain('Riverside Partnership');
    expect(all(status)).toContain('2 (2 on Slack)');
  });

  it('renames an organisation its member is in, and tells the member privately of a role change', async () => {
    await trellis.drain();
    const mark = slack.calls.length;
    const renamed = await run(ALEX, CHANNEL, 'org rename health trust to Riverside Health Trust');
    expect(renamed.text).toContain('Health Trust is now called Riverside Health Trust');
    expect(all(await run(SAM, SAM_DM, 'members'))).toContain('Sam Patel — Riverside Health Trust (public) · critical friend');
    expect((await run(ALEX, CHANNEL, 'role <@U0SAM|sam> coordinator')).text).toContain('Sam Patel is now a coordinator of Riverside Partnership.');
    await trellis.drain();
    // Into Sam's DM (a user id as the channel), through the outbox: the change of critical friend, and Sam's own note.
    const toSam = slack.calls.slice(mark).filter((c) => c.method === 'chat.postMessage' && c.body.channel === 'U0SAM');
    // Both, in whichever order the outbox sent them.
    expect(toSam).toHaveLength(2);
    expect(toSam.map((c) => c.body.text)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('Sam Patel is no longer a critical friend of Riverside Partnership (changed by Alex Morgan)'),
        expect.stringContaining('You are now a coordinator of Riverside Partnership (changed by Alex Morgan, a coordinator).'),
      ]),
    );
    const own = toSam.find((c) => String(c.body.text).includes('You are now a coordinator'))!;
    expect(JSON.stringify(own.body.blocks)).toContain('Type `help` to see what coordinators can do.');
    // Alex made the change and read the reply: no note to Alex.
    expect(slack.calls.slice(mark).filter((c) => c.method === 'chat.postMessage' && c.body.channel === 'U0ALEX')).toEqual([]);
  });

  it('never logs the bot token or the signing secret', () => {
    const logs = trellis.logs.join('\n');
    expect(logs).not.toContain(BOT_TOKEN);
    expect(logs).not.toContain(SIGNING_SECRET);
  });
});
