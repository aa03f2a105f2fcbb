// The protocol register and reviews on Teams, end to end: the real server at
// POST /api/messages, real-shaped activities and dialog invokes, a fake
// connector capturing what the bot posts and updates, and a fake clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatKey } from './helpers/teams-requests.js';
import { renderCard } from '../src/adapters/teams/render-card.js';
import { renderFormCard } from '../src/adapters/teams/render-form-card.js';
import { OPENS_IN_DIALOG } from '../src/adapters/teams/teams-routes.js';
import type { Form } from '../src/core/message.js';
import type { Protocol } from '../src/core/model.js';
import { fakeClock } from './helpers/fake-clock.js';
import { startFakeTeamsConnector, type FakeTeamsConnector } from './helpers/fake-teams-connector.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';
import { waitFor } from './helpers/wait-for.js';
import { type Activity, CHANNEL, CHANNEL_MESSAGE, chatOf, fixture, type Person, teamsRequests } from './helpers/teams-requests.js';

type Block = {
  type: string;
  id?: string;
  text?: string;
  color?: string;
  value?: string;
  label?: string;
  style?: string;
  isRequired?: boolean;
  isMultiSelect?: boolean;
  isMultiline?: boolean;
  choices?: { title: string; value: string }[];
};
type CardAction = { type: string; title: string; url?: string; style?: string; data?: Record<string, any> };
type Card = { type: string; body: Block[]; actions?: CardAction[] };
type TaskResponse = { task: { type: 'continue'; value: { title: string; card: { contentType: string; content: Card } } } | { type: 'message'; value: string } };

const ALEX: Person = { id: CHANNEL_MESSAGE.from.id as string, name: 'Alex Morgan', aad: 'aad-alex-6f1a2b3c' };
const SAM = { id: fixture('personal-message').from.id as string, name: 'Sam Patel', aad: 'aad-sam-9e8d7c6b' };
const DANA = { id: '29:1Kp4danaBrooksEmploymentService000000000000000000000000000000000000000000', name: 'Dana Brooks', aad: 'aad-dana-1f2e3d4c' };
const KIM = { id: '29:1Qw8kimOseiYouthHub0000000000000000000000000000000000000000000000000000', name: 'Kim Osei', aad: 'aad-kim-5a6b7c8d' };
const STRANGER = { id: '29:1Zz9strangerNotInAnyPartnership0000000000000000000000000000000000000000', name: 'Robin Stranger', aad: 'aad-robin' };

const LINK = 'https://docs.example.org/referral-agreement';
const REVIEW_COMMENT = 'The referral form still asks for the old case number';

let connector: FakeTeamsConnector;
let trellis: TestTrellis;
const clock = fakeClock('2026-11-23T10:00:00Z'); // a Monday, 10:00 in London

const { inChannel, inPersonal, invoke, deliver } = teamsRequests<TaskResponse>(() => ({ trellis, connector }));

/** A click on an Action.Submit in the person's personal chat: a message with the button's data as its value. */
function clickInPersonal(who: Person, data: unknown): Activity {
  const { text: _text, textFormat: _format, ...m } = inPersonal(who, '');
  return { ...m, replyToId: 'sent-1', value: data };
}

const say = (who: Person, text: string) => deliver(inChannel(who, text));
const tell = (who: Person, text: string) => deliver(inPersonal(who, text));
const cardOf = (activity: Record<string, unknown>): Card => (activity.attachments as { content: Card }[])[0]!.content;
const textOf = (activity: Record<string, unknown>) => JSON.stringify(cardOf(activity).body);
const replyOf = (r: { sent: { replyToId?: string; activity: Record<string, unknown> }[] }) => r.sent.find((s) => s.replyToId)!.activity;

