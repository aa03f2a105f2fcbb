// Leave and member remove on Teams, end to end: activities signed by a local
// Microsoft identity issuer (real Bot Framework authentication) POSTed to
// /api/messages on the real server on a lowdb data file, the bot's cards
// captured by a fake connector. Sam leaves through `leave` and its card's
// button; the coordinator removes Kim by @mention, and Kim is told in her
// personal chat; the last coordinator cannot go. Afterwards neither Sam's nor
// Kim's ids or name are in the data file or in anything logged during the
// whole run, and the published figures (trends, the export CSV) are unchanged.
import { globalAgent } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Round } from '../src/core/model.js';
import { startFakeMicrosoftIdentity, type FakeMicrosoftIdentity } from './helpers/fake-microsoft-identity.js';
import { startFakeTeamsConnector, type FakeTeamsConnector, type SentActivity } from './helpers/fake-teams-connector.js';
import { fakeClock } from './helpers/fake-clock.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';
import { type Activity, CHANNEL, chatOf, fixture, inTenant, type Person, TENANT, teamsRequests } from './helpers/teams-requests.js';

const APP_ID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const APP_PASSWORD = 'local-test-app-password-leave-0123456789';

const ALEX: Person = { id: fixture('channel-message-mention').from.id as string, name: 'Alex Morgan', aad: 'aad-alex-0a1b2c3d' };
const SAM: Person = { id: fixture('personal-message').from.id as string, name: 'Sam Patel', aad: 'aad-sam-9e8d7c6b' };
const KIM: Person = { id: '29:1Kq7kimOseiHopeTrust0000000000000000000000000000000000000000000000000000', name: 'Kim Osei', aad: 'aad-kim-5d4c3b2a' };
const LEE: Person = { id: '29:1Lm2leeNovakCityCouncil00000000000000000000000000000000000000000000000000', name: 'Lee Novak', aad: 'aad-lee-7f6e5d4c' };
const PEOPLE = [ALEX, SAM, KIM, LEE];
/** What names a person, wherever it might be kept or logged: ids, name, their chat. */
const tracesOf = (p: Person) => [p.id, p.name, p.name.split(' ')[1]!, p.aad, chatOf(p)];

type Card = { body: { type: string; id?: string; text?: string }[]; actions?: { title: string; style?: string; data: Record<string, unknown> }[] };
type TaskResponse = { task: { type: 'continue'; value: { card: { content: Card } } } | { type: 'message'; value: string } };

const clock = fakeClock('2026-11-23T09:00:00Z');
let identity: FakeMicrosoftIdentity;
let connector: FakeTeamsConnector;
let trellis: TestTrellis;
let seq = 0;
let round: Round;
let before = { trends: '', csv: '' };
const previousCa = globalAgent.options.ca;

const { inChannel, inPersonal, invoke, deliver } = teamsRequests<TaskResponse>(() => ({ trellis, connector, identity }));

const cardOf = (s: SentActivity): Card => (s.activity.attachments as { content: Card }[])[0]!.content;
const textOf = (s: SentActivity) => JSON.stringify(cardOf(s).body);
/** The one reply to an activity (its proactive sends, if any, aside). */
const replyTo = (sent: SentActivity[]) => sent.find((s) => s.replyToId)!;
const say = async (who: Person, text: string, mentions?: Person[]) => replyTo((await deliver(inChannel(who, text, mentions))).sent);
const tell = async (who: Person, text: string) => replyTo((await deliver(inPersonal(who, text))).sent);
const action = (card: Card, title: string) => {
  const found = card.actions?.find((a) => a.title === title);
  if (!found) throw new Error(`no button "${title}" in ${JSON.stringify(card)}`);
  return found;
};

/** An Action.Submit click on a card: in the person's personal chat, or in the channel. */
function click(who: Person, data: unknown, where: 'personal' | 'channel' = 'personal'): Activity {
  if (where === 'personal') {
    const { text: _text, textFormat: _format, ...m } = inPersonal(who, '');
    return { ...m, replyToId: `r${++seq}`, value: data };
  }
  const m = fixture('card-submit');
  return inTenant({
    ...m,
    id: `c${++seq}`,
    serviceUrl: connector.serviceUrl,
    from: { ...m.from, id: who.id, name: who.name, aadObjectId: who.aad },
    value: data,
  });
}
const clickReply = async (who: Person, data: unknown, where: 'personal' | 'channel' = 'personal') => replyTo((await deliver(click(who, data, where))).sent);

/** Answers the open check-in as `who`, in its dialog. */
async function answer(who: Person, value: string) {
  const opened = (await deliver(invoke('task/fetch', who, { msteams: { type: 'task/fetch' }, verb: 'trellis', actionId: 'survey-open', value: round.id })))
    .body!;
  if (opened.task.type !== 'continue') throw new Error(opened.task.value);
  const card = opened.task.value.card.content;
  const values = Object.fromEntries(card.body.filter((b) => b.type === 'Input.ChoiceSet').map((b) => [b.id!, value]));
  const sent = (await deliver(invoke('task/submit', who, { ...values, comment: '', ...card.actions![0]!.data }))).body!;
  expect(sent.task).toMatchObject({ type: 'message', value: expect.stringContaining('your answers are in') });
}

