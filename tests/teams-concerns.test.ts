// The critical-friend channel on Teams, end to end: the real server at
// POST /api/messages, real-shaped activities and dialog (task module) invokes,
// a fake connector capturing every card the bot posts, and a fake clock
// driving the random delivery delay. The privacy model under test: the
// critical friend never learns who raised a concern, coordinators never see
// concerns (only text the reporter approved), and concern text never travels
// through a chat message.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { chatKey } from './helpers/teams-requests.js';
import { INTRO_CUT, renderFormCard } from '../src/adapters/teams/render-form-card.js';
import { BAD_FORM } from '../src/adapters/teams/task-routes.js';
import { OPENS_IN_DIALOG } from '../src/adapters/teams/teams-routes.js';
import { openRelay } from '../src/core/concerns/relay.js';
import { friendForm } from '../src/core/concerns/concern-forms.js';
import { CONCERN_CATEGORIES, type Concern, type StoredConcern } from '../src/core/model.js';
import { openConcern } from '../src/core/concerns/concern-seal.js';
import { fakeClock } from './helpers/fake-clock.js';
import { startFakeTeamsConnector, type FakeTeamsConnector } from './helpers/fake-teams-connector.js';
import { startTrellis, TEST_SECRET, type TestTrellis } from './helpers/start-trellis.js';
import { type Activity, CHANNEL, CHANNEL_MESSAGE, chatOf, fixture, type Person, teamsRequests } from './helpers/teams-requests.js';

type Block = {
  type: string;
  id?: string;
  text?: string;
  inlines?: { text: string; weight?: string }[];
  color?: string;
  value?: string;
  label?: string;
  style?: string;
  wrap?: boolean;
  isRequired?: boolean;
  isMultiline?: boolean;
  maxLength?: number;
  choices?: { title: string; value: string }[];
};
type CardAction = { type: string; title: string; style?: string; data: Record<string, any> };
type Card = { type: string; body: Block[]; actions?: CardAction[] };
type TaskResponse = {
  task: { type: 'continue'; value: { title: string; height?: string; card: { contentType: string; content: Card } } } | { type: 'message'; value: string };
};

const ALEX: Person = { id: CHANNEL_MESSAGE.from.id as string, name: 'Alex Morgan', aad: 'aad-alex-6f1a2b3c' };
const SAM = { id: fixture('personal-message').from.id as string, name: 'Sam Patel', aad: 'aad-sam-9e8d7c6b' };
const KIM = { id: '29:1Qw8kimOseiYouthHub0000000000000000000000000000000000000000000000000000', name: 'Kim Osei', aad: 'aad-kim-5a6b7c8d' };
const CHRIS = { id: '29:1Cf5chrisLaneCriticalFriend00000000000000000000000000000000000000000000', name: 'Chris Lane', aad: 'aad-chris-2d3e4f5a' };
const SAM_ORG = 'Hope Trust';

// Long enough that a conversation of a few messages goes past one TextBlock's worth of text.
const HAPPENING = `${'Referrals we send are re-triaged by the lead agency without a word to us, so families wait twice. '.repeat(17)}That is the whole of it.`;
const HELP = `${'One shared triage step, agreed by every partner, would help. '.repeat(14)}Thanks.`;
const FRIEND_REPLY = `${'Thank you for raising this; could you say how long the second wait usually is? '.repeat(19)}No rush.`;
const ESCALATE = 'Partners report that referrals are re-triaged after they are sent.';
const SAM_ANSWER = 'Usually two to three weeks, sometimes longer.';
const SHARED = 'Referrals are re-triaged after they are sent, adding weeks of waiting; could the partnership agree one triage step?';
const SECOND = 'Nobody is sure who chairs the steering group since the spring.';
const THIRD = 'Minutes of the operations meeting arrive a month late.';
const MINUTE = 60_000;

let connector: FakeTeamsConnector;
let trellis: TestTrellis;
const clock = fakeClock('2026-11-23T10:00:00Z'); // a Monday, 10:00 in London
/** The delivery delay is Math.random() × the maximum; fixed per concern so the test knows when it is due. */
let randomValue: number | undefined;
const realRandom = Math.random.bind(Math);

const teams = teamsRequests<TaskResponse>(() => ({ trellis, connector }));
const { inChannel, inPersonal, invoke } = teams;

/** Every dialog answer (task/fetch and task/submit), by who received it: searched for leaks at the end. */
const dialogs: { who: Person; body: TaskResponse }[] = [];

/** Posts one activity; returns the invoke's answer and what the bot POSTed and PUT meanwhile (what it queued included, once drained). */
async function deliver(activity: Activity) {
  const r = await teams.deliver(activity);
  if (r.body && activity.type === 'invoke') dialogs.push({ who: [ALEX, SAM, KIM, CHRIS].find((p) => p.id === activity.from.id)!, body: r.body });
  return r;
}

const say = (who: Person, text: string) => deliver(inChannel(who, text));
const tell = (who: Person, text: string) => deliver(inPersonal(who, text));
const cardOf = (activity: Record<string, unknown>): Card => (activity.attachments as { content: Card }[])[0]!.content;
const textOf = (activity: Record<string, unknown>) => JSON.stringify(cardOf(activity).body);
const replyOf = (r: { sent: { replyToId?: string; activity: Record<string, unknown> }[] }) => r.sent.find((s) => s.replyToId)!.activity;