async function openDialog(who: Person, data: unknown, where: 'personal' | 'channel' = 'personal') {
  const r = await deliver(invoke('task/fetch', who, data, where));
  expect(r.sent).toHaveLength(0); // a dialog, never a message in the chat
  return r.body!;
}
const formCard = (body: TaskResponse): Card => {
  if (body.task.type !== 'continue') throw new Error(`expected a form, got the message: ${body.task.value}`);
  return body.task.value.card.content;
};
const messageOf = (body: TaskResponse): string => {
  if (body.task.type !== 'message') throw new Error(`expected a message, got the form: ${JSON.stringify(body.task.value.card.content.body[0])}`);
  return body.task.value;
};
const input = (card: Card, id: string) => card.body.find((b) => b.id === id)!;
/** The red text between this field's input and the next one (after its hint, if any). */
const errorUnder = (card: Card, id: string) => {
  const after = card.body.slice(card.body.findIndex((b) => b.id === id) + 1);
  const end = after.findIndex((b) => b.type.startsWith('Input.'));
  return (end < 0 ? after : after.slice(0, end)).find((b) => b.color === 'attention')?.text;
};
/** What Teams sends on the dialog's submit: the button's data merged with the inputs. */
const submitData = (card: Card, values: Record<string, string>) => ({ ...values, ...card.actions![0]!.data });
const choice = (card: Card, id: string, title: string) => input(card, id).choices!.find((c) => c.title === title)!.value;

const partnership = async () => (await trellis.store.partnershipByHome('teams', CHANNEL))!;
const protocols = async (): Promise<Protocol[]> => trellis.store.protocols((await partnership()).id);
// Once deliveries in flight have settled: they move rows through the outbox while a test compares before and after.
const dataFile = async () => {
  await trellis.drain();
  return trellis.data();
};

beforeAll(async () => {
  connector = await startFakeTeamsConnector();
  trellis = await startTrellis({ TEAMS_ALLOW_UNAUTHENTICATED: 'true' }, { clock });
});
afterAll(async () => {
  await trellis?.close();
  await connector?.close();
});

