// `partnership close` on Teams, end to end: activities signed by a local
// Microsoft identity issuer (real Bot Framework authentication) POSTed to
// /api/messages, the bot's cards captured by a fake connector. The coordinator
// types `partnership close` and submits its card's button; the closing digest
// reaches the channel and the coordinator's personal chat (only that copy has
// the export link); members answer the closing check-in in its dialog; at its
// close (fake clock + tick) the answers can be read; then nothing more changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Round } from '../src/core/model.js';
import { fakeClock } from './helpers/fake-clock.js';
import type { SentActivity } from './helpers/fake-teams-connector.js';
import { startSignedTeams, type SignedTeams } from './helpers/signed-teams.js';
import { type Activity, CHANNEL, chatOf, fixture, inTenant, type Person, teamsRequests } from './helpers/teams-requests.js';

const ALEX: Person = { id: fixture('channel-message-mention').from.id as string, name: 'Alex Morgan', aad: 'aad-alex-0a1b2c3d' };
const SAM: Person = { id: fixture('personal-message').from.id as string, name: 'Sam Patel', aad: 'aad-sam-9e8d7c6b' };
const KIM: Person = { id: '29:1Kq7kimOseiHopeTrust0000000000000000000000000000000000000000000000000000', name: 'Kim Osei', aad: 'aad-kim-5d4c3b2a' };
const PEOPLE = [ALEX, SAM, KIM];
const DAY = 86_400_000;
const ANSWERS: Record<string, Record<string, string>> = {
  [SAM.aad]: { 'closing-learnt': 'Share the data before the pilot', 'closing-unfinished': '', 'closing-thanks': 'The clerks at the town hall' },
  [KIM.aad]: { 'closing-learnt': '', 'closing-unfinished': 'The housing pilot; Hope Trust carries it', 'closing-thanks': '' },
  [ALEX.aad]: { 'closing-learnt': 'Meet in person early on', 'closing-unfinished': '', 'closing-thanks': '' },
};

type Block = { type: string; id?: string; text?: string; label?: string; isMultiline?: boolean; isRequired?: boolean; maxLength?: number };
type Card = { body: Block[]; actions?: { type: string; title: string; style?: string; data: Record<string, any> }[] };
type TaskResponse = { task: { type: 'continue'; value: { title: string; card: { content: Card } } } | { type: 'message'; value: string } };

const clock = fakeClock('2026-11-23T09:00:00Z');
let world: SignedTeams;
let seq = 0;
let closing: Round;

const { inChannel, inPersonal, invoke, deliver } = teamsRequests<TaskResponse>(() => world);

const cardOf = (s: SentActivity): Card => (s.activity.attachments as { content: Card }[])[0]!.content;
const textOf = (s: SentActivity) => JSON.stringify(cardOf(s).body);
const replyTo = (sent: SentActivity[]) => sent.find((s) => s.replyToId)!;
const say = async (who: Person, text: string) => replyTo((await deliver(inChannel(who, text))).sent);
const tell = async (who: Person, text: string) => replyTo((await deliver(inPersonal(who, text))).sent);
const action = (card: Card, title: string) => {
  const found = card.actions?.find((a) => a.title === title);
  if (!found) throw new Error(`no button "${title}" in ${JSON.stringify(card)}`);
  return found;
};

/** An Action.Submit click on a card in the team channel, as Teams posts it. */
function clickInChannel(who: Person, data: unknown): Activity {
  const m = fixture('card-submit');
  return inTenant({
    ...m,
    id: `c${++seq}`,
    serviceUrl: world.connector.serviceUrl,
    from: { ...m.from, id: who.id, name: who.name, aadObjectId: who.aad },
    value: data,
  });
}
/** An Action.Submit click on a card in the person's personal chat. */
function clickInPersonal(who: Person, data: unknown): Activity {
  const { text: _text, textFormat: _format, ...m } = inPersonal(who, '');
  return { ...m, replyToId: `r${++seq}`, value: data };
}

/** The form a check-in's button opens, in a dialog (task/fetch). */
async function openForm(who: Person, roundId: string): Promise<Card> {
  const data = { msteams: { type: 'task/fetch' }, verb: 'trellis', actionId: 'survey-open', value: roundId };
  const opened = (await deliver(invoke('task/fetch', who, data))).body!;
  if (opened.task.type !== 'continue') throw new Error(opened.task.value);
  return opened.task.value.card.content;
}
/** Submits the dialog's form (task/submit) with the person's inputs, as Teams merges them into its button's data; the dialog's answer. */
async function submitForm(who: Person, card: Card, values: Record<string, string>): Promise<string> {
  const answered = (await deliver(invoke('task/submit', who, { ...values, ...card.actions![0]!.data }))).body!;
  if (answered.task.type !== 'message') throw new Error(JSON.stringify(answered));
  return answered.task.value;
}

