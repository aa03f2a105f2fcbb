// Teams end to end: real-shaped Bot Framework activities POSTed to
// /api/messages on the real server; the cards the bot sends are captured by a
// fake connector that the activities' serviceUrl points at.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandText } from '../src/adapters/teams/command-text.js';
import { renderCard } from '../src/adapters/teams/render-card.js';
import { BAD_CLICK } from '../src/adapters/teams/teams-routes.js';
import { SORRY } from '../src/report-error.js';
import { startFakeTeamsConnector, type FakeTeamsConnector, type SentActivity } from './helpers/fake-teams-connector.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';
import { type Activity, ALEX, BOT, CHANNEL, chatKey, fixture, type Person, SAM, teamsRequests, UNAUTHENTICATED } from './helpers/teams-requests.js';

type Card = {
  type: string;
  version: string;
  body: { type: string; text?: string; color?: string; facts?: { title: string; value: string }[] }[];
  actions?: { type: string; title: string; data: Record<string, unknown> }[];
};

const TEAM = fixture('install-team').conversation.id as string;
const DANA: Person = { id: '29:1Kp4danaBrooksEmploymentService000000000000000000000000000000000000000000', name: 'Dana Brooks', aad: 'aad-dana-1f2e3d4c' };

let connector: FakeTeamsConnector;
let trellis: TestTrellis;
let seq = 0;

/** Personal chats here are named by the person's id: the reference assertions below spell them out. */
const personalChat = (p: Person) => `a:personal-${p.id}`;
const { inChannel, inPersonal, post } = teamsRequests(() => ({ trellis, connector }), { personalChat });

/** Posts one activity and returns what the bot sent back for it (exactly one activity). */
async function send(activity: Activity): Promise<SentActivity> {
  const before = connector.sent.length;
  const res = await post(activity);
  expect(res.status).toBe(200);
  const replies = connector.sent.slice(before);
  expect(replies).toHaveLength(1);
  return replies[0]!;
}

/** An Action.Submit click on a card in the channel, carrying `value`. */
function click(who: Person, value: unknown): Activity {
  const m = fixture('card-submit');
  return { ...m, id: `c${++seq}`, serviceUrl: connector.serviceUrl, from: { ...m.from, id: who.id, name: who.name }, value };
}

/** An Action.Submit click on a card in the person's personal chat with the bot. */
function clickInPersonal(who: Person, value: unknown): Activity {
  const { text: _text, textFormat: _format, ...m } = inPersonal(who, '');
  return { ...m, replyToId: `r${++seq}`, value };
}

const cardOf = (s: SentActivity): Card => {
  const attachments = s.activity.attachments as { contentType: string; content: Card }[];
  expect(attachments).toHaveLength(1);
  expect(attachments[0]!.contentType).toBe('application/vnd.microsoft.card.adaptive');
  return attachments[0]!.content;
};
const textOf = (s: SentActivity) => JSON.stringify(cardOf(s).body);
const isError = (s: SentActivity) => cardOf(s).body.some((b) => b.color === 'attention');

const say = async (who: Person, text: string, mentions?: Pick<Person, 'id' | 'name'>[]) => send(inChannel(who, text, mentions));
const tell = async (who: Person, text: string) => send(inPersonal(who, text));

beforeAll(async () => {
  connector = await startFakeTeamsConnector();
  trellis = await startTrellis(UNAUTHENTICATED);
});
afterAll(async () => {
  await trellis?.close();
  await connector?.close();
});