describe('Teams protocol register and reviews', () => {
  /** The `protocol add` card's button data, and the dialog it opens. */
  let openButton: Record<string, any>;
  let form: Card;
  let good: Record<string, string>;
  let before = '';

  it('sets up a partnership in the channel; members join from their personal chats', async () => {
    const setup = await say(ALEX, 'setup Riverside Partnership');
    const code = /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec(textOf(replyOf(setup)))![1]!;
    await say(ALEX, 'org add City Council public');
    await say(ALEX, 'org add Hope Trust voluntary');
    await say(ALEX, 'org add Youth Hub voluntary');
    for (const [who, org] of [
      [ALEX, 'City Council'],
      [SAM, 'City Council'],
      [DANA, 'Hope Trust'],
      [KIM, 'Youth Hub'],
    ] as const) {
      expect(textOf(replyOf(await tell(who, `join ${code} ${org}`)))).toContain('Riverside Partnership');
    }
    expect(await trellis.store.conversation('teams', chatKey(ALEX.id))).toBeDefined();
    // The scheduler has been ticking since: nothing is due without protocols.
    const sent = connector.sent.length;
    await trellis.tick();
    expect(connector.sent.length).toBe(sent);
  });

  it('answers a typed `protocol add` with a card whose button opens the form in a dialog', async () => {
    const r = await say(ALEX, 'protocol add');
    expect(r.sent).toHaveLength(1);
    const card = cardOf(replyOf(r));
    expect(JSON.stringify(card.body)).toContain(OPENS_IN_DIALOG);
    expect(card.body[0]!.text).toBe('Add a protocol');
    expect(JSON.stringify(card)).not.toContain('Input.');
    const p = await partnership();
    expect(card.actions).toEqual([
      {
        type: 'Action.Submit',
        title: 'Open',
        style: 'positive',
        data: { msteams: { type: 'task/fetch' }, verb: 'trellis', actionId: 'protocol-form', value: `${p.id}:new` },
      },
    ]);
    openButton = card.actions![0]!.data!;
  });

  it('opens the dialog on task/fetch: text inputs, a kind choice, parties as a multi-select, owner, a date', async () => {
    const body = await openDialog(ALEX, openButton, 'channel');
    if (body.task.type !== 'continue') throw new Error('expected a form');
    expect(body.task.value.title).toBe('Add a protocol');
    expect(body.task.value.card.contentType).toBe('application/vnd.microsoft.card.adaptive');
    form = formCard(body);
    const inputs = form.body.filter((b) => b.type.startsWith('Input.')).map((b) => [b.id, b.type]);
    expect(inputs).toEqual([
      ['title', 'Input.Text'],
      ['kind', 'Input.ChoiceSet'],
      ['purpose', 'Input.Text'],
      ['parties', 'Input.ChoiceSet'],
      ['owner', 'Input.ChoiceSet'],
      ['link', 'Input.Text'],
      ['cycle', 'Input.Text'],
      ['next', 'Input.Date'],
    ]);
    expect(input(form, 'title')).toMatchObject({ isRequired: true, isMultiline: false });
    expect(input(form, 'kind')).toMatchObject({ value: 'protocol', isRequired: true, style: 'expanded' });
    expect(input(form, 'kind').isMultiSelect).toBeUndefined();
    expect(input(form, 'purpose')).toMatchObject({ isMultiline: true, isRequired: false });
    expect(input(form, 'parties')).toMatchObject({ isMultiSelect: true, label: 'Parties (organisations)' });
    expect(input(form, 'parties').choices!.map((c) => c.title)).toEqual(['City Council', 'Hope Trust', 'Youth Hub']);
    expect(
      input(form, 'owner')
        .choices!.map((c) => c.title)
        .sort(),
    ).toEqual(['Alex Morgan', 'Dana Brooks', 'Kim Osei', 'Sam Patel']);
    expect(input(form, 'next')).toMatchObject({ type: 'Input.Date', isRequired: false, label: 'Next review date' });
    expect(form.body[form.body.findIndex((b) => b.id === 'next') + 1]).toMatchObject({
      type: 'TextBlock',
      isSubtle: true,
      text: 'Leave empty to count the cycle from today.',
    });
    // The dialog's submit carries the core's own button for this form, to reopen it after a refusal.
    expect(form.actions![0]!.data).toEqual({
      verb: 'trellis-form',
      actionId: 'protocol-save',
      context: openButton.value,
      reopen: { actionId: 'protocol-form', value: openButton.value },
    });
    good = {
      title: 'Referral agreement',
      kind: 'agreement',
      purpose: 'How partners refer families to each other',
      parties: [choice(form, 'parties', 'City Council'), choice(form, 'parties', 'Hope Trust')].join(','),
      owner: choice(form, 'owner', 'Sam Patel'),
      link: LINK,
      cycle: '12',
      next: '2026-11-28',
    };
    before = await dataFile();
  });

  it.each([
    ['an impossible date', { next: '2027-02-30' }, 'next', '2027-02-30 is not a real date.'],
    ['a date in the past', { next: '2026-11-20' }, 'next', 'The next review cannot be in the past (today is 23 Nov 2026).'],
    ['no parties', { parties: '' }, 'parties', 'Choose at least one organisation that is party to it.'],
    ['an unknown organisation id', { parties: 'org-that-does-not-exist' }, 'parties', 'One of those organisations is not in the partnership.'],
  ] as [string, Record<string, string>, string, string][])(
    'shows %s as an error under its field, keeps what was entered, and saves nothing',
    async (_name, change, field, error) => {
      const r = await deliver(invoke('task/submit', ALEX, submitData(form, { ...good, ...change }), 'channel'));
      expect(r.sent).toHaveLength(0);
      const again = formCard(r.body!);
      expect(again.body[0]).toMatchObject({ type: 'TextBlock', color: 'attention', text: 'Some fields need another look; nothing was saved.' });
      expect(errorUnder(again, field)).toBe(error);
      expect(again.body.filter((b) => b.color === 'attention')).toHaveLength(2);
      expect(input(again, 'title').value).toBe(good.title);
      expect(input(again, 'parties').value).toBe(({ ...good, ...change } as Record<string, string>).parties || undefined);
      expect(input(again, 'owner').value).toBe(good.owner);
      expect(again.actions![0]!.data).toEqual(form.actions![0]!.data);
      expect(await dataFile()).toBe(before);
    },
  );

  it('refuses a member who tries `protocol add`, typed, in the dialog and by a forged submit', async () => {
    const typed = await tell(SAM, 'protocol add');
    expect(textOf(replyOf(typed))).toContain('Only coordinators can add protocols');
    expect(cardOf(replyOf(typed)).actions).toBeUndefined();
    expect(messageOf(await openDialog(SAM, openButton))).toContain('Only coordinators can add protocols');
    const forged = await deliver(invoke('task/submit', SAM, submitData(form, good)));
    expect(messageOf(forged.body!)).toContain('Only coordinators can add protocols');
    expect(await dataFile()).toBe(before);
  });

  it.each([
    ["another partnership's context", { context: 'someone-elses-partnership:new' }, "That form isn't for a partnership you are in; nothing was saved."],
    ['no protocol in the context', { context: 'just-one-part' }, "isn't for a partnership you are in"],
    ['another form’s action', { actionId: 'review-submit' }, "That review isn't one you can answer."],
  ])('refuses a forged submit with %s, saving nothing', async (_name, change, expected) => {
    const r = await deliver(invoke('task/submit', ALEX, { ...submitData(form, good), ...change }, 'channel'));
    expect(messageOf(r.body!)).toContain(expected);
    expect(await dataFile()).toBe(before);
  });

  it('refuses an unknown protocol in a real partnership context, and a stranger, saving nothing', async () => {
    const p = await partnership();
    const unknown = await deliver(invoke('task/submit', ALEX, { ...submitData(form, good), context: `${p.id}:no-such-protocol` }, 'channel'));
    expect(messageOf(unknown.body!)).toContain('That protocol is not in this partnership’s register; nothing was saved.');
    // A field error with a forged reopen shows the refusal, never another form.
    const crossed = await deliver(
      invoke(
        'task/submit',
        ALEX,
        { ...submitData(form, { ...good, next: '2027-02-30' }), reopen: { actionId: 'protocol-form', value: 'other:new' } },
        'channel',
      ),
    );
    expect(messageOf(crossed.body!)).toBe("That isn't a protocol of a partnership you are in.");
    expect(messageOf(await openDialog(STRANGER, openButton))).toBe("That isn't a protocol of a partnership you are in.");
    expect(messageOf((await deliver(invoke('task/submit', STRANGER, submitData(form, good)))).body!)).toContain("isn't for a partnership you are in");
    expect(await dataFile()).toBe(before);
  });

  it('saves a good submit from the dialog, with a next review date 5 days ahead', async () => {
    const r = await deliver(invoke('task/submit', ALEX, submitData(form, good), 'channel'));
    expect(r.sent).toHaveLength(0);
    expect(messageOf(r.body!)).toBe('Added P-1 Referral agreement: next review 28 Nov 2026.');
    const [x] = await protocols();
    expect(x).toMatchObject({
      ref: 1,
      title: 'Referral agreement',
      kind: 'agreement',
      nextReview: '2026-11-28',
      cycleMonths: 12,
      link: LINK,
      status: 'active',
    });
    expect(x!.partyOrgIds).toEqual(good.parties!.split(','));
    // `protocol show` offers the document as a link, never as a submit.
    const shown = cardOf(replyOf(await say(SAM, 'protocol show P-1')));
    expect(shown.actions).toEqual([{ type: 'Action.OpenUrl', title: 'Open document', url: LINK }]);
  });

  let reminders: FakeTeamsConnector['sent'] = [];

  it('on the next tick sends only the 7-day reminder, privately, to the owner and the coordinator; then nothing more', async () => {
    const x = (await protocols())[0]!;
    clock.advance(60_000);
    const sent = connector.sent.length;
    await trellis.tick();
    reminders = connector.sent.slice(sent);
    expect(reminders.map((s) => s.conversationId).sort()).toEqual([chatOf(ALEX), chatOf(SAM)].sort());
    for (const s of reminders) {
      expect(s.replyToId).toBeUndefined(); // a new message in the personal chat
      const card = cardOf(s.activity);
      expect(card.body[0]!.text).toBe('Riverside Partnership: P-1 Referral agreement');
      expect(card.body[1]!.text).toMatch(/^Its review is due in \d+ days, on 28 Nov 2026\.$/);
      expect(card.actions).toEqual([
        { type: 'Action.Submit', title: 'Start review', style: 'positive', data: { verb: 'trellis', actionId: 'protocol-review-start', value: x.id } },
        { type: 'Action.Submit', title: 'Snooze a week', data: { verb: 'trellis', actionId: 'protocol-snooze', value: x.id } },
        { type: 'Action.OpenUrl', title: 'Open document', url: LINK },
      ]);
    }
    // The 7-day reminder, recorded once; the 30-day one (due before the protocol existed) never goes out.
    expect(await trellis.store.reminderSent(`${x.id}:2026-11-28:lead-7`)).toBe(true);
    expect(await trellis.store.reminderSent(`${x.id}:2026-11-28:lead-30`)).toBe(false);
    expect(await trellis.store.reminderSent(`${x.id}:2026-11-28:lead-1`)).toBe(false);
    clock.advance(60_000);
    await trellis.tick();
    expect(connector.sent.length).toBe(sent + reminders.length);
  });

  const reviewCards = new Map<string, Card>();

  it("starts a review from the reminder's button: each member of the parties gets the review card privately", async () => {
    const sams = cardOf(reminders.find((s) => s.conversationId === chatOf(SAM))!.activity);
    // Kim is not the owner: the Start review button refuses her.
    const kim = await deliver(clickInPersonal(KIM, sams.actions![0]!.data));
    expect(textOf(replyOf(kim))).toContain('Only coordinators and its owner can start reviews');
    const r = await deliver(clickInPersonal(SAM, sams.actions![0]!.data));
    const reply = r.sent.find((s) => s.replyToId)!;
    expect(reply.conversationId).toBe(chatOf(SAM));
    expect(textOf(reply.activity)).toContain('Review of P-1 Referral agreement started: 3 members of the parties asked privately.');
    const asked = r.sent.filter((s) => s !== reply);
    expect(asked.map((s) => s.conversationId).sort()).toEqual([chatOf(ALEX), chatOf(SAM), chatOf(DANA)].sort());
    const x = (await protocols())[0]!;
    const review = x.reviews[0]!;
    for (const s of asked) {
      const card = cardOf(s.activity);
      expect(card.body[0]!.text).toBe('Review: Referral agreement');
      expect(card.actions).toEqual([
        {
          type: 'Action.Submit',
          title: 'Give your view',
          style: 'positive',
          data: { msteams: { type: 'task/fetch' }, verb: 'trellis', actionId: 'review-open', value: `${x.id}:${review.id}` },
        },
        { type: 'Action.OpenUrl', title: 'Open document', url: LINK },
      ]);
      reviewCards.set(s.conversationId, card);
    }
    expect(x.status).toBe('under-review');
  });

  it('lets two party members answer in a dialog; a missing answer comes back under its field', async () => {
    const button = reviewCards.get(chatOf(SAM))!.actions![0]!.data!;
    // Kim's organisation is not a party.
    expect(messageOf(await openDialog(KIM, button))).toContain('not yours to answer');
    const samForm = formCard(await openDialog(SAM, button));
    const items = samForm.body.filter((b) => b.type === 'Input.ChoiceSet').map((b) => b.id!);
    expect(items).toEqual(['review-roles', 'review-procedures', 'review-monitoring', 'review-no-breaches', 'review-recommendation']);
    expect(samForm.actions![0]!.data).toEqual({
      verb: 'trellis-form',
      actionId: 'review-submit',
      context: button.value,
      reopen: { actionId: 'review-open', value: button.value },
    });
    const all = (v: string, rec: string, extra: Record<string, string> = {}) => ({
      ...Object.fromEntries(items.slice(0, 4).map((id) => [id, v])),
      'review-recommendation': rec,
      comment: '',
      ...extra,
    });

    const missing = await deliver(invoke('task/submit', SAM, submitData(samForm, { ...all('4', 'kept'), 'review-roles': '' })));
    const again = formCard(missing.body!);
    expect(errorUnder(again, 'review-roles')).toBe('Choose an answer (or "Prefer not to say").');
    expect(input(again, 'review-procedures').value).toBe('4');

    const sam = await deliver(invoke('task/submit', SAM, submitData(samForm, all('4', 'kept', { comment: REVIEW_COMMENT }))));
    expect(messageOf(sam.body!)).toBe('Thanks — your view is in. You can change it until the review closes.');
    const update = await waitFor(() => connector.updated.find((u) => u.conversationId === chatOf(SAM)));
    expect(textOf(update.activity)).toContain('Answered.');
    expect(JSON.stringify(update.activity)).not.toContain(REVIEW_COMMENT);

    const danaForm = formCard(await openDialog(DANA, reviewCards.get(chatOf(DANA))!.actions![0]!.data));
    const dana = await deliver(invoke('task/submit', DANA, submitData(danaForm, all('2', 'revised'))));
    expect(messageOf(dana.body!)).toContain('your view is in');
    const review = (await protocols())[0]!.reviews[0]!;
    expect(await trellis.store.answerSets(review.id)).toHaveLength(2);
  });

  it('`review status P-1` counts answers without naming anyone', async () => {
    const r = await say(ALEX, 'review status P-1');
    const text = textOf(replyOf(r));
    expect(text).toContain('Review of P-1 open since 23 Nov 2026: 2 of 3 answered.');
    for (const name of [SAM.name, DANA.name, ALEX.name, 'Sam', 'Dana']) expect(text).not.toContain(name);
  });

  it('`review close P-1 kept` sets the next review date from the 12-month cycle and closes the unanswered card', async () => {
    const r = await say(ALEX, 'review close P-1 kept');
    expect(textOf(replyOf(r))).toContain('Review of P-1 closed: kept. 2 answered — fewer than 5, so no summary is shown. Next review 23 Nov 2027.');
    const x = (await protocols())[0]!;
    expect(x).toMatchObject({ status: 'active', nextReview: '2027-11-23' });
    expect(x.reviews[0]).toMatchObject({ outcome: 'kept', closedAt: expect.any(String) });
    const closed = await waitFor(() => connector.updated.find((u) => u.conversationId === chatOf(ALEX)));
    expect(textOf(closed.activity)).toContain('This review has closed.');
    expect(cardOf(closed.activity).actions).toBeUndefined();
    // Answers after the close are refused.
    expect(messageOf(await openDialog(SAM, reviewCards.get(chatOf(SAM))!.actions![0]!.data))).toContain('This review has closed');
  });

  it('lets the owner type `protocol edit P-1` in their personal chat: the dialog shows the saved values', async () => {
    const x = (await protocols())[0]!;
    const r = await tell(SAM, 'protocol edit P-1');
    const card = cardOf(replyOf(r));
    expect(card.body[0]!.text).toBe('Edit P-1');
    expect(card.actions![0]!.data).toEqual({
      msteams: { type: 'task/fetch' },
      verb: 'trellis',
      actionId: 'protocol-form',
      value: `${x.partnershipId}:${x.id}`,
    });
    const edit = formCard(await openDialog(SAM, card.actions![0]!.data));
    expect(input(edit, 'parties').value).toBe(x.partyOrgIds.join(','));
    expect(input(edit, 'next')).toMatchObject({ type: 'Input.Date', value: '2027-11-23' });
    expect(input(edit, 'kind').value).toBe('agreement');
    const saved = await deliver(invoke('task/submit', SAM, submitData(edit, { ...good, parties: x.partyOrgIds[0]!, next: '2027-11-23' })));
    expect(messageOf(saved.body!)).toBe('Saved P-1 Referral agreement: next review 23 Nov 2027.');
    expect((await protocols())[0]!.partyOrgIds).toEqual([x.partyOrgIds[0]]);
  });

  it('keeps review answers unlinkable: no Teams id, name or member id in the answer sets; no comment in logs or chat', async () => {
    const data = JSON.parse(await dataFile()) as { answerSets: { roundId: string }[]; members: { id: string }[] };
    const review = (await protocols())[0]!.reviews[0]!;
    const sets = data.answerSets.filter((s) => s.roundId === review.id);
    expect(sets).toHaveLength(2);
    const text = JSON.stringify(sets);
    expect(text).toContain(REVIEW_COMMENT);
    for (const p of [SAM, DANA, ALEX]) for (const secret of [p.id, p.name, p.aad, chatOf(p), p.name.split(' ')[0]!]) expect(text).not.toContain(secret);
    for (const m of data.members) expect(text).not.toContain(m.id);
    expect(trellis.logs.join('\n')).not.toContain(REVIEW_COMMENT);
    expect(JSON.stringify([connector.sent, connector.updated])).not.toContain(REVIEW_COMMENT);
  });
});