async function openDialog(who: Person, data: unknown) {
  const r = await deliver(invoke('task/fetch', who, data));
  expect(r.sent).toHaveLength(0); // a dialog, never a message in the chat
  expect(r.updated).toHaveLength(0);
  return r.body!;
}
const formCard = (body: TaskResponse): Card => {
  if (body.task.type !== 'continue') throw new Error(`expected a form, got the message: ${body.task.value}`);
  expect(body.task.value.card.contentType).toBe('application/vnd.microsoft.card.adaptive');
  return body.task.value.card.content;
};
const messageOf = (body: TaskResponse): string => {
  if (body.task.type !== 'message') throw new Error(`expected a message, got the form: ${JSON.stringify(body.task.value.card.content.body[0])}`);
  return body.task.value;
};
const input = (card: Card, id: string) => card.body.find((b) => b.id === id);
const inputIds = (card: Card) => card.body.filter((b) => b.type.startsWith('Input.')).map((b) => b.id);
/** All the text blocks before the first input: the form's intro (the conversation so far). */
const introOf = (card: Card) => {
  const first = card.body.findIndex((b) => b.type.startsWith('Input.'));
  return card.body.slice(0, first).filter((b) => (b.type === 'TextBlock' && b.color !== 'attention') || b.type === 'RichTextBlock');
};
/** A block's text, a conversation turn's bold author written as markdown would be. */
const blockText = (b: Block) => (b.type === 'RichTextBlock' ? b.inlines!.map((r) => (r.weight === 'Bolder' ? `**${r.text}**` : r.text)).join('') : b.text);
const introText = (card: Card) => introOf(card).map(blockText).join('\n\n');
/** The red text between this field's input and the next one (after its hint, if any). */
const errorUnder = (card: Card, id: string) => {
  const after = card.body.slice(card.body.findIndex((b) => b.id === id) + 1);
  const end = after.findIndex((b) => b.type.startsWith('Input.'));
  return (end < 0 ? after : after.slice(0, end)).find((b) => b.color === 'attention')?.text;
};
/** What Teams sends on the dialog's submit: the button's data merged with the inputs. */
const submitData = (card: Card, values: Record<string, string>) => ({ ...values, ...card.actions![0]!.data });
/** The button on a proactive card that opens a dialog. */
const dialogButton = (activity: Record<string, unknown>) => cardOf(activity).actions!.find((a) => a.data.msteams)!;

const partnership = async () => (await trellis.store.partnershipByHome('teams', CHANNEL))!;
/** The concerns as the server reads them (their bodies are stored sealed). */
const concerns = async (): Promise<Concern[]> => (await trellis.store.concerns((await partnership()).id)).map((c) => openConcern(TEST_SECRET, c)!);
const concernByPseudonym = async (pseudonym: string) => (await concerns()).find((c) => c.pseudonym === pseudonym)!;
const samMember = async () => (await trellis.store.membershipsOf({ platform: 'teams', workspace: '72f988bf-0000-41af-91ab-2d7cd011db47', userId: SAM.id }))[0]!;
const PSEUDONYM = /C-[A-HJ-NP-Z2-9]{4}/;
const receiptOf = (text: string) => {
  const m = new RegExp(`^Sent\\. Your reference is (${PSEUDONYM.source})\\. The critical friend will receive it within 10 minutes`).exec(text);
  if (!m) throw new Error(`not a receipt: ${text}`);
  return m[1]!;
};

/** Where a reporter's identity must never show: the critical friend's and the coordinator's conversations. */
const toFriendOrCoordinator = (conversationId: string) => [chatOf(CHRIS), chatOf(ALEX)].includes(conversationId) || conversationId.startsWith(CHANNEL);
/** connector.sent before the concern flow began (setup: organisations, joins, roles). */
let flowStart = 0;

beforeAll(async () => {
  // createTrellis keeps `Math.random` as its source of delays: this spy, which
  // answers the real Math.random unless a test fixed the next delay.
  vi.spyOn(Math, 'random').mockImplementation(() => randomValue ?? realRandom());
  connector = await startFakeTeamsConnector();
  trellis = await startTrellis({ TEAMS_ALLOW_UNAUTHENTICATED: 'true' }, { clock });
});
afterAll(async () => {
  await trellis?.close();
  await connector?.close();
  vi.restoreAllMocks();
});

/** Sam's raise form, submitted with these values, with the delay fixed at `random` × 600 s. */
async function raise(who: Person, values: Record<string, string>, random = 0.5) {
  const form = formCard(await openDialog(who, { msteams: { type: 'task/fetch' }, verb: 'trellis', actionId: 'run', value: 'concern' }));
  randomValue = random;
  try {
    return await deliver(invoke('task/submit', who, submitData(form, { organisation: 'no', consent: 'no', help: '', ...values })));
  } finally {
    randomValue = undefined;
  }
}