describe('Teams', () => {
  let code = '';

  it('reports the Teams adapter on /healthz', async () => {
    const health = await (await fetch(`${trellis.url}/healthz`)).json();
    expect(health).toEqual({ status: 'ok', adapters: ['teams'], store: 'lowdb' });
  });

  it('welcomes a team when installed, and keeps the conversation reference', async () => {
    const install = { ...fixture('install-team'), serviceUrl: connector.serviceUrl };
    const welcome = await send(install);
    expect(welcome.conversationId).toBe(TEAM);
    expect(cardOf(welcome).body[0]!.text).toBe('Trellis commands');
    expect(textOf(welcome)).toContain('setup <name>');
    const saved = await trellis.store.conversation('teams', chatKey(TEAM));
    expect(saved?.reference).toMatchObject({
      serviceUrl: connector.serviceUrl,
      channelId: 'msteams',
      bot: { id: BOT.id },
      conversation: { id: TEAM, conversationType: 'channel' },
    });
  });

  it('welcomes a person who adds Trellis as a personal app, keeping the reference by person', async () => {
    const install = fixture('install-team');
    const personal = `a:personal-${DANA.id}`;
    const welcome = await send({
      ...install,
      serviceUrl: connector.serviceUrl,
      from: { id: DANA.id },
      conversation: { conversationType: 'personal', tenantId: install.conversation.tenantId, id: personal },
      channelData: { tenant: install.channelData.tenant },
    });
    expect(welcome.conversationId).toBe(personal);
    expect(textOf(welcome)).toContain('join <invite-code> <organisation>');
    expect((await trellis.store.conversation('teams', chatKey(DANA.id)))?.reference).toMatchObject({ user: { id: DANA.id }, conversation: { id: personal } });
  });

  it('does not welcome when someone else joins the team', async () => {
    const install = fixture('install-team');
    const before = connector.sent.length;
    const res = await post({ ...install, serviceUrl: connector.serviceUrl, membersAdded: [{ id: DANA.id }] });
    expect(res.status).toBe(200);
    expect(connector.sent.length).toBe(before);
  });

  it('sets up a partnership in a channel from "@Trellis setup …", replying in the thread with an Adaptive Card', async () => {
    const activity = inChannel(ALEX, 'setup Riverside Partnership');
    const reply = await send(activity);
    expect(reply.conversationId).toBe(activity.conversation.id);
    expect(reply.replyToId).toBe(activity.id);
    expect(reply.authorization).toBeUndefined(); // unauthenticated mode: no token to the serviceUrl
    const card = cardOf(reply);
    expect(card.type).toBe('AdaptiveCard');
    expect(card.version).toBe('1.5');
    expect(card.body[0]).toMatchObject({ type: 'TextBlock', text: 'Partnership created' });
    expect(textOf(reply)).toContain('**Riverside Partnership** is set up, with Alex Morgan as coordinator.');
    expect(reply.activity.summary).toContain('Partnership created: Riverside Partnership is set up');
    code = /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec(textOf(reply))![1]!;
    // The home is the channel, not the thread the command was typed in.
    const home = await trellis.store.partnershipByHome('teams', CHANNEL);
    expect(home?.name).toBe('Riverside Partnership');
    expect(home?.homes[0]).toEqual({
      platform: 'teams',
      workspace: '72f988bf-0000-41af-91ab-2d7cd011db47',
      conversationId: CHANNEL,
      label: 'Riverside › Partnership',
    });
  });

  it('lets the coordinator add an organisation, and a partner join from a personal chat', async () => {
    const added = await say(ALEX, 'org add City Council public');
    expect(textOf(added)).toContain('Added City Council (public) to Riverside Partnership');
    const joined = await tell(SAM, `join ${code} City Council`);
    expect(joined.conversationId).toBe(`a:personal-${SAM.id}`);
    expect(isError(joined)).toBe(false);
    expect(textOf(joined)).toContain('Welcome to **Riverside Partnership**, Sam Patel');
  });

  it("gives a role by Teams @mention, translated to the person's id", async () => {
    // "Sam" alone matches no display name: only the mention's id can find Sam Patel.
    const before = connector.sent.length;
    const res = await post(inChannel(ALEX, 'role <at>Sam</at> critical-friend', [{ id: SAM.id, name: 'Sam' }]));
    expect(res.status).toBe(200);
    // The reply; the announcement in the channel (a change of critical friend is never silent); and Sam's own
    // note in their personal chat — the last two from the outbox, whenever it sends them, all before the next exchange.
    await trellis.drain();
    const sent = connector.sent.slice(before);
    expect(sent).toHaveLength(3);
    const where = (text: string) => sent.filter((x) => textOf(x).includes(text)).map((x) => x.conversationId);
    expect(where('Sam Patel is now a critical friend of Riverside Partnership.')).toHaveLength(1);
    expect(where('Sam Patel is now a critical friend of Riverside Partnership (named by Alex Morgan)')).toEqual([CHANNEL]);
    expect(where('You are now a critical friend of Riverside Partnership (changed by Alex Morgan, a coordinator)')).toEqual([personalChat(SAM)]);
    const members = await tell(SAM, 'members');
    expect(textOf(members)).toContain('2 members in Riverside Partnership');
    expect(textOf(members)).toContain('- Alex Morgan — independent · coordinator');
    expect(textOf(members)).toContain('Sam Patel — City Council (public) · critical friend');
  });

  it('runs the command behind a rendered button when it is clicked', async () => {
    const status = cardOf(await say(ALEX, 'status'));
    expect(status.body.find((b) => b.type === 'FactSet')?.facts).toContainEqual({ title: 'Members', value: '2 (2 on Teams)' });
    const members = status.actions!.find((a) => a.title === 'Members')!;
    expect(members).toMatchObject({ type: 'Action.Submit', data: { verb: 'trellis', actionId: 'run', value: 'members' } });
    const reply = await send(click(ALEX, members.data));
    expect(textOf(reply)).toContain('2 members in Riverside Partnership');
  });

  it('answers a misspelt command with "Did you mean" and a button that runs the command meant', async () => {
    const reply = await tell(SAM, 'memebers');
    expect(isError(reply)).toBe(true);
    expect(textOf(reply)).toContain('Did you mean **members**?');
    expect(cardOf(reply).actions).toEqual([
      expect.objectContaining({
        type: 'Action.Submit',
        title: 'members',
        data: expect.objectContaining({ verb: 'trellis', actionId: 'run', value: 'members' }),
      }),
    ]);
    const clicked = await send(click(SAM, cardOf(reply).actions![0]!.data));
    expect(textOf(clicked)).toContain('2 members in Riverside Partnership');
  });

  it('shows the console for `menu`: each group its own buttons, at most six, that run as the clicker', async () => {
    const card = cardOf(await tell(ALEX, 'menu'));
    const sets = card.body.filter((b) => b.type === 'ActionSet') as unknown as { actions: { title: string; data: { actionId: string; value: string } }[] }[];
    const titles = sets.map((set) => set.actions.map((a) => a.title));
    expect(titles).toContainEqual(['Schedule check-ins', 'Open one now']);
    expect(titles).toContainEqual(['Add an organisation', 'Invite code', 'Change a role', 'Close the partnership']);
    expect(titles.flat()).toEqual(expect.arrayContaining(['Add a protocol', 'Trends', 'Dashboard', 'Export']));
    for (const set of sets) expect(set.actions.length).toBeLessThanOrEqual(6);
    const invite = sets.flatMap((set) => set.actions).find((a) => a.title === 'Invite code')!;
    expect(invite.data).toMatchObject({ verb: 'trellis', actionId: 'run-in' });
    expect(textOf(await send(click(ALEX, invite.data)))).toContain(code);
    // The critical friend's console has conversations and themes, and no coordinator's buttons.
    const friend = JSON.stringify(cardOf(await tell(SAM, 'menu')));
    expect(friend).toContain('Themes');
    expect(friend).not.toContain('Open one now');
  });

  it('cleans the HTML the Teams client adds around a command', async () => {
    const activity = inChannel(ALEX, '');
    const reply = await send({ ...activity, text: `<p><at>${BOT.name}</at>&nbsp;org&nbsp;list</p>` });
    expect(textOf(reply)).toContain('1 organisation in Riverside Partnership');
  });

  it('answers an unknown command with an error card and help, changing nothing', async () => {
    await trellis.drain();
    const before = await trellis.data();
    const reply = await say(ALEX, 'frobnicate the partnership');
    expect(isError(reply)).toBe(true);
    expect(textOf(reply)).toContain('I don\'t know the command \\"frobnicate\\". Type **help** to see what I can do.');
    const badSector = await say(ALEX, 'org add Acme corporate');
    expect(textOf(badSector)).toContain('Usage: **org add <name> <public|private|voluntary|community>**');
    expect(await trellis.data()).toBe(before);
  });

  it('refuses a member who is not a coordinator, changing nothing', async () => {
    await trellis.drain();
    const before = await trellis.data();
    const reply = await say(SAM, 'org add Sneaky Ltd private');
    expect(isError(reply)).toBe(true);
    expect(textOf(reply)).toContain('Only coordinators can add organisations');
    expect(textOf(reply)).toContain('Alex Morgan');
    expect(await trellis.data()).toBe(before);
  });

  it.each([
    ['no actionId', { verb: 'trellis', value: 'org add Forged Org public' }],
    ['a numeric value', { verb: 'trellis', actionId: 'run', value: 42 }],
    ['an oversized value', { verb: 'trellis', actionId: 'run', value: `org add ${'x'.repeat(2001)} public` }],
    ['another verb', { verb: 'delete', actionId: 'run', value: 'org add Forged Org public' }],
    ['no verb at all', { actionId: 'run', value: 'org add Forged Org public' }],
    ['a string instead of an object', 'org add Forged Org public'],
    ['a null value', null],
  ])('refuses a forged card click with %s, changing nothing', async (_name, value) => {
    await trellis.drain();
    const before = await trellis.data();
    const reply = await send(click(ALEX, value));
    expect(isError(reply)).toBe(true);
    expect(textOf(reply)).toContain(BAD_CLICK.replace('`help`', '**help**'));
    expect(await trellis.data()).toBe(before);
  });

  it('treats a well-formed click on an unknown action as unknown, changing nothing', async () => {
    await trellis.drain();
    const before = await trellis.data();
    const reply = await send(click(ALEX, { verb: 'trellis', actionId: 'delete-everything', value: 'x' }));
    expect(textOf(reply)).toContain("isn't one Trellis knows");
    expect(await trellis.data()).toBe(before);
  });

  it('stores conversation references in the data file: personal chats by person, channels by channel', async () => {
    const data = JSON.parse(await trellis.data()) as { conversations: { platform: string; key: string; reference: Activity }[] };
    const sam = data.conversations.find((c) => c.platform === 'teams' && c.key === chatKey(SAM.id));
    expect(sam?.reference).toMatchObject({
      serviceUrl: connector.serviceUrl,
      user: { id: SAM.id, name: 'Sam Patel' },
      conversation: { id: `a:personal-${SAM.id}`, conversationType: 'personal' },
    });
    const channel = data.conversations.find((c) => c.platform === 'teams' && c.key === chatKey(CHANNEL));
    expect(channel?.reference).toMatchObject({ bot: { id: BOT.id }, conversation: { id: CHANNEL, conversationType: 'channel' } });
    expect(channel?.reference.activityId).toBeUndefined();
    expect(data.conversations.some((c) => c.key.includes(';messageid='))).toBe(false);
  });

  it('does not rewrite an unchanged conversation reference', async () => {
    const first = await trellis.store.conversation('teams', chatKey(SAM.id));
    await new Promise((r) => setTimeout(r, 5));
    await tell(SAM, 'status');
    expect((await trellis.store.conversation('teams', chatKey(SAM.id)))?.updatedAt).toBe(first?.updatedAt);
  });

  it('rejects requests that are not activities, without a stack trace', async () => {
    const bad = await post('{"type": "message", ');
    expect(bad.status).toBe(400);
    expect(await bad.text()).not.toContain(' at ');
    expect((await post({ text: 'status' })).status).toBe(400);
  });

  it('answers an unexpected failure with the apology, logging no message text', async () => {
    const store = trellis.store;
    const original = store.saveOrganisation.bind(store);
    store.saveOrganisation = async () => {
      throw new Error('disk on fire');
    };
    try {
      const reply = await say(ALEX, 'org add Secret Org Name public');
      expect(textOf(reply)).toContain(SORRY);
      expect(isError(reply)).toBe(true);
    } finally {
      store.saveOrganisation = original;
    }
    const logs = trellis.logs.join('\n');
    expect(logs).toContain('teams turn failed');
    expect(logs).toContain('disk on fire');
    expect(logs).not.toContain('Secret Org Name');
  });

  it('keeps everything across a restart', async () => {
    await trellis.stop();
    trellis = await startTrellis(UNAUTHENTICATED, { dir: trellis.dir });
    const status = await say(ALEX, 'status');
    expect(cardOf(status).body[0]!.text).toBe('Riverside Partnership');
    expect(textOf(status)).toContain('2 (2 on Teams)');
    expect(await trellis.store.conversation('teams', chatKey(SAM.id))).toBeDefined();
  });

  it('asks before a change of organisation, and moves on the Confirm click in the personal chat', async () => {
    await say(ALEX, 'org add Health Trust public');
    await trellis.drain();
    const before = await trellis.data();
    const ask = cardOf(await tell(SAM, `join ${code} Health Trust`));
    expect(JSON.stringify(ask.body)).toContain(
      'You are in City Council (public). Move to Health Trust (public)? It changes which organisation your future answers count toward.',
    );
    expect(ask.actions!.map((a) => a.title)).toEqual(['Confirm', 'Keep']);
    expect(await trellis.data()).toBe(before);
    const confirm = ask.actions!.find((a) => a.title === 'Confirm')!;
    expect(confirm).toMatchObject({ type: 'Action.Submit', data: { verb: 'trellis', actionId: 'join-move' } });
    const moved = await send(clickInPersonal(SAM, confirm.data));
    expect(moved.conversationId).toBe(personalChat(SAM));
    expect(textOf(moved)).toContain('your organisation is now Health Trust (public)');
    expect(textOf(await tell(SAM, 'members'))).toContain('Sam Patel — Health Trust (public) · critical friend');
  });
});

