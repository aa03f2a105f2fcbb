// Teams check-ins end to end: the real server at POST /api/messages, real-shaped
// activities and task module invokes, a fake connector capturing proactive
// POSTs and PUT updates, and a fake clock driving reminders and closing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatKey } from './helpers/teams-requests.js';
import { renderFormCard } from '../src/adapters/teams/render-form-card.js';
import { BAD_DIALOG_CLICK, BAD_FORM } from '../src/adapters/teams/task-routes.js';
import { toFormSubmit } from '../src/adapters/teams/task-request.js';
import { OPENS_IN_DIALOG } from '../src/adapters/teams/teams-routes.js';
import { MAX_FORM_CONTEXT, type Form } from '../src/core/message.js';
import type { Round } from '../src/core/model.js';
import { fakeClock } from './helpers/fake-clock.js';
import { startFakeTeamsConnector, type FakeTeamsConnector } from './helpers/fake-teams-connector.js';
import { waitFor } from './helpers/wait-for.js';
import { startTrellis, TEST_SECRET, type TestTrellis } from './helpers/start-trellis.js';
import { openGroups } from '../src/core/answer-group.js';
import { queuedDelivery, teamsActivityId } from './helpers/outbox.js';
import { CHANNEL, CHANNEL_MESSAGE, chatOf, fixture, type Person, teamsRequests } from './helpers/teams-requests.js';

type Block = {
  type: string;
  id?: string;
  text?: string;
  color?: string;
  value?: string;
  label?: string;
  style?: string;
  isRequired?: boolean;
  isMultiline?: boolean;
  maxLength?: number;
  choices?: { title: string; value: string }[];
};
type Card = { type: string; body: Block[]; actions?: { type: string; title: string; data: Record<string, any> }[] };
type TaskResponse = { task: { type: 'continue'; value: { title: string; card: { contentType: string; content: Card } } } | { type: 'message'; value: string } };

const ALEX: Person = { id: CHANNEL_MESSAGE.from.id as string, name: 'Alex Morgan', aad: 'aad-alex' };
const SAM = { id: fixture('personal-message').from.id as string, name: 'Sam Patel', aad: 'aad-sam-9e8d7c6b' };
const DANA = { id: '29:1Kp4danaBrooksEmploymentService000000000000000000000000000000000000000000', name: 'Dana Brooks', aad: 'aad-dana-1f2e3d4c' };
const STRANGER = { id: '29:1Zz9strangerNotInAnyPartnership0000000000000000000000000000000000000000', name: 'Robin Stranger', aad: 'aad-robin' };
const JORDAN = fixture('install-personal').from as { id: string };

const COMMENT = 'The depot handover meetings keep overrunning';
const HOUR = 3_600_000;

let connector: FakeTeamsConnector;
let trellis: TestTrellis;
const clock = fakeClock('2026-11-23T09:00:00Z'); // a Monday
let seq = 0;

const { inChannel, inPersonal, invoke, deliver } = teamsRequests<TaskResponse>(() => ({ trellis, connector }));

const say = (who: Person, text: string) => deliver(inChannel(who, text));
const tell = (who: Person, text: string) => deliver(inPersonal(who, text));
const cardOf = (activity: Record<string, unknown>): Card => (activity.attachments as { content: Card }[])[0]!.content;
const textOf = (activity: Record<string, unknown>) => JSON.stringify(cardOf(activity).body);

async function openDialog(who: Person, data: unknown) {
  const r = await deliver(invoke('task/fetch', who, data));
  expect(r.sent).toHaveLength(0); // a dialog, never a message in the chat
  return r.body!;
}
const formCard = (body: TaskResponse): Card => {
  if (body.task.type !== 'continue') throw new Error(`expected a form, got the message: ${body.task.value}`);
  expect(body.task.value.card.contentType).toBe('application/vnd.microsoft.card.adaptive');
  return body.task.value.card.content;
};
const messageOf = (body: TaskResponse): string => {
  if (body.task.type !== 'message') throw new Error('expected a message, got a form');
  return body.task.value;
};
const choiceIds = (card: Card) => card.body.filter((b) => b.type === 'Input.ChoiceSet').map((b) => b.id!);
/** What the dialog's submit button sends, plus the person's inputs (as Teams merges them). */
const submitData = (card: Card, values: Record<string, string>) => ({ ...values, ...card.actions![0]!.data });
const answers = (card: Card, value: string, extra: Record<string, string> = {}) => ({
  ...Object.fromEntries(choiceIds(card).map((id) => [id, value])),
  comment: '',
  ...extra,
});