/** The published figures: the trends card in the channel, and the export CSV behind the coordinator's link. */
async function figures() {
  const trends = textOf(await say(ALEX, 'trends'));
  const link = /https?:\/\/[^\s"\\)]+\/export\/[^\s"\\)]+/.exec(textOf(await tell(ALEX, 'export')))![0];
  const res = await fetch(link);
  expect(res.status).toBe(200);
  return { trends, csv: await res.text() };
}

beforeAll(async () => {
  identity = await startFakeMicrosoftIdentity({ appId: APP_ID, appPassword: APP_PASSWORD });
  globalAgent.options.ca = identity.ca;
  connector = await startFakeTeamsConnector();
  trellis = await startTrellis({ ...identity.env, MicrosoftAppType: 'MultiTenant' }, { clock });
});
afterAll(async () => {
  await trellis?.close();
  await connector?.close();
  await identity?.close();
  globalAgent.options.ca = previousCa;
});

describe('leaving on Teams', () => {
  it('sets up Riverside with four people who answer a check-in, and publishes its figures', async () => {
    const code = /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec(textOf(await say(ALEX, 'setup Riverside')))![1]!;
    await say(ALEX, 'org add City Council public');
    for (const p of PEOPLE) expect(textOf(await tell(p, `join ${code} City Council`))).toContain('Riverside');
    // Every reply went with a token from the local authority: authentication is real here.
    expect(connector.sent.every((s) => s.authorization?.startsWith('Bearer '))).toBe(true);
    await say(ALEX, 'set threshold 3');
    await say(ALEX, 'survey now');
    const p = (await trellis.store.partnershipByHome('teams', CHANNEL))!;
    round = (await trellis.store.rounds(p.id))[0]!;
    for (const [i, who] of PEOPLE.entries()) await answer(who, String(2 + (i % 3)));
    await say(ALEX, 'survey close');
    before = await figures();
    expect(before.csv.split('\n').length).toBeGreaterThan(1);
    // The search below would find them: their ids and names are stored while they are members.
    const data = await trellis.data();
    for (const t of [SAM.id, SAM.name, KIM.id, KIM.name]) expect(data).toContain(t);
  });

  it('asks Sam first on `leave`, and erases him on the card button', async () => {
    const asked = cardOf(await tell(SAM, 'leave'));
    expect(JSON.stringify(asked.body)).toContain('Leave Riverside?');
    await trellis.drain();
    const unchanged = await trellis.data();
    expect(textOf(await clickReply(SAM, action(asked, 'Stay').data))).toContain('Riverside');
    await trellis.drain();
    expect(await trellis.data()).toBe(unchanged);
    expect(action(asked, 'Leave').style).toBe('destructive');
    expect(textOf(await clickReply(SAM, action(asked, 'Leave').data))).toContain('You have left Riverside');
    // (Not asked by writing to the bot again: Teams' personal chat reference of anyone who writes is kept, member or not.)
    expect(await trellis.store.membershipsOf({ platform: 'teams', workspace: TENANT, userId: SAM.id })).toEqual([]);
  });

  it('lets the coordinator remove Kim by @mention, after asking; Kim is told in her personal chat, naming no one', async () => {
    const asked = cardOf(await say(ALEX, 'member remove <at>Kim Osei</at>', [KIM]));
    expect(JSON.stringify(asked.body)).toContain('Remove Kim Osei?');
    const done = await deliver(click(ALEX, action(asked, 'Remove').data, 'channel'));
    expect(textOf(replyTo(done.sent))).toContain('is removed from Riverside');
    const told = connector.sent.filter((s) => s.conversationId === chatOf(KIM)).map((s) => textOf(s));
    expect(told.at(-1)).toContain('You have been removed from Riverside by a coordinator');
    expect(told.at(-1)).not.toContain('Alex');
  });

  it('refuses the last coordinator, whether leaving or removing themself', async () => {
    await trellis.drain();
    const unchanged = await trellis.data();
    expect(textOf(await tell(ALEX, 'leave'))).toContain('You are the only coordinator of Riverside');
    expect(textOf(await say(ALEX, 'member remove <at>Alex Morgan</at>', [ALEX]))).toContain('You are the only coordinator of Riverside');
    expect(textOf(await say(LEE, 'member remove <at>Alex Morgan</at>', [ALEX]))).toContain('Only coordinators');
    await trellis.drain();
    expect(await trellis.data()).toBe(unchanged);
  });

  it('leaves no id or name of theirs in the data file or the logs of the whole run; the published figures are unchanged', async () => {
    await trellis.drain();
    const data = await trellis.data();
    const logs = trellis.logs.join('\n');
    expect(logs).toContain('Trellis is listening');
    expect([...tracesOf(SAM), ...tracesOf(KIM)].filter((t) => data.includes(t))).toEqual([]);
    // The logs name nobody at any point of the run: not those who went, nor those who stay.
    expect(PEOPLE.flatMap(tracesOf).filter((t) => logs.includes(t))).toEqual([]);
    const after = await figures();
    expect(after.trends).toBe(before.trends);
    expect(after.csv).toBe(before.csv);
  });
});