describe('Teams with Bot Framework authentication', () => {
  const APP_ID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
  const APP_PASSWORD = 'test-app-password-not-a-real-secret-000';
  let authed: TestTrellis;
  let authConnector: FakeTeamsConnector;
  const authTeams = teamsRequests(() => ({ trellis: authed, connector: authConnector }));

  beforeAll(async () => {
    authConnector = await startFakeTeamsConnector();
    authed = await startTrellis({ MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: APP_PASSWORD });
  });
  afterAll(async () => {
    await authed?.close();
    await authConnector?.close();
  });

  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const forgedJwt = (iss: string) =>
    `${b64({ alg: 'RS256', typ: 'JWT', kid: 'forged' })}.${b64({ iss, aud: APP_ID, exp: Math.floor(Date.now() / 1000) + 600 })}.c2lnbmF0dXJl`;

  it.each([
    ['no Authorization header', {}],
    ['a bogus Bearer token', { authorization: 'Bearer not-a-real-token' }],
    ['another scheme', { authorization: `Basic ${Buffer.from(`${APP_ID}:${APP_PASSWORD}`).toString('base64')}` }],
    ['a forged JWT from an issuer Bot Framework does not use', { authorization: `Bearer ${forgedJwt('https://login.evil.example/')}` }],
  ])('rejects a request with %s: 401 with an empty body, nothing sent, nothing changed', async (_name, headers) => {
    const before = await authed.data();
    const activity = authTeams.inChannel(ALEX, 'setup Forged Partnership');
    // Refused locally, without fetching anything (the test's timeout would catch a wait on the network).
    const res = await authTeams.post(activity, headers);
    expect(res.status).toBe(401);
    expect(await res.text()).toBe('');
    await authed.drain();
    expect(authConnector.requests).toBe(0);
    expect(await authed.data()).toBe(before);
  });

  it('never logs the app password', () => {
    expect(authed.logs.join('\n')).not.toContain(APP_PASSWORD);
  });
});