describe('Teams critical friend', () => {
  let openButton: Record<string, any>;
  let raiseForm: Card;
  let first = ''; // the pseudonym of Sam's first concern
  let chrisNote: Record<string, unknown>;
  let samNote: Record<string, unknown>;
  let friendCard: Card;
  let reporterCard: Card;

  it('sets up: the coordinator in the channel; Sam, Kim and Chris join from their personal chats', async () => {
    const setup = await say(ALEX, 'setup Riverside Partnership');
    const code = /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec(textOf(replyOf(setup)))![1]!;
    await say(ALEX, 'org add City Council public');
    await say(ALEX, `org add ${SAM_ORG} voluntary`);
    await say(ALEX, 'org add Youth Hub voluntary');
    for (const [who, org] of [
      [SAM, SAM_ORG],
      [KIM, 'Youth Hub'],
      [CHRIS, 'independent'],
    ] as const) {
      expect(textOf(replyOf(await tell(who, `join ${code} ${org}`)))).toContain('Riverside Partnership');
    }
    // The coordinator has a personal chat with the bot too: approved escalations arrive there.
    await tell(ALEX, 'help');
    for (const who of [ALEX, SAM, KIM, CHRIS]) {
      expect((await trellis.store.conversation('teams', chatKey(who.id)))?.reference).toMatchObject({
        serviceUrl: connector.serviceUrl,
        conversation: { conversationType: 'personal', id: chatOf(who) },
      });
    }
  });

  it('refuses `concern` while the partnership has no critical friend', async () => {
    const r = await tell(SAM, 'concern');
    expect(textOf(replyOf(r))).toContain('no critical friend yet');
    expect(cardOf(replyOf(r)).actions).toBeUndefined();
    expect(textOf(replyOf(await say(ALEX, 'role Chris Lane critical-friend')))).toContain('Chris Lane is now a critical friend of Riverside Partnership');
    flowStart = connector.sent.length;
  });

  it('answers a typed `concern` with a card whose Open button asks for a dialog; `concern <text>` is refused', async () => {
    const r = await tell(SAM, 'concern');
    expect(r.sent).toHaveLength(1);
    expect(r.sent[0]!.conversationId).toBe(chatOf(SAM));
    const card = cardOf(replyOf(r));
    expect(card.body[0]!.text).toBe('Raise a concern');
    expect(JSON.stringify(card.body)).toContain(OPENS_IN_DIALOG);
    expect(JSON.stringify(card)).not.toContain('Input.');
    expect(card.actions).toEqual([
      {
        type: 'Action.Submit',
        title: 'Open',
        style: 'positive',
        data: { msteams: { type: 'task/fetch' }, verb: 'trellis', actionId: 'run', value: 'concern' },
      },
    ]);
    openButton = card.actions![0]!.data;

    const typed = await tell(SAM, 'concern the lead agency keeps re-triaging our referrals');
    const refusal = replyOf(typed);
    expect(textOf(refusal)).toContain('Type just **concern**');
    expect(textOf(refusal)).toContain('private form');
    expect(JSON.stringify(refusal)).not.toContain('re-triaging');
    expect(cardOf(refusal).actions).toBeUndefined();
    expect(await concerns()).toEqual([]);
  });

  it('opens the raise form in a dialog on task/fetch: a category, two text boxes and the two yes/no choices', async () => {
    const body = await openDialog(SAM, openButton);
    if (body.task.type !== 'continue') throw new Error('expected a form');
    expect(body.task.value).toMatchObject({ title: 'Raise a concern', height: 'large' });
    raiseForm = formCard(body);
    expect(inputIds(raiseForm)).toEqual(['category', 'happening', 'help', 'organisation', 'consent']);
    expect(introText(raiseForm)).toContain('They will not know who you are');
    for (const b of raiseForm.body.filter((x) => x.type === 'TextBlock')) expect(b.wrap).toBe(true);
    expect(input(raiseForm, 'category')).toMatchObject({ type: 'Input.ChoiceSet', isRequired: true });
    expect(input(raiseForm, 'category')!.choices!.map((c) => c.value)).toEqual([...CONCERN_CATEGORIES]);
    expect(input(raiseForm, 'category')!.choices!.map((c) => c.title)).toContain('Perceived power differences');
    expect(input(raiseForm, 'happening')).toMatchObject({ type: 'Input.Text', isMultiline: true, maxLength: 2000, isRequired: true });
    expect(input(raiseForm, 'help')).toMatchObject({ type: 'Input.Text', isMultiline: true, maxLength: 1000, isRequired: false });
    expect(input(raiseForm, 'organisation')).toMatchObject({ type: 'Input.ChoiceSet', value: 'no', style: 'expanded' });
    expect(input(raiseForm, 'organisation')!.choices).toEqual([
      { title: 'No — just "a member of the partnership"', value: 'no' },
      { title: `Yes — say I am from ${SAM_ORG}`, value: 'yes' },
    ]);
    expect(input(raiseForm, 'consent')).toMatchObject({ type: 'Input.ChoiceSet', value: 'no' });
    expect(input(raiseForm, 'consent')!.choices!.map((c) => c.value)).toEqual(['no', 'yes']);
    const p = await partnership();
    expect(raiseForm.actions).toEqual([
      {
        type: 'Action.Submit',
        title: 'Send',
        style: 'positive',
        data: { verb: 'trellis-form', actionId: 'concern-submit', context: p.id, reopen: { actionId: 'run', value: 'concern' } },
      },
    ]);
  });

  it('shows empty and oversized text as errors under their fields, keeping what was typed, and sends nothing', async () => {
    const tooLongHelp = 'h'.repeat(1001);
    const r = await deliver(
      invoke('task/submit', SAM, submitData(raiseForm, { category: 'power', happening: '   ', help: tooLongHelp, organisation: 'no', consent: 'yes' })),
    );
    expect(r.sent).toHaveLength(0);
    const again = formCard(r.body!);
    expect(again.body[0]).toMatchObject({ type: 'TextBlock', color: 'attention', text: 'Some fields need another look; nothing was sent.' });
    expect(errorUnder(again, 'happening')).toBe('Say what is happening — a sentence or two is enough.');
    expect(errorUnder(again, 'help')).toBe('Please keep it under 1000 characters.');
    expect(again.body.filter((b) => b.color === 'attention')).toHaveLength(3);
    expect(input(again, 'category')!.value).toBe('power');
    expect(input(again, 'help')!.value).toBe(tooLongHelp);
    expect(input(again, 'consent')!.value).toBe('yes');
    expect(again.actions).toEqual(raiseForm.actions);

    // Past the box's own limit (which Teams enforces as the person types) only a forged submit gets: refused whole.
    const forged = await deliver(
      invoke('task/submit', SAM, submitData(raiseForm, { category: 'power', happening: 'x'.repeat(2001), help: '', organisation: 'no', consent: 'no' })),
    );
    expect(messageOf(forged.body!)).toBe(BAD_FORM);
    const data = JSON.parse(await trellis.data()) as { concerns: unknown[]; concernQuotas: unknown[] };
    expect(data.concerns).toEqual([]);
    expect(data.concernQuotas).toEqual([]);
  });

  it('sends it on task/submit: a receipt with its C-XXXX reference in the dialog, nothing in any chat', async () => {
    const raisedAt = clock.now().getTime();
    const r = await raise(SAM, { category: 'power', happening: HAPPENING, help: HELP, organisation: 'no', consent: 'yes' }, 0.999);
    first = receiptOf(messageOf(r.body!));
    expect(r.sent).toHaveLength(0);
    expect(r.updated).toHaveLength(0);
    const c = await concernByPseudonym(first);
    expect(c).toMatchObject({
      status: 'pending',
      category: 'power',
      mayAskToEscalate: true,
      messages: [{ from: 'reporter', text: `${HAPPENING}\n\nWhat would help: ${HELP.trim()}` }],
    });
    expect(c.organisation).toBeUndefined();
    // The longest delay there is (600 s), as Math.random() was 0.999.
    expect(Date.parse(c.deliverAt!)).toBe(raisedAt + 600_000);
    // Not yet delivered: not even a forged click opens it for the critical friend.
    expect(messageOf(await openDialog(CHRIS, { verb: 'trellis', actionId: 'concern-friend-open', value: c.id }))).toBe("That concern isn't one you can open.");
  });

  it('delivers after the random delay: nothing before it, then a content-free card in Chris\'s chat with "Read and reply"', async () => {
    const before = connector.sent.length;
    clock.advance(10 * MINUTE - 1000);
    await trellis.tick();
    expect(connector.sent.length).toBe(before);

    clock.advance(MINUTE + 1000); // 11 minutes after it was raised
    await trellis.tick();
    const delivered = connector.sent.slice(before);
    expect(delivered.map((s) => s.conversationId)).toEqual([chatOf(CHRIS)]);
    expect(delivered[0]!.replyToId).toBeUndefined(); // a new message, proactive
    chrisNote = delivered[0]!.activity;
    const c = await concernByPseudonym(first);
    expect(c.status).toBe('open');
    expect(c.deliverAt).toBeUndefined();
    const card = cardOf(chrisNote);
    expect(card.body.map((b) => b.text)).toEqual([`Concern ${first}`, `A new concern, ${first}, from a member of Riverside Partnership.`]);
    expect(card.actions).toEqual([
      {
        type: 'Action.Submit',
        title: 'Read and reply',
        style: 'positive',
        data: { msteams: { type: 'task/fetch' }, verb: 'trellis', actionId: 'concern-friend-open', value: c.id },
      },
    ]);
    expect(chrisNote.summary).toBe(`Concern ${first}: A new concern, ${first}, from a member of Riverside Partnership.`);
    for (const content of ['re-triaged', 'triage', 'power', 'Power']) expect(JSON.stringify(chrisNote)).not.toContain(content);

    await trellis.tick();
    expect(connector.sent.length).toBe(before + 1);
  });

  it('opens the concern for Chris in a dialog: all of it, "from a member of the partnership", wrapped', async () => {
    const body = await openDialog(CHRIS, dialogButton(chrisNote).data);
    if (body.task.type !== 'continue') throw new Error('expected a form');
    expect(body.task.value.title).toBe(`Concern ${first}`);
    friendCard = formCard(body);
    const intro = introText(friendCard);
    expect(intro).toContain(`**${first}** — Perceived power differences — from a member of the partnership.`);
    expect(intro).toContain(HAPPENING);
    expect(intro).toContain(`What would help: ${HELP.trim()}`);
    expect(intro).toContain('Status: open.');
    for (const b of friendCard.body.filter((x) => x.type === 'TextBlock')) expect(b.wrap).toBe(true);
    expect(inputIds(friendCard)).toEqual(['reply', 'status', 'escalate']);
    expect(input(friendCard, 'reply')).toMatchObject({ isMultiline: true, maxLength: 2000, isRequired: false });
    expect(input(friendCard, 'status')).toMatchObject({ value: 'open', style: 'expanded' });
    expect(input(friendCard, 'status')!.choices!.map((c) => c.value)).toEqual(['open', 'acknowledged', 'resolved', 'closed']);
    expect(input(friendCard, 'escalate')).toMatchObject({ isRequired: false });
    const c = await concernByPseudonym(first);
    expect(friendCard.actions![0]!.data).toEqual({
      verb: 'trellis-form',
      actionId: 'concern-friend-submit',
      context: c.id,
      reopen: { actionId: 'concern-friend-open', value: c.id },
    });
    const all = JSON.stringify(body);
    for (const secret of [SAM.id, SAM.name, SAM.aad, 'Patel', chatOf(SAM), SAM_ORG, (await samMember()).id, c.relay]) expect(all).not.toContain(secret);
  });

  it('Chris replies and asks to raise it with the coordinators: Sam gets a content-free card with "Read and answer"', async () => {
    const r = await deliver(invoke('task/submit', CHRIS, submitData(friendCard, { reply: FRIEND_REPLY, status: 'acknowledged', escalate: ESCALATE })));
    expect(messageOf(r.body!)).toBe(`Sent to the person behind ${first}.`);
    expect(r.sent.map((s) => s.conversationId)).toEqual([chatOf(SAM)]);
    expect(r.sent[0]!.replyToId).toBeUndefined();
    samNote = r.sent[0]!.activity;
    const c = await concernByPseudonym(first);
    expect(cardOf(samNote).body[0]!.text).toBe(`Your concern ${first}`);
    expect(textOf(samNote)).toContain(
      `You have a reply and a question about raising it with the coordinators from the critical friend about your concern ${first} (now acknowledged).`,
    );
    expect(cardOf(samNote).actions).toEqual([
      {
        type: 'Action.Submit',
        title: 'Read and answer',
        style: 'positive',
        data: { msteams: { type: 'task/fetch' }, verb: 'trellis', actionId: 'concern-reporter-open', value: c.id },
      },
    ]);
    for (const content of ['Thank you for raising', ESCALATE, 're-triaged']) expect(JSON.stringify(samNote)).not.toContain(content);
    expect(c).toMatchObject({ status: 'acknowledged', escalation: { status: 'requested', proposed: ESCALATE } });
    expect(c.messages.map((m) => m.from)).toEqual(['reporter', 'friend']);
  });

  it("refuses a forged task/fetch or task/submit for another person's view of the concern", async () => {
    const c = await concernByPseudonym(first);
    const stored = JSON.stringify(c);
    const refused = "That concern isn't one you can open.";
    for (const [who, actionId] of [
      [KIM, 'concern-reporter-open'],
      [KIM, 'concern-friend-open'],
      [ALEX, 'concern-reporter-open'],
      [ALEX, 'concern-friend-open'],
      [CHRIS, 'concern-reporter-open'],
      [SAM, 'concern-friend-open'],
    ] as const) {
      expect(messageOf(await openDialog(who, { msteams: { type: 'task/fetch' }, verb: 'trellis', actionId, value: c.id }))).toBe(refused);
    }
    expect(messageOf(await openDialog(CHRIS, { verb: 'trellis', actionId: 'concern-friend-open', value: 'no-such-concern' }))).toBe(refused);
    for (const [who, data] of [
      [
        KIM,
        {
          reply: 'forged',
          close: 'close',
          verb: 'trellis-form',
          actionId: 'concern-reporter-submit',
          context: c.id,
          reopen: { actionId: 'concern-reporter-open', value: c.id },
        },
      ],
      [
        ALEX,
        {
          reply: 'forged',
          status: 'closed',
          verb: 'trellis-form',
          actionId: 'concern-friend-submit',
          context: c.id,
          reopen: { actionId: 'concern-friend-open', value: c.id },
        },
      ],
      [SAM, { reply: 'forged', status: 'closed', verb: 'trellis-form', actionId: 'concern-friend-submit', context: c.id }],
    ] as const) {
      const r = await deliver(invoke('task/submit', who, data));
      expect(messageOf(r.body!)).toBe(refused);
      expect(r.sent).toHaveLength(0);
    }
    expect(JSON.stringify(await concernByPseudonym(first))).toBe(stored);
  });

  it('Sam opens his dialog, answers and approves edited text: the coordinator gets only that text, under the pseudonym', async () => {
    const body = await openDialog(SAM, dialogButton(samNote).data);
    reporterCard = formCard(body);
    const intro = introText(reporterCard);
    expect(intro).toContain(`**Your concern ${first}** — Perceived power differences.`);
    expect(intro).toContain(HAPPENING);
    // The whole conversation, however long it has grown, the latest message included.
    expect(intro).toContain(`**Critical friend** (23 Nov 2026): ${FRIEND_REPLY}`);
    expect(intro).toContain('Status: acknowledged.');
    for (const b of reporterCard.body.filter((x) => x.type === 'TextBlock')) expect(b.wrap).toBe(true);
    expect(inputIds(reporterCard)).toEqual(['reply', 'escalation', 'shared', 'close']);
    expect(input(reporterCard, 'escalation')).toMatchObject({ value: 'decline' });
    expect(input(reporterCard, 'shared')).toMatchObject({ value: ESCALATE, isMultiline: true });
    expect(input(reporterCard, 'close')).toMatchObject({ value: 'open' });

    // Approving with nothing to share is sent back with the error under the text box.
    const empty = await deliver(
      invoke('task/submit', SAM, submitData(reporterCard, { reply: SAM_ANSWER, escalation: 'approve', shared: '  ', close: 'open' })),
    );
    expect(errorUnder(formCard(empty.body!), 'shared')).toBe('Give the text to share, or choose No.');
    expect(input(formCard(empty.body!), 'reply')!.value).toBe(SAM_ANSWER);
    expect(empty.sent).toHaveLength(0);

    const r = await deliver(invoke('task/submit', SAM, submitData(reporterCard, { reply: SAM_ANSWER, escalation: 'approve', shared: SHARED, close: 'open' })));
    expect(messageOf(r.body!)).toBe('Sent to the critical friend.');
    expect(r.sent.map((s) => s.conversationId).sort()).toEqual([chatOf(ALEX), chatOf(CHRIS)].sort());
    const toAlex = r.sent.find((s) => s.conversationId === chatOf(ALEX))!;
    expect(toAlex.replyToId).toBeUndefined();
    expect(cardOf(toAlex.activity).body.map((b) => b.text)).toEqual([
      'From the critical friend: Riverside Partnership',
      `The critical friend raises this with the coordinators, with the agreement of the person who raised it (${first}):\n\n${SHARED}`,
    ]);
    expect(cardOf(toAlex.activity).actions).toBeUndefined();
    for (const content of [ESCALATE, SAM_ANSWER, 'Thank you for raising', 'lead agency', 'Perceived power'])
      expect(JSON.stringify(toAlex.activity)).not.toContain(content);

    const toChris = r.sent.find((s) => s.conversationId === chatOf(CHRIS))!;
    expect(textOf(toChris.activity)).toContain(`${first}: a new message, an answer about raising it (yes).`);
    expect(dialogButton(toChris.activity)).toMatchObject({ title: 'Read and reply', data: { actionId: 'concern-friend-open' } });
    for (const content of [SAM_ANSWER, SHARED]) expect(JSON.stringify(toChris.activity)).not.toContain(content);
    expect(await concernByPseudonym(first)).toMatchObject({ escalation: { status: 'approved', proposed: ESCALATE, approved: SHARED } });
  });

  it('Chris reads the answer and marks it resolved; Sam is told only that there is an update', async () => {
    const card = formCard(await openDialog(CHRIS, dialogButton(chrisNote).data));
    const intro = introText(card);
    expect(intro).toContain(`**Reporter** (23 Nov 2026): ${SAM_ANSWER}`);
    expect(intro).toContain(`**You** (23 Nov 2026): ${FRIEND_REPLY}`);
    // Asked once already: no second request.
    expect(inputIds(card)).toEqual(['reply', 'status']);
    const r = await deliver(invoke('task/submit', CHRIS, submitData(card, { reply: '', status: 'resolved' })));
    expect(messageOf(r.body!)).toBe(`Sent to the person behind ${first}.`);
    expect(r.sent.map((s) => s.conversationId)).toEqual([chatOf(SAM)]);
    expect(textOf(r.sent[0]!.activity)).toContain(`The critical friend marked your concern ${first} as resolved.`);
    expect((await concernByPseudonym(first)).status).toBe('resolved');
  });

  it('Sam closes the conversation; replies from either side are refused afterwards', async () => {
    const card = formCard(await openDialog(SAM, dialogButton(samNote).data));
    expect(introText(card)).toContain('Status: resolved.');
    expect(inputIds(card)).toEqual(['reply', 'close']);
    const r = await deliver(invoke('task/submit', SAM, submitData(card, { reply: '', close: 'close' })));
    expect(messageOf(r.body!)).toBe('Sent to the critical friend.');
    expect(r.sent.map((s) => s.conversationId)).toEqual([chatOf(CHRIS)]);
    expect(textOf(r.sent[0]!.activity)).toContain(`${first}: the conversation was closed.`);
    const closed = JSON.stringify(await concernByPseudonym(first));
    expect(JSON.parse(closed)).toMatchObject({ status: 'closed' });

    const again = await deliver(invoke('task/submit', SAM, submitData(card, { reply: 'One more thing', close: 'open' })));
    expect(messageOf(again.body!)).toContain('This conversation is closed.');
    const friend = formCard(await openDialog(CHRIS, dialogButton(chrisNote).data));
    expect(introText(friend)).toContain('Status: closed.');
    const late = await deliver(invoke('task/submit', CHRIS, submitData(friend, { reply: 'Are you still there?', status: 'open' })));
    expect(messageOf(late.body!)).toBe('This conversation is closed.');
    expect([...again.sent, ...late.sent]).toHaveLength(0);
    expect(JSON.stringify(await concernByPseudonym(first))).toBe(closed);
  });

  let second = '';
  let third = '';
  it('gives two more concerns from the same person unrelated pseudonyms; an organisation shows only when chosen', async () => {
    const before = connector.sent.length;
    second = receiptOf(messageOf((await raise(SAM, { category: 'roles', happening: SECOND, organisation: 'yes' })).body!));
    third = receiptOf(messageOf((await raise(SAM, { category: 'communication', happening: THIRD })).body!));
    expect(new Set([first, second, third]).size).toBe(3);
    const [c2, c3] = [await concernByPseudonym(second), await concernByPseudonym(third)];
    expect(c2.organisation).toBe(SAM_ORG);
    expect(c3.organisation).toBeUndefined();
    // Nothing in common between them but the partnership: no shared relay, no person.
    expect(new Set([(await concernByPseudonym(first)).relay, c2.relay, c3.relay]).size).toBe(3);
    expect(connector.sent.length).toBe(before);

    clock.advance(5 * MINUTE + 1000); // past the 300 s delay each drew (Math.random() = 0.5)
    await trellis.tick();
    const notes = connector.sent.slice(before);
    expect(notes.map((s) => s.conversationId)).toEqual([chatOf(CHRIS), chatOf(CHRIS)]);
    expect(notes.map((s) => cardOf(s.activity).body[0]!.text).sort()).toEqual([`Concern ${second}`, `Concern ${third}`].sort());
    for (const s of notes) {
      expect(textOf(s.activity)).toContain('from a member of Riverside Partnership.');
      for (const content of [SAM_ORG, SECOND, THIRD]) expect(JSON.stringify(s.activity)).not.toContain(content);
    }

    const open = async (c: Concern) =>
      formCard(await openDialog(CHRIS, { msteams: { type: 'task/fetch' }, verb: 'trellis', actionId: 'concern-friend-open', value: c.id }));
    const card2 = await open(c2);
    expect(introText(card2)).toContain(`**${second}** — Lack of clarity about roles — from someone at ${SAM_ORG}.`);
    expect(introText(card2)).toContain(SECOND);
    expect(inputIds(card2)).toEqual(['reply', 'status']); // no consent to ask about escalating
    const card3 = await open(c3);
    expect(introText(card3)).toContain(`**${third}** — Communication failures — from a member of the partnership.`);
    expect(JSON.stringify(card3)).not.toContain(SAM_ORG);
  });

  it('takes no 4th concern from one person in a day, and still takes one from someone else', async () => {
    const before = await concerns();
    const r = await raise(SAM, { category: 'other', happening: 'A fourth one today' });
    expect(messageOf(r.body!)).toBe(
      'You have raised 3 concerns today, the most Trellis takes from one person in a day. Nothing was sent; please try again tomorrow.',
    );
    expect(r.sent).toHaveLength(0);
    expect(await concerns()).toHaveLength(before.length);
    expect(JSON.stringify(await concerns())).not.toContain('A fourth one today');

    expect(receiptOf(messageOf((await raise(KIM, { category: 'commitment', happening: 'Our seat on the board is always empty.' })).body!))).toMatch(PSEUDONYM);
    expect(await concerns()).toHaveLength(before.length + 1);
  });

  it('refuses `concerns` to the coordinator and to members; lists them for the critical friend with dialog buttons', async () => {
    const onlyFriend = 'Concerns are seen only by the critical friend.';
    for (const r of [
      await say(ALEX, 'concerns'),
      await say(ALEX, 'concerns themes'),
      await tell(ALEX, 'concerns themes publish'),
      await tell(KIM, 'concerns'),
      await tell(SAM, 'concerns themes'),
      await say(KIM, 'concerns'),
    ]) {
      expect(textOf(replyOf(r))).toContain(onlyFriend);
      expect(cardOf(replyOf(r)).actions).toBeUndefined();
      for (const p of [first, second, third]) expect(JSON.stringify(r.sent)).not.toContain(p);
    }
    const list = replyOf(await tell(CHRIS, 'concerns'));
    expect(textOf(list)).toContain('2 open concerns:');
    expect(textOf(list)).not.toContain(first); // closed
    expect(cardOf(list).actions!.map((a) => [a.title, a.data.msteams?.type, a.data.actionId])).toEqual([
      [`Open ${second}`, 'task/fetch', 'concern-friend-open'],
      [`Open ${third}`, 'task/fetch', 'concern-friend-open'],
    ]);
    expect(formCard(await openDialog(CHRIS, cardOf(list).actions![0]!.data)).actions![0]!.data.actionId).toBe('concern-friend-submit');
  });

  it('keeps the reporter unknown: no Teams id, name or organisation in the stored concerns, the logs, or anything Chris or the coordinator received', async () => {
    const member = await samMember();
    const identity = [SAM.id, SAM.name, 'Patel', SAM.aad, chatOf(SAM), member.id];
    const data = JSON.parse(await trellis.data()) as { concerns: StoredConcern[]; concernQuotas: { key: string }[] };
    const stored = JSON.stringify({ concerns: data.concerns, concernQuotas: data.concernQuotas });
    // The text is sealed: the data file alone does not say what was raised.
    for (const text of [HAPPENING, SAM_ANSWER, SHARED, ESCALATE, SECOND, THIRD]) expect(stored).not.toContain(text);
    for (const secret of [...identity, 'teams']) expect(stored).not.toContain(secret);
    expect(stored).not.toMatch(/\bSam\b/);
    // The organisation sealed too; the server reads it only where Sam chose to give it.
    expect(stored).not.toContain(SAM_ORG);
    expect(data.concerns.filter((c) => openConcern(TEST_SECRET, c)!.organisation === SAM_ORG).map((c) => c.pseudonym)).toEqual([second]);

    const logs = trellis.logs.join('\n');
    for (const secret of [...identity, SAM_ORG, 'lead agency', 'Thank you for raising', SAM_ANSWER, SHARED, SECOND, THIRD, ESCALATE, first, second, third])
      expect(logs).not.toContain(secret);

    // Every card posted or updated in Chris's chat, the coordinator's chat or the channel since the concern flow began.
    const seen = [...connector.sent.slice(flowStart), ...connector.updated].filter((s) => toFriendOrCoordinator(s.conversationId));
    expect(seen.length).toBeGreaterThan(8);
    const chat = JSON.stringify(seen);
    for (const secret of [...identity, SAM_ORG]) expect(chat).not.toContain(secret);
    expect(chat).not.toMatch(/\bSam\b/);
    // Concern text never sits in any chat; the coordinator's chat holds only the text Sam approved.
    const everyChat = JSON.stringify([connector.sent, connector.updated]);
    for (const content of ['lead agency', 'Thank you for raising', SAM_ANSWER, ESCALATE, SECOND, THIRD]) expect(everyChat).not.toContain(content);
    expect(JSON.stringify(connector.sent.filter((s) => s.activity && JSON.stringify(s.activity).includes(SHARED)).map((s) => s.conversationId))).toBe(
      JSON.stringify([chatOf(ALEX)]),
    );
    // Nothing about any concern in the channel.
    for (const p of [first, second, third]) expect(JSON.stringify(seen.filter((s) => s.conversationId.startsWith(CHANNEL)))).not.toContain(p);

    // Every dialog Chris or the coordinator was shown: the organisation only in Chris's view of the concern that named it.
    const shown = dialogs.filter((d) => d.who === CHRIS || d.who === ALEX);
    expect(shown.length).toBeGreaterThan(5);
    for (const d of shown) {
      const text = JSON.stringify(d.body);
      for (const secret of identity) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/\bSam\b/);
      if (text.includes(SAM_ORG)) expect(d.who === CHRIS && text.includes(`**${second}**`)).toBe(true);
    }
    expect(shown.some((d) => JSON.stringify(d.body).includes(`from someone at ${SAM_ORG}`))).toBe(true);
  });

  it('opens a relay only with the server secret: not with a wrong one, not once tampered with', async () => {
    const c = await concernByPseudonym(first);
    expect(openRelay(TEST_SECRET, c.relay)).toEqual({
      platform: 'teams',
      workspace: '72f988bf-0000-41af-91ab-2d7cd011db47',
      userId: SAM.id,
      memberId: (await samMember()).id,
    });
    expect(openRelay('wrong-secret-0123456789abcdef0123456789abcdef', c.relay)).toBeUndefined();
    expect(openRelay('', c.relay)).toBeUndefined();
    const raw = Buffer.from(c.relay, 'base64');
    raw.writeUInt8(raw.readUInt8(raw.length - 1) ^ 1, raw.length - 1);
    expect(openRelay(TEST_SECRET, raw.toString('base64'))).toBeUndefined();
    expect(openRelay(TEST_SECRET, 'not-a-relay')).toBeUndefined();
  });

  it('keeps a line Sam types to look like a reply from the critical friend inside his own turn', async () => {
    const c3 = await concernByPseudonym(third);
    const button = (actionId: string) => ({ msteams: { type: 'task/fetch' as const }, verb: 'trellis', actionId, value: c3.id });
    const forged = 'Thanks.\n**Critical friend** (2026-11-23): You may close this now.';
    const mine = formCard(await openDialog(SAM, button('concern-reporter-open')));
    expect(messageOf((await deliver(invoke('task/submit', SAM, submitData(mine, { reply: forged, close: 'open' })))).body!)).toBe(
      'Sent to the critical friend.',
    );
    const card = formCard(await openDialog(CHRIS, button('concern-friend-open')));
    // Every turn opens with its author in a bold TextRun; the words are TextRuns too, which Teams never reads as markdown.
    const turns = introOf(card).filter((b) => b.type === 'RichTextBlock');
    const authors = turns.flatMap((b) => b.inlines!.filter((r) => r.weight === 'Bolder').map((r) => r.text));
    expect(authors).toEqual(['Reporter', 'Reporter']);
    expect(turns.slice(-2).map((b) => b.inlines!.at(-1)!.text)).toEqual(['Thanks.', '**Critical friend** (2026-11-23): You may close this now.']);
  });
});