const partnership = async () => (await trellis.store.partnershipByHome('teams', CHANNEL))!;
const latestRound = async (): Promise<Round> => (await trellis.store.rounds((await partnership()).id)).sort((a, b) => b.number - a.number)[0]!;
const invitationOf = async (round: Round, who: Person) => {
  const member = (await trellis.store.membershipsOf({ platform: 'teams', workspace: '72f988bf-0000-41af-91ab-2d7cd011db47', userId: who.id }))[0]!;
  return (await trellis.store.invitations(round.id)).find((i) => i.memberId === member.id)!;
};
const checkInButton = (activity: Record<string, unknown>) => cardOf(activity).actions!.find((a) => a.data.msteams)!;

beforeAll(async () => {
  connector = await startFakeTeamsConnector();
  trellis = await startTrellis({ TEAMS_ALLOW_UNAUTHENTICATED: 'true' }, { clock });
});
afterAll(async () => {
  await trellis?.close();
  await connector?.close();
});

describe('Teams check-ins', () => {
  let dataFileBefore = '';
  let samCard: Card;
  /** The activity ids the connector gave Sam's and Dana's check-in #1 cards. */
  let samCardId: string;
  let danaCardId: string;
  /** Sam's form for round 1, as opened before the round closed. */
  let openForm: Card;

  it('keeps the personal chat reference on a personal installationUpdate, before any message', async () => {
    const r = await deliver({ ...fixture('install-personal'), serviceUrl: connector.serviceUrl });
    expect(r.sent).toHaveLength(0);
    const saved = await trellis.store.conversation('teams', chatKey(JORDAN.id));
    expect(saved?.reference).toMatchObject({ serviceUrl: connector.serviceUrl, user: { id: JORDAN.id }, conversation: { conversationType: 'personal' } });
  });

  it("opens a check-in: a proactive card in each reachable member's personal chat, counting who cannot be reached", async () => {
    const setup = await say(ALEX, 'setup Riverside Partnership');
    const code = /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec(textOf(setup.sent[0]!.activity))![1]!;
    await say(ALEX, 'org add City Council public');
    await say(ALEX, 'org add Hope Trust voluntary');
    expect(textOf((await tell(SAM, `join ${code} City Council`)).sent[0]!.activity)).toContain('Welcome to **Riverside Partnership**');
    expect(textOf((await tell(DANA, `join ${code} Hope Trust`)).sent[0]!.activity)).toContain('Welcome to **Riverside Partnership**');
    await tell(STRANGER, 'help');

    const opened = await say(ALEX, 'survey now');
    // Alex, the coordinator, has only ever written in the channel: no personal chat to write to.
    const reply = opened.sent.find((s) => s.replyToId);
    const proactive = opened.sent.filter((s) => s !== reply);
    expect(textOf(reply!.activity)).toContain('sent privately to 3 members. 1 of them cannot be messaged yet');
    expect(proactive.map((s) => s.conversationId).sort()).toEqual([chatOf(SAM), chatOf(DANA)].sort());
    const round = await latestRound();
    for (const s of proactive) {
      expect(s.replyToId).toBeUndefined(); // a new message in the personal chat, not a reply
      expect(s.authorization).toBeUndefined(); // unauthenticated mode: no token
      expect(cardOf(s.activity).body[0]!.text).toBe('Riverside Partnership: check-in #1');
      expect(checkInButton(s.activity)).toMatchObject({
        type: 'Action.Submit',
        title: 'Answer (1 minute)',
        data: { msteams: { type: 'task/fetch' }, verb: 'trellis', actionId: 'survey-open', value: round.id },
      });
    }
    const samSent = proactive.find((s) => s.conversationId === chatOf(SAM));
    samCard = cardOf(samSent!.activity);
    samCardId = teamsActivityId(connector, samSent)!;
    danaCardId = teamsActivityId(
      connector,
      proactive.find((s) => s.conversationId === chatOf(DANA)),
    )!;
    // A handle to each card is kept, so it can be updated in place later (below, by the id the connector gave it).
    const samInvitation = await invitationOf(round, SAM);
    expect(samInvitation.delivery).toEqual(queuedDelivery('teams'));
    expect((await invitationOf(round, DANA)).delivery).toEqual(queuedDelivery('teams'));
    expect(samInvitation.delivery!.outgoing).not.toBe((await invitationOf(round, DANA)).delivery!.outgoing);
    expect((await invitationOf(round, ALEX)).delivery).toBeUndefined();
  });

  it('opens the form in a dialog on task/fetch: one expanded choice set per statement and a comment box', async () => {
    const round = await latestRound();
    const body = await openDialog(SAM, samCard.actions![0]!.data);
    if (body.task.type !== 'continue') throw new Error('expected a form');
    expect(body.task.value).toMatchObject({ title: 'Check-in #1', height: 'large', width: 'medium' });
    const card = formCard(body);
    expect(choiceIds(card)).toEqual(round.itemIds);
    for (const b of card.body.filter((x) => x.type === 'Input.ChoiceSet')) {
      expect(b).toMatchObject({ style: 'expanded', isRequired: true });
      expect(b.label!.length).toBeGreaterThan(10);
      expect(b.choices!.map((c) => c.value)).toEqual(['5', '4', '3', '2', '1', 'skip']);
      expect(b.value).toBeUndefined();
    }
    expect(card.body.find((b) => b.type === 'Input.Text')).toMatchObject({ id: 'comment', isMultiline: true, maxLength: 1000, isRequired: false });
    expect(card.body[0]!.text).toContain('**Riverside Partnership**');
    expect(card.actions).toEqual([
      {
        type: 'Action.Submit',
        title: 'Submit',
        style: 'positive',
        data: { verb: 'trellis-form', actionId: 'survey-submit', context: round.id, reopen: { actionId: 'survey-open', value: round.id } },
      },
    ]);
  });

  it('records answers from task/submit, answers with a message, and updates the chat card to a content-free thanks', async () => {
    const round = await latestRound();
    const card = formCard(await openDialog(SAM, samCard.actions![0]!.data));
    const r = await deliver(invoke('task/submit', SAM, submitData(card, answers(card, '2', { comment: COMMENT }))));
    expect(messageOf(r.body!)).toMatch(/^Thanks — your answers are in\. You can change them until 28 Nov 2026, 09:00\.$/);
    expect(r.sent).toHaveLength(0);
    // The card update follows the dialog's answer (the person waits on the dialog, not the card).
    const update = await waitFor(() => connector.updated.find((u) => u.conversationId === chatOf(SAM)));
    expect(connector.updated.filter((u) => u.conversationId === chatOf(SAM))).toHaveLength(1);
    expect(update.conversationId).toBe(chatOf(SAM));
    expect(update.activityId).toBe(samCardId);
    expect(update.activity).toMatchObject({ type: 'message', id: update.activityId });
    expect(textOf(update.activity)).toContain('Answered.');
    expect(JSON.stringify(update.activity)).not.toContain(COMMENT);
    expect(JSON.stringify(update.activity)).not.toContain('Disagree');
    expect(checkInButton(update.activity)).toMatchObject({
      title: 'See or change my answers',
      data: { msteams: { type: 'task/fetch' }, actionId: 'survey-open', value: round.id },
    });

    const sets = await trellis.store.answerSets(round.id);
    expect(sets).toHaveLength(1);
    expect(sets[0]).toMatchObject({ comment: COMMENT, group: expect.any(String) });
    expect(openGroups(TEST_SECRET, sets)[0]!.sector).toBe('public');
    expect(Object.values(sets[0]!.values)).toEqual(round.itemIds.map(() => 2));
  });

  it('keeps one answer set on a duplicate submit, and replaces it when the answers change', async () => {
    const round = await latestRound();
    const card = formCard(await openDialog(SAM, samCard.actions![0]!.data));
    openForm = card;
    // Reopened: the person's own answers, and only theirs.
    expect(card.body.filter((b) => b.type === 'Input.ChoiceSet').every((b) => b.value === '2')).toBe(true);
    expect(card.body.find((b) => b.id === 'comment')?.value).toBe(COMMENT);
    const same = submitData(card, answers(card, '2', { comment: COMMENT }));
    await deliver(invoke('task/submit', SAM, same));
    await deliver(invoke('task/submit', SAM, same));
    expect(await trellis.store.answerSets(round.id)).toHaveLength(1);
    await deliver(invoke('task/submit', SAM, submitData(card, answers(card, '5'))));
    const sets = await trellis.store.answerSets(round.id);
    expect(sets).toHaveLength(1);
    expect(Object.values(sets[0]!.values)).toEqual(round.itemIds.map(() => 5));
    expect(sets[0]!.comment).toBeUndefined();
    // Keep Sam's comment for the privacy checks further down.
    await deliver(invoke('task/submit', SAM, same));
    dataFileBefore = await trellis.data();
  });

  it('shows a value off the scale as an error under its field, keeping the choices made, and records nothing', async () => {
    const card = formCard(await openDialog(DANA, samCard.actions![0]!.data));
    const [first, second] = choiceIds(card);
    const r = await deliver(invoke('task/submit', DANA, submitData(card, answers(card, '3', { [first!]: '9', [second!]: '1', comment: 'draft' }))));
    const again = formCard(r.body!);
    expect(again.body[0]).toMatchObject({ type: 'TextBlock', color: 'attention', text: 'Some answers need another look; nothing was recorded yet.' });
    const at = again.body.findIndex((b) => b.id === first);
    expect(again.body[at + 1]).toMatchObject({ type: 'TextBlock', color: 'attention', text: '"9" is not on the scale.' });
    expect(again.body.find((b) => b.id === second)?.value).toBe('1');
    expect(again.body.find((b) => b.id === 'comment')?.value).toBe('draft');
    expect(again.body.filter((b) => b.color === 'attention')).toHaveLength(2);
    expect(r.updated).toHaveLength(0);
    expect(await trellis.data()).toBe(dataFileBefore);
  });

  it.each([
    ['an unknown field id', (card: Card) => submitData(card, answers(card, '3', { 'trust-forged': '4' })), 'statements this check-in does not ask'],
    ['a forged context (no such round)', (card: Card) => ({ ...submitData(card, answers(card, '3')), context: 'no-such-round' }), "isn't one you can answer"],
    ['a numeric answer', (card: Card) => submitData(card, answers(card, 3 as unknown as string)), BAD_FORM],
    ['an oversized context', (card: Card) => ({ ...submitData(card, answers(card, '3')), context: 'x'.repeat(MAX_FORM_CONTEXT + 1) }), BAD_FORM],
    ['an oversized answer', (card: Card) => submitData(card, answers(card, '3', { comment: 'x'.repeat(2001) })), BAD_FORM],
    ['another verb', (card: Card) => ({ ...submitData(card, answers(card, '3')), verb: 'trellis' }), BAD_FORM],
    ['no data at all', () => null, BAD_FORM],
  ])('refuses a submit with %s, recording nothing', async (_name, data, expected) => {
    const card = formCard(await openDialog(DANA, samCard.actions![0]!.data));
    const r = await deliver(invoke('task/submit', DANA, data(card)));
    expect(messageOf(r.body!)).toContain(expected);
    expect(r.updated).toHaveLength(0);
    expect(await trellis.data()).toBe(dataFileBefore);
  });

  it('refuses someone outside the partnership, in the dialog and on submit', async () => {
    expect(messageOf(await openDialog(STRANGER, samCard.actions![0]!.data))).toContain("isn't one you can answer");
    const card = formCard(await openDialog(DANA, samCard.actions![0]!.data));
    const r = await deliver(invoke('task/submit', STRANGER, submitData(card, answers(card, '4'))));
    expect(messageOf(r.body!)).toContain("isn't one you can answer");
    expect(await trellis.data()).toBe(dataFileBefore);
  });

  it.each([
    ['no verb', { actionId: 'survey-open', value: 'x' }],
    ['a numeric value', { verb: 'trellis', actionId: 'survey-open', value: 7 }],
    ['no data', undefined],
  ])('refuses a task/fetch with %s', async (_name, data) => {
    expect(messageOf(await openDialog(SAM, data))).toBe(BAD_DIALOG_CLICK);
  });

  it('offers the dialog when a form-opening action arrives as a plain card click', async () => {
    const click = {
      ...fixture('card-submit'),
      id: `c${++seq}`,
      serviceUrl: connector.serviceUrl,
      from: { id: SAM.id, name: SAM.name },
      value: { verb: 'trellis', actionId: 'survey-open', value: (await latestRound()).id },
    };
    const r = await deliver(click);
    expect(r.sent).toHaveLength(1);
    expect(textOf(r.sent[0]!.activity)).toContain(OPENS_IN_DIALOG);
    expect(checkInButton(r.sent[0]!.activity).data).toMatchObject({ msteams: { type: 'task/fetch' }, actionId: 'survey-open' });
    expect(JSON.stringify(r.sent[0]!.activity)).not.toContain('Input.');
  });

  it('reminds only the member who has not answered, once, after 48 hours', async () => {
    clock.advance(48 * HOUR - 60_000);
    let r = connector.sent.length;
    await trellis.tick();
    expect(connector.sent.length).toBe(r);
    clock.advance(60_000);
    await trellis.tick();
    await trellis.tick();
    const reminders = connector.sent.slice(r);
    expect(reminders.map((s) => s.conversationId)).toEqual([chatOf(DANA)]);
    expect(reminders[0]!.replyToId).toBeUndefined();
    expect(textOf(reminders[0]!.activity)).toContain('A reminder: Riverside Partnership');
    expect(checkInButton(reminders[0]!.activity).data.msteams).toEqual({ type: 'task/fetch' });
    r = connector.sent.length;
    await trellis.tick();
    expect(connector.sent.length).toBe(r);
  });

  it('closes after the window: the unanswered card is updated to closed, answered ones are left alone', async () => {
    const before = connector.updated.length;
    clock.advance(3 * 24 * HOUR);
    await trellis.tick();
    expect((await latestRound()).closedAt).toBeDefined();
    const updates = connector.updated.slice(before);
    expect(updates.map((u) => [u.conversationId, u.activityId])).toEqual([[chatOf(DANA), danaCardId]]);
    expect(textOf(updates[0]!.activity)).toContain('This check-in #1 has closed.');
    expect(cardOf(updates[0]!.activity).actions).toBeUndefined();
  });

  it('refuses answers after the round closed, in the dialog and on submit', async () => {
    const round = await latestRound();
    expect(messageOf(await openDialog(SAM, samCard.actions![0]!.data))).toContain('This check-in closed on');
    // A dialog opened before the close, submitted after it.
    const r = await deliver(invoke('task/submit', SAM, submitData(openForm, answers(openForm, '1'))));
    expect(messageOf(r.body!)).toContain('This check-in closed on');
    expect((await trellis.store.answerSets(round.id)).map((s) => Object.values(s.values)[0])).toEqual([2]);
  });

  it('closes on `survey close`, updating every unanswered card, and refuses a submit afterwards', async () => {
    const opened = await say(ALEX, 'survey now');
    const round = await latestRound();
    expect(round.number).toBe(2);
    const danaButton = checkInButton(opened.sent.find((s) => s.conversationId === chatOf(DANA))!.activity);
    const card = formCard(await openDialog(DANA, danaButton.data));
    const closed = await say(ALEX, 'survey close 2');
    // The reply to the command; the round's digest was posted to the channel as a new message before it.
    expect(textOf(closed.sent.find((s) => s.replyToId)!.activity)).toContain('Check-in #2 is closed: 0 of 3 answered (0%).');
    expect(closed.updated.map((u) => u.conversationId).sort()).toEqual([chatOf(SAM), chatOf(DANA)].sort());
    const r = await deliver(invoke('task/submit', DANA, submitData(card, answers(card, '4'))));
    expect(messageOf(r.body!)).toContain('This check-in closed on');
    expect(await trellis.store.answerSets(round.id)).toHaveLength(0);
  });

  it('drops a card the connector refuses, and still records answers when the update fails', async () => {
    connector.failing.add(chatOf(DANA));
    const opened = await say(ALEX, 'survey now');
    // Only those with no stored chat are known to be unreachable in advance; a refusal comes on delivery.
    expect(textOf(opened.sent.find((s) => s.replyToId)!.activity)).toContain('1 of them cannot be messaged yet');
    const round = await latestRound();
    expect((await trellis.store.outgoing(String((await invitationOf(round, DANA)).delivery!.outgoing)))?.status).toBe('failed');
    connector.failing.delete(chatOf(DANA));

    connector.failing.add(chatOf(SAM));
    const card = formCard(await openDialog(SAM, { verb: 'trellis', actionId: 'survey-open', value: round.id }));
    const r = await deliver(invoke('task/submit', SAM, submitData(card, answers(card, '3'))));
    expect(messageOf(r.body!)).toMatch(/^Thanks — your answers are in/);
    expect(await trellis.store.answerSets(round.id)).toHaveLength(1);
    const dropped = (kind: string) => trellis.logs.filter((l) => l.includes('"msg":"Outgoing message dropped"') && l.includes(`"kind":"${kind}"`));
    await waitFor(() => dropped('update').length > 0);
    connector.failing.delete(chatOf(SAM));

    // Reported once each, without the card or the person; never an apology posted into their chat.
    expect(dropped('private')).toEqual([expect.stringContaining('"kind":"private","platform":"teams","reason":"Teams answered 403"')]);
    expect(dropped('update')).toEqual([expect.stringContaining('"kind":"update","platform":"teams","reason":"Teams answered 403"')]);
    const logs = trellis.logs.join('\n');
    expect(logs).not.toContain('teams turn failed');
    for (const leak of [DANA.id, SAM.id, chatOf(DANA), 'check-in #3', 'Answered']) expect(logs).not.toContain(leak);
    expect(connector.sent.filter((s) => JSON.stringify(s.activity).includes('something went wrong'))).toHaveLength(0);
    await say(ALEX, 'survey close 3');
  });

  it('keeps answers unlinkable: no Teams id, name or member id in the stored answer sets; no comment in logs or chat', async () => {
    const data = JSON.parse(await trellis.data()) as { answerSets: unknown[]; members: { id: string }[] };
    // The sealed group is ciphertext (base64, where any short name may turn up by chance): searched apart, as ciphertext.
    const sets = JSON.stringify(data.answerSets.map((s) => ({ ...(s as object), group: undefined })));
    for (const s of data.answerSets as { group: string }[]) expect(s.group).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(sets).toContain(COMMENT);
    for (const secret of [SAM.id, SAM.name, SAM.aad, DANA.id, DANA.name, chatOf(SAM), 'Sam', ...data.members.map((m) => m.id)])
      expect(sets).not.toContain(secret);
    const logs = trellis.logs.join('\n');
    expect(logs).not.toContain(COMMENT);
    expect(logs).not.toContain('draft');
    expect(logs).not.toContain('Input.ChoiceSet');
    const chat = JSON.stringify([connector.sent, connector.updated]);
    expect(chat).not.toContain(COMMENT);
    expect(chat).not.toContain('Input.');
  });
});