describe('Teams text and cards (units)', () => {
  const base = { recipient: { id: BOT.id, name: BOT.name } };

  it('strips the bot mention and translates other mentions to <@id>', () => {
    const text = commandText({
      ...base,
      text: '<at>Trellis</at>&nbsp;role <at>Sam Patel</at> critical-friend\n',
      entities: [
        { type: 'mention', text: '<at>Trellis</at>', mentioned: { id: BOT.id, name: 'Trellis' } },
        { type: 'mention', text: '<at>Sam Patel</at>', mentioned: { id: SAM.id, name: 'Sam Patel' } },
      ],
    });
    expect(text).toBe(`role <@${SAM.id}> critical-friend`);
  });

  it('removes HTML tags and entities, keeps a mention without an entity as its name', () => {
    expect(commandText({ ...base, text: '<p>org add Smith &amp; Co <b>private</b></p><br/>' })).toBe('org add Smith & Co private');
    expect(commandText({ ...base, text: 'role <at>Dana</at> member' })).toBe('role Dana member');
    expect(commandText({ ...base })).toBe('');
  });

  it('renders an error with attention colour, fields as a FactSet, items as a list and buttons as Action.Submit', () => {
    const card = renderCard({
      title: 'T',
      text: 'Hello *you*\nUse `help`',
      tone: 'error',
      audience: 'caller',
      fields: [{ label: 'A', value: 'B' }],
      items: ['one', 'two'],
      buttons: [{ actionId: 'run', label: 'Go', value: 'status', style: 'danger' }],
    }) as unknown as Card;
    expect(card.body[0]).toMatchObject({ text: 'T', color: 'attention' });
    expect(card.body[1]!.text).toBe('Hello **you**\n\nUse **help**');
    expect(card.body[2]).toEqual({ type: 'FactSet', facts: [{ title: 'A', value: 'B' }] });
    expect(card.body[3]!.text).toBe('- one\r- two');
    expect(card.actions).toEqual([{ type: 'Action.Submit', title: 'Go', style: 'destructive', data: { verb: 'trellis', actionId: 'run', value: 'status' } }]);
  });
});