describe('Teams concern dialogs (units)', () => {
  it("renders a long conversation whole, as wrapped text blocks, within Teams' card size", () => {
    const long = 'word '.repeat(390).trim(); // ~1,950 characters
    const c: Concern = {
      id: 'c1',
      partnershipId: 'p1',
      pseudonym: 'C-ABCD',
      category: 'roles',
      mayAskToEscalate: false,
      messages: [
        { from: 'reporter', text: `${long} first`, day: '2026-11-01' },
        { from: 'friend', text: `${long} second`, day: '2026-11-02' },
        { from: 'reporter', text: `${long} third`, day: '2026-11-03' },
        { from: 'friend', text: `${long} fourth`, day: '2026-11-04' },
      ],
      status: 'open',
      month: '2026-11',
      threshold: 5,
      relay: 'x',
      friendIds: [],
    };
    const card = renderFormCard(friendForm(c)) as unknown as Card;
    const intro = introText(card);
    for (const end of ['first', 'second', 'third', 'fourth']) expect(intro).toContain(`${long} ${end}`);
    expect(intro).toContain('Status: open.');
    for (const b of introOf(card).filter((x) => x.type === 'TextBlock')) expect(b.wrap).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(28_000);
  });

  it('keeps the start and the latest messages of a conversation too long for one dialog, saying what was left out', () => {
    const long = 'word '.repeat(390).trim();
    const messages = Array.from({ length: 30 }, (_, i) => ({
      from: i % 2 ? ('friend' as const) : ('reporter' as const),
      text: `${long} #${i}`,
      day: '2026-11-01',
    }));
    const c: Concern = {
      id: 'c1',
      partnershipId: 'p1',
      pseudonym: 'C-ABCD',
      category: 'roles',
      mayAskToEscalate: false,
      messages,
      status: 'open',
      month: '2026-11',
      threshold: 5,
      relay: 'x',
      friendIds: [],
    };
    const card = renderFormCard(friendForm(c)) as unknown as Card;
    const intro = introText(card);
    const blocks = introOf(card);
    expect(blocks[0]!.text).toBe('**C-ABCD** — Lack of clarity about roles — from a member of the partnership.');
    expect(blocks[1]).toMatchObject({ text: INTRO_CUT, isSubtle: true, wrap: true });
    expect(intro).toContain(`${long} #29`);
    expect(intro).toContain(`${long} #25`);
    expect(intro).not.toContain(`${long} #0`);
    expect(intro.indexOf(`${long} #25`)).toBeLessThan(intro.indexOf(`${long} #29`));
    expect(intro.endsWith('Status: open.')).toBe(true);
    for (const b of blocks.filter((x) => x.type === 'TextBlock')) expect(b.wrap).toBe(true);
    expect(inputIds(card)).toEqual(['reply', 'status']);
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(28_000);
  });
});