/** The round's form as the core would give it (for a dialog left open across the close). */
const formOf = (round: Round): Form => ({
  title: 'Check-in',
  submitActionId: 'survey-submit',
  submitLabel: 'Submit',
  context: round.id,
  reopen: { actionId: 'survey-open', value: round.id },
  fields: [
    ...round.itemIds.map((id) => ({ kind: 'choice' as const, id, label: id, options: [{ value: '1', label: 'One' }] })),
    { kind: 'text', id: 'comment', label: 'c', multiline: true, maxLength: 1000, optional: true },
  ],
});

describe('Teams dialogs (units)', () => {
  it('drops our own keys from the submitted values and keeps the rest as answers', () => {
    const a = {
      ...fixture('task-submit'),
      value: {
        type: 'task/submit',
        data: {
          msteams: { x: 1 },
          verb: 'trellis-form',
          actionId: 'survey-submit',
          context: 'r1',
          reopen: { actionId: 'survey-open', value: 'r1' },
          a: '1',
          comment: 'hi',
        },
      },
    };
    expect(toFormSubmit(a as never)).toMatchObject({
      request: { actionId: 'survey-submit', context: 'r1', values: { a: '1', comment: 'hi' } },
      reopen: { actionId: 'survey-open', value: 'r1' },
    });
    expect(toFormSubmit({ ...a, value: { data: { ...a.value.data, reopen: 'x' } } } as never)).toBeUndefined();
  });

  it('refuses to render a field whose id would be mistaken for submit data', () => {
    const form = formOf({ id: 'r', itemIds: ['verb'] } as Round);
    expect(() => renderFormCard(form)).toThrow(/may not be called "verb"/);
  });
});