describe('Teams rendering of the new form fields and link buttons (units)', () => {
  const form: Form = {
    title: 'Edit P-2',
    submitActionId: 'protocol-save',
    submitLabel: 'Save',
    context: 'p1:x2',
    reopen: { actionId: 'protocol-form', value: 'p1:x2' },
    fields: [
      {
        kind: 'multichoice',
        id: 'parties',
        label: 'Parties',
        options: [
          { value: 'o1', label: 'One' },
          { value: 'o2', label: 'Two' },
          { value: 'o3', label: 'Three' },
        ],
        initial: ['o1', 'o3'],
      },
      { kind: 'date', id: 'next', label: 'Next review', optional: false, initial: '2027-01-31' },
      { kind: 'choice', id: 'owner', label: 'Owner', options: Array.from({ length: 30 }, (_, i) => ({ value: `m${i}`, label: `Member ${i}` })) },
    ],
  };

  it('renders a multichoice as a multi-select with its initial values comma-joined, and a date as Input.Date', () => {
    const card = renderFormCard(form) as unknown as Card;
    expect(card.body[0]).toMatchObject({ type: 'Input.ChoiceSet', id: 'parties', isMultiSelect: true, value: 'o1,o3' });
    expect(card.body[1]).toMatchObject({ type: 'Input.Date', id: 'next', value: '2027-01-31', isRequired: true });
    // A long list is a drop-down with every option, not 30 radio buttons (nor a truncated list).
    expect(card.body[2]).toMatchObject({ type: 'Input.ChoiceSet', style: 'compact' });
    expect(card.body[2]!.choices).toHaveLength(30);
    // What the person chose wins over the initial values when the form comes back.
    expect((renderFormCard(form, { values: { parties: 'o2' } }) as unknown as Card).body[0]!.value).toBe('o2');
  });

  it('renders a link button as Action.OpenUrl, and offers no link that is not https', () => {
    const card = renderCard({
      text: 'x',
      tone: 'info',
      audience: 'caller',
      buttons: [
        { actionId: 'open-link', label: 'Open document', value: LINK, url: LINK },
        { actionId: 'open-link', label: 'Bad', value: 'javascript:alert(1)', url: 'javascript:alert(1)' },
      ],
    }) as unknown as Card;
    expect(card.actions).toEqual([{ type: 'Action.OpenUrl', title: 'Open document', url: LINK }]);
  });
});