const partnership = async () => (await world.trellis.store.partnershipByHome('teams', CHANNEL))!;

beforeAll(async () => {
  world = await startSignedTeams({ appId: '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0', appPassword: 'local-test-app-password-close-0123456789' }, { clock });
});
afterAll(async () => {
  await world?.close();
});

describe('partnership close on Teams', () => {
  it('sets up Riverside with three members, each with a personal chat', async () => {
    const code = /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec(textOf(await say(ALEX, 'setup Riverside')))![1]!;
    await say(ALEX, 'org add City Council public');
    for (const p of PEOPLE) expect(textOf(await tell(p, `join ${code} City Council`))).toContain('Riverside');
    await say(ALEX, 'set threshold 3');
    // One check-in answered by all three, so the closing digest has figures and a chart.
    await say(ALEX, 'survey now');
    const round = (await world.trellis.store.rounds((await partnership()).id))[0]!;
    for (const who of PEOPLE) {
      const card = await openForm(who, round.id);
      const values = Object.fromEntries(card.body.filter((b) => b.type === 'Input.ChoiceSet').map((b) => [b.id!, '4']));
      expect(await submitForm(who, card, { ...values, comment: '' })).toContain('your answers are in');
    }
    expect(textOf(await say(ALEX, 'survey close'))).toContain('3 of 3 answered');
    expect(world.connector.sent.every((s) => s.authorization?.startsWith('Bearer '))).toBe(true);
  });

  it('asks the coordinator first, refuses a member, and closes on the card’s Action.Submit', async () => {
    expect(textOf(await say(SAM, 'partnership close'))).toContain('Only coordinators can close the partnership');
    const asked = cardOf(await say(ALEX, 'partnership close'));
    expect(JSON.stringify(asked.body)).toContain('Close Riverside?');
    expect((await partnership()).closedAt).toBeUndefined();
    const confirm = action(asked, 'Close the partnership');
    expect(confirm).toMatchObject({ type: 'Action.Submit', style: 'destructive' });
    action(asked, 'Keep it going');

    // Sam submitting the coordinator's card is refused as typing it would be.
    expect(textOf(replyTo((await deliver(clickInChannel(SAM, confirm.data))).sent))).toContain('Only coordinators');
    expect((await partnership()).closedAt).toBeUndefined();

    const done = await deliver(clickInChannel(ALEX, confirm.data));
    expect(textOf(replyTo(done.sent))).toContain('Riverside is closed');
    expect((await partnership()).closedAt).toBe('2026-11-23T09:00:00.000Z');
    const proactive = done.sent.filter((s) => !s.replyToId);

    const digests = proactive.filter((s) => textOf(s).includes('Riverside: closing digest'));
    const inChannelDigest = digests.filter((s) => s.conversationId.startsWith(CHANNEL));
    expect(inChannelDigest).toHaveLength(1);
    expect(JSON.stringify(inChannelDigest[0]!.activity)).not.toContain('/export/');
    expect(textOf(inChannelDigest[0]!)).toContain('Trust and commitment over 1 round');
    const chart = cardOf(inChannelDigest[0]!).body.find((b) => b.type === 'Image') as { url?: string; altText?: string } | undefined;
    expect(chart?.url).toMatch(/^data:image\/png;base64,/);
    expect(chart?.altText).toContain('every round');
    const toAlex = digests.filter((s) => s.conversationId === chatOf(ALEX));
    expect(toAlex).toHaveLength(1);
    expect(JSON.stringify(toAlex[0]!.activity)).toMatch(/\/export\/[\w.-]+/);
    expect(digests.filter((s) => s.conversationId === chatOf(SAM) || s.conversationId === chatOf(KIM))).toEqual([]);

    closing = (await world.trellis.store.rounds((await partnership()).id)).find((r) => r.kind === 'closing')!;

    // The same button submitted again (a double click, a replay) is refused with the closed wording and sends nothing more.
    const before = await world.trellis.data();
    const again = await deliver(clickInChannel(ALEX, confirm.data));
    expect(again.sent).toHaveLength(1);
    expect(textOf(replyTo(again.sent))).toContain('Riverside was closed on 23 Nov 2026');
    expect(await world.trellis.data()).toBe(before);
    const checkIns = proactive.filter((s) => textOf(s).includes('Riverside: closing check-in'));
    expect(checkIns.map((s) => s.conversationId).sort()).toEqual(PEOPLE.map(chatOf).sort());
    for (const s of checkIns) {
      expect(cardOf(s).actions!.find((a) => a.data.msteams)).toMatchObject({
        type: 'Action.Submit',
        data: { msteams: { type: 'task/fetch' }, actionId: 'survey-open', value: closing.id },
      });
      // Content-free: the card names no question and no answer.
      expect(textOf(s)).not.toContain('What did the partnership learn');
    }
  });

  it('opens the closing check-in in a dialog with three labelled text fields, and records each member’s answers', async () => {
    // Kim's console offers it too, opening the same dialog; the partnership is listed as closed.
    const menu = cardOf(await tell(KIM, 'menu'));
    expect(JSON.stringify(menu.body)).toContain('Riverside — member, City Council (closed on 23 Nov 2026)');
    expect(action(menu, 'Riverside: answer the closing check-in').data).toMatchObject({
      msteams: { type: 'task/fetch' },
      actionId: 'survey-open',
      value: closing.id,
    });
    for (const who of PEOPLE) {
      const card = await openForm(who, closing.id);
      const inputs = card.body.filter((b) => b.type.startsWith('Input.'));
      expect(inputs.map((b) => [b.type, b.id, b.label])).toEqual([
        ['Input.Text', 'closing-learnt', 'What did the partnership learn?'],
        ['Input.Text', 'closing-unfinished', 'What is left to finish, and who will carry it on?'],
        ['Input.Text', 'closing-thanks', 'Who would you like to thank?'],
      ]);
      for (const b of inputs) expect(b).toMatchObject({ isMultiline: true, maxLength: 1000, isRequired: false });
      expect(await submitForm(who, card, ANSWERS[who.aad]!)).toContain('your answers are in');
    }
    expect(await world.trellis.store.answerSets(closing.id)).toHaveLength(3);
    // Each one's closing check-in card became a content-free "Answered." in place.
    await world.trellis.drain();
    for (const who of PEOPLE) {
      const update = world.connector.updated.filter((u) => u.conversationId === chatOf(who)).at(-1)!;
      expect(textOf(update)).toContain('Riverside: closing check-in');
      expect(textOf(update)).toContain('Answered.');
      for (const t of Object.values(ANSWERS[who.aad]!).filter(Boolean)) expect(JSON.stringify(update.activity)).not.toContain(t);
    }
  });

  it('after its window closes shows the answers to members behind "Read the answers", with no name or organisation', async () => {
    const mark = world.connector.sent.length;
    clock.advance(6 * DAY);
    await world.trellis.tick();
    await world.trellis.drain();
    expect((await world.trellis.store.rounds((await partnership()).id)).find((r) => r.kind === 'closing')!.closedAt).toBeDefined();
    const notices = world.connector.sent.slice(mark).filter((s) => textOf(s).includes('3 people answered the closing check-in'));
    expect(notices.length).toBeGreaterThan(0);
    const notice = notices.find((s) => s.conversationId === chatOf(KIM))!;
    expect(JSON.stringify(notice.activity)).not.toContain('Share the data');
    // Clicked on the channel's copy, the answers go to Kim's personal chat: a Teams channel reply is seen by everyone there.
    const inCh = notices.find((s) => s.conversationId.startsWith(CHANNEL))!;
    const fromChannel = await deliver(clickInChannel(KIM, action(cardOf(inCh), 'Read the answers').data));
    expect(textOf(replyTo(fromChannel.sent))).toContain('Sent to you in your private chat with Trellis');
    expect(fromChannel.sent.filter((s) => s.conversationId.startsWith(CHANNEL)).map((s) => JSON.stringify(s.activity))).toEqual([
      expect.not.stringContaining('Share the data'),
    ]);
    const privately = fromChannel.sent.filter((s) => s.conversationId === chatOf(KIM));
    expect(privately).toHaveLength(1);
    expect(textOf(privately[0]!)).toContain('Learnt: Share the data before the pilot');
    const page = textOf(await deliver(clickInPersonal(KIM, action(cardOf(notice), 'Read the answers').data)).then((r) => replyTo(r.sent)));
    for (const line of [
      'Learnt: Share the data before the pilot',
      'Learnt: Meet in person early on',
      'Left to finish: The housing pilot; Hope Trust carries it',
      'Thanks: The clerks at the town hall',
    ])
      expect(page).toContain(line);
    expect(page).not.toContain('City Council');
    for (const p of PEOPLE) expect(page).not.toContain(p.name);
  });

  it('refuses a later `survey schedule` with the closed wording, and logs no one', async () => {
    expect(textOf(await say(ALEX, 'survey schedule weekly monday 09:30'))).toContain(
      'Riverside was closed on 23 Nov 2026, so nothing more can be changed in it',
    );
    const logs = world.trellis.logs.join('\n');
    expect(logs).toContain('Trellis is listening');
    for (const p of PEOPLE) for (const t of [p.id, p.name, p.aad, chatOf(p)]) expect(logs).not.toContain(t);
    for (const a of Object.values(ANSWERS)) for (const t of Object.values(a).filter(Boolean)) expect(logs).not.toContain(t);
  });
});
