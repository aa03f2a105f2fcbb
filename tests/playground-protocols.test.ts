// The protocol register and reviews through the playground's HTTP API, on a
// real server with a fake clock: `protocol add` answered with a private form,
// bad form input refused field by field with nothing saved, reminders and
// review checks in the right inboxes, answers through the review form, and the
// close moving the next review date by the cycle.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Button, DateField, Form, Message, MultiChoiceField } from '../src/core/message.js';
import { REVIEW_ITEMS, RECOMMENDATION } from '../src/core/protocols/review-items.js';
import { fakeClock } from './helpers/fake-clock.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';

type Where = 'channel' | 'personal';
type Persona = 'alex' | 'sam' | 'dana' | 'jo' | 'priya' | 'chris';
type Answer = { reply?: Message; form?: Form; error?: string };
type InboxMessage = { id: string; at: string; message: Message };

const clock = fakeClock('2026-11-23T09:00:00Z'); // a Monday; the partnership's timezone is Europe/London
const LINK = 'https://example.org/referral';
let t: TestTrellis;

const post = (path: string, body: unknown) =>
  fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
async function ok(path: string, body: unknown): Promise<Answer> {
  const res = await post(path, body);
  expect(res.status).toBe(200);
  return (await res.json()) as Answer;
}
const command = (persona: Persona, text: string, where: Where = 'channel') => ok('/playground/command', { persona, text, where });
const reply = async (persona: Persona, text: string, where: Where = 'channel') => {
  const answer = await command(persona, text, where);
  expect(answer.form).toBeUndefined();
  return answer.reply!;
};
const act = (persona: Persona, b: Pick<Button, 'actionId' | 'value'>, where: Where = 'personal') =>
  ok('/playground/action', { persona, actionId: b.actionId, value: b.value, where });
const submit = async (persona: Persona, form: Form, values: Record<string, string>) =>
  (await ok('/playground/submit', { persona, actionId: form.submitActionId, context: form.context, values })).reply!;
const inbox = async (persona: Persona): Promise<InboxMessage[]> => {
  const res = await fetch(`${t.url}/playground/inbox?persona=${persona}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { messages: InboxMessage[] }).messages;
};
/** The inbox messages about P-1 (a check-in could share the inbox). */
const aboutP1 = async (persona: Persona) => (await inbox(persona)).filter((m) => /P-1|Referral pathway/.test(`${m.message.title} ${m.message.text}`));

let form: Form;
let orgIds: Record<string, string> = {};
let memberIds: Record<string, string> = {};
let good: Record<string, string> = {};

beforeAll(async () => {
  t = await startTrellis({}, { clock });
});
afterAll(async () => {
  await t?.close();
});

describe('playground protocols', () => {
  it('answers `protocol add` from a coordinator with the private form, as JSON { form }', async () => {
    const created = await reply('alex', 'setup Riverside');
    const code = /Invite code: \*([A-Z0-9]{4}-[A-Z0-9]{4})\*/.exec(created.text)![1]!;
    for (const org of ['City Council public', 'Health Trust public', 'Hope Trust voluntary'])
      expect((await reply('alex', `org add ${org}`)).tone).toBe('success');
    expect((await reply('sam', `join ${code} Health Trust`, 'personal')).tone).toBe('success');
    expect((await reply('jo', `join ${code} Hope Trust`, 'personal')).tone).toBe('success');

    const answer = await command('alex', 'protocol add');
    expect(answer.reply).toBeUndefined();
    form = answer.form!;
    expect(form).toMatchObject({ title: 'Add a protocol', submitActionId: 'protocol-save', submitLabel: 'Save' });
    expect(form.reopen).toEqual({ actionId: 'protocol-form', value: form.context });
    expect(form.fields.map((f) => `${f.id}:${f.kind}`)).toEqual([
      'title:text',
      'kind:choice',
      'purpose:text',
      'parties:multichoice',
      'owner:choice',
      'link:text',
      'cycle:text',
      'next:date',
    ]);
    const parties = form.fields.find((f): f is MultiChoiceField => f.kind === 'multichoice')!;
    expect(parties.options.map((o) => o.label)).toEqual(['City Council', 'Health Trust', 'Hope Trust']);
    expect(parties.initial).toBeUndefined();
    expect(form.fields.find((f): f is DateField => f.kind === 'date')).toMatchObject({ id: 'next', optional: true, label: 'Next review date' });
    orgIds = Object.fromEntries(parties.options.map((o) => [o.label, o.value]));
    const owner = form.fields.find((f) => f.id === 'owner')!;
    memberIds = Object.fromEntries((owner as { options: { value: string; label: string }[] }).options.map((o) => [o.label, o.value]));
    expect(Object.keys(memberIds)).toEqual(['Alex Morgan', 'Sam Patel', 'Jo Williams']);
    good = {
      title: 'Referral pathway',
      kind: 'protocol',
      purpose: 'How the Health Trust and Hope Trust refer families to each other.',
      parties: [orgIds['Health Trust'], orgIds['Hope Trust']].join(','),
      owner: memberIds['Sam Patel']!,
      link: LINK,
      cycle: '6',
      next: '2026-11-28',
    };
  });

  it('refuses `protocol add` from a member and from someone outside, with a reply and no form', async () => {
    const jo = await command('jo', 'protocol add', 'personal');
    expect(jo.form).toBeUndefined();
    expect(jo.reply).toMatchObject({ tone: 'error', text: 'Only coordinators can add protocols. Ask a coordinator of Riverside (Alex Morgan).' });
    const dana = await command('dana', 'protocol add');
    expect(dana.form).toBeUndefined();
    expect(dana.reply!.tone).toBe('error');
    expect((await reply('alex', 'protocol add now')).text).toContain('`protocol add` takes no words after it.');
    expect((await reply('alex', 'protocol list')).text).toBe('The register is empty. A coordinator adds protocols with `protocol add`.');
  });

  it('refuses bad form input field by field, and saves nothing', async () => {
    const before = await t.data();
    const refused = async (values: Record<string, string>, errors: Record<string, string | RegExp>) => {
      const r = await submit('alex', form, values);
      expect(r.tone).toBe('error');
      expect(r.text).toBe('Some fields need another look; nothing was saved.');
      expect(Object.keys(r.fieldErrors ?? {}).sort()).toEqual(Object.keys(errors).sort());
      for (const [id, why] of Object.entries(errors)) expect(r.fieldErrors![id]).toMatch(why);
    };
    await refused({ ...good, next: '2027-02-30' }, { next: '2027-02-30 is not a real date.' });
    await refused({ ...good, next: '2026-11-22' }, { next: 'The next review cannot be in the past (today is 23 Nov 2026).' });
    await refused({ ...good, next: '28/11/2026' }, { next: /is not a date; write it as YYYY-MM-DD/ });
    await refused({ ...good, parties: '' }, { parties: 'Choose at least one organisation that is party to it.' });
    await refused(
      { ...good, parties: `${orgIds['Hope Trust']},org-that-does-not-exist` },
      { parties: 'One of those organisations is not in the partnership.' },
    );
    await refused({ ...good, owner: 'someone-else' }, { owner: 'Choose the member who owns it.' });
    await refused({ ...good, link: 'javascript:alert(1)' }, { link: 'The link must be a web address starting with https://.' });
    await refused({ ...good, cycle: '0', next: '' }, { cycle: /1 to 60/ });
    const { title: _title, ...noTitle } = good;
    await refused({ ...noTitle, kind: 'treaty', parties: '' }, { title: 'Give the protocol a title.', kind: /Choose protocol/, parties: /at least one/ });

    // Jo may not add one by sending the form herself; Dana is not in the partnership at all.
    expect(await submit('jo', form, good)).toMatchObject({
      tone: 'error',
      text: 'Only coordinators can add protocols. Ask a coordinator of Riverside (Alex Morgan).',
    });
    expect(await submit('dana', form, good)).toMatchObject({ tone: 'error', text: "That form isn't for a partnership you are in; nothing was saved." });
    expect(await submit('alex', { ...form, context: 'no-such-partnership:new' }, good)).toMatchObject({ tone: 'error' });

    const [p] = await t.store.partnerships();
    expect(await t.store.protocols(p!.id)).toEqual([]);
    expect(await t.data()).toBe(before);
  });

  it('refuses malformed requests with a 400 and a message, and saves nothing', async () => {
    const body = { persona: 'alex', actionId: form.submitActionId, context: form.context, values: good };
    const bad = async (path: string, b: unknown, error: RegExp) => {
      const res = await post(path, b);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(error);
    };
    // A multichoice travels as one string of comma-separated values, never a list.
    await bad(
      '/playground/submit',
      { ...body, values: { ...good, parties: [orgIds['Health Trust'], orgIds['Hope Trust']] } },
      /^values\.parties: Expected string, received array/,
    );
    await bad('/playground/submit', { ...body, values: { ...good, cycle: 6 } }, /^values\.cycle: Expected string, received number/);
    await bad('/playground/submit', { ...body, context: undefined }, /^context: Required/);
    await bad('/playground/submit', { ...body, persona: 'mallory' }, /^persona: unknown persona/);
    await bad('/playground/command', { persona: 'alex', text: ['protocol', 'add'], where: 'channel' }, /^text: Expected string/);
    await bad('/playground/action', { persona: 'alex', actionId: 'protocol-review-start', where: 'personal' }, /^value: Required/);
    const malformed = await fetch(`${t.url}/playground/submit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"persona": "alex", "values": {"next": "2026-',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({ error: 'The request body is not valid JSON.' });
    const [p] = await t.store.partnerships();
    expect(await t.store.protocols(p!.id)).toEqual([]);
    expect(t.logs.join('\n')).not.toContain('playground request');
  });

  it('saves a good form, and `protocol list` shows P-1 due in 5 days', async () => {
    const saved = await submit('alex', form, good);
    expect(saved).toMatchObject({ tone: 'success', text: 'Added P-1 Referral pathway: next review 28 Nov 2026.' });
    expect(saved.fieldErrors).toBeUndefined();
    const list = await reply('alex', 'protocol list');
    expect(list.title).toBe('Protocols');
    expect(list.items).toEqual(['P-1 Referral pathway — review due 28 Nov 2026 (in 5 days) · active · owner Sam Patel']);
    // Any member may read the register.
    expect((await reply('jo', 'protocol list', 'personal')).items).toEqual(list.items);

    const [p] = await t.store.partnerships();
    const [x] = await t.store.protocols(p!.id);
    expect(x).toMatchObject({
      ref: 1,
      title: 'Referral pathway',
      partyOrgIds: [orgIds['Health Trust'], orgIds['Hope Trust']],
      ownerMemberId: memberIds['Sam Patel'],
      link: LINK,
      cycleMonths: 6,
      nextReview: '2026-11-28',
    });

    // The owner may edit it: the form comes back filled in, the parties ticked.
    const edit = await command('sam', 'protocol edit P-1', 'personal');
    expect(edit.form!.title).toBe('Edit P-1');
    expect(edit.form!.fields.find((f) => f.id === 'parties')).toMatchObject({ kind: 'multichoice', initial: [orgIds['Health Trust'], orgIds['Hope Trust']] });
    expect(edit.form!.fields.find((f) => f.id === 'next')).toMatchObject({ kind: 'date', initial: '2026-11-28' });
    expect((await command('jo', 'protocol edit P-1', 'personal')).reply).toMatchObject({
      tone: 'error',
      text: expect.stringContaining('Only coordinators and its owner can edit protocols'),
    });
  });

  let startReview: Button;

  it("puts the 7-day reminder in the owner's and the coordinator's inboxes only, once", async () => {
    clock.advance(60_000);
    await t.tick();
    for (const persona of ['sam', 'alex'] as const) {
      const mine = await aboutP1(persona);
      expect(mine).toHaveLength(1);
      const m = mine[0]!.message;
      expect(m.title).toBe('Riverside: P-1 Referral pathway');
      // The 7-day reminder (its lead time passed before P-1 existed, so it is the one that goes out), in true days.
      expect(m.text).toBe('Its review is due in 5 days, on 28 Nov 2026.');
      expect(m.buttons?.map((b) => b.label)).toEqual(['Start review', 'Snooze a week', 'Open document']);
      expect(m.buttons![2]).toMatchObject({ url: LINK });
      expect(m.buttons![0]).toMatchObject({ actionId: 'protocol-review-start', style: 'primary' });
      expect(m.buttons![0]!.url).toBeUndefined();
    }
    const [p] = await t.store.partnerships();
    const [x] = await t.store.protocols(p!.id);
    expect(await t.store.reminderSent(`${x!.id}:2026-11-28:lead-7`)).toBeTruthy();
    expect(await t.store.reminderSent(`${x!.id}:2026-11-28:lead-30`)).toBeFalsy();
    startReview = (await aboutP1('alex'))[0]!.message.buttons![0]!;
    expect(await aboutP1('jo')).toEqual([]);
    expect(await aboutP1('dana')).toEqual([]);
    await t.tick();
    expect(await aboutP1('sam')).toHaveLength(1);
    expect(await aboutP1('alex')).toHaveLength(1);
  });

  it('lets only the owner snooze, and refuses a reminder button from Jo', async () => {
    const snooze = (await aboutP1('sam'))[0]!.message.buttons![1]!;
    expect((await act('alex', snooze)).reply).toMatchObject({ tone: 'error', text: 'Only the owner of P-1 can snooze its reminders.' });
    expect((await act('jo', startReview)).reply).toMatchObject({
      tone: 'error',
      text: expect.stringContaining('Only coordinators and its owner can start reviews'),
    });
    expect((await act('dana', startReview)).reply).toMatchObject({ tone: 'error', text: "That isn't a protocol of a partnership you are in." });
    const [p] = await t.store.partnerships();
    expect((await t.store.protocols(p!.id))[0]!.reviews).toEqual([]);
  });

  let reviewButton: Button;

  it("starts the review from Alex's reminder: the parties' members get it in their inboxes", async () => {
    const started = await act('alex', startReview);
    expect(started.reply).toMatchObject({ tone: 'success', text: 'Review of P-1 Referral pathway started: 2 members of the parties asked privately.' });
    for (const persona of ['sam', 'jo'] as const) {
      const review = (await inbox(persona)).filter((m) => m.message.title === 'Review: Referral pathway');
      expect(review).toHaveLength(1);
      expect(review[0]!.message.text).toContain('Riverside is reviewing P-1 Referral pathway');
      expect(review[0]!.message.buttons?.map((b) => b.label)).toEqual(['Give your view', 'Open document']);
      expect(review[0]!.message.buttons![0]).toMatchObject({ actionId: 'review-open', opensForm: true });
      expect(review[0]!.message.buttons![1]).toMatchObject({ url: LINK });
    }
    // Alex is not in a party organisation; Dana is not in the partnership.
    expect((await inbox('alex')).filter((m) => m.message.title?.startsWith('Review:'))).toEqual([]);
    expect(await inbox('dana')).toEqual([]);
    reviewButton = (await inbox('jo')).find((m) => m.message.title === 'Review: Referral pathway')!.message.buttons![0]!;
    expect((await reply('alex', 'review start P-1')).text).toBe('P-1 is already under review. See `review status P-1`.');
  });

  it("takes Sam's and Jo's views through the review form, refusing an incomplete one", async () => {
    const all = (value: string, rec: string) => ({ ...Object.fromEntries(REVIEW_ITEMS.map((i) => [i.id, value])), [RECOMMENDATION]: rec });
    const dana = await act('dana', reviewButton);
    expect(dana.form).toBeUndefined();
    expect(dana.reply!.tone).toBe('error');

    const jo = await act('jo', reviewButton);
    expect(jo.reply).toBeUndefined();
    expect(jo.form).toMatchObject({ title: 'Review P-1', submitActionId: 'review-submit', reopen: { actionId: 'review-open', value: reviewButton.value } });
    const incomplete = await submit('jo', jo.form!, { ...all('4', 'revised'), [REVIEW_ITEMS[0].id]: '' });
    expect(incomplete).toMatchObject({ tone: 'error', fieldErrors: { [REVIEW_ITEMS[0].id]: 'Choose an answer (or "Prefer not to say").' } });
    expect((await reply('alex', 'review status P-1')).text).toMatch(/: 0 of 2 answered\.$/);

    expect(await submit('jo', jo.form!, { ...all('4', 'revised'), comment: 'Works, but the form is long.' })).toMatchObject({
      tone: 'success',
      text: 'Thanks — your view is in. You can change it until the review closes.',
    });
    const sam = (await act('sam', (await inbox('sam')).find((m) => m.message.title === 'Review: Referral pathway')!.message.buttons![0]!)).form!;
    expect(await submit('sam', sam, all('5', 'kept'))).toMatchObject({ tone: 'success' });
    // The review card in the inbox says it was answered (updated in place).
    const card = (await inbox('jo')).filter((m) => m.message.title === 'Review: Referral pathway');
    expect(card).toHaveLength(1);
    expect(card[0]!.message.text).toMatch(/^Answered/);
  });

  it('counts answers with `review status`, and `review close P-1 revised` moves the next review 6 months on', async () => {
    const status = await reply('alex', 'review status P-1');
    expect(status.text).toMatch(/^Review of P-1 open since 23 Nov 2026: 2 of 2 answered\.$/);
    expect(JSON.stringify(status)).not.toMatch(/Sam|Jo|Health|Hope/);

    const closed = await reply('alex', 'review close P-1 revised');
    expect(closed.tone).toBe('success');
    expect(closed.text).toMatch(/^Review of P-1 closed: revised\. .* Next review 23 May 2027\.$/);
    const [p] = await t.store.partnerships();
    expect((await t.store.protocols(p!.id))[0]).toMatchObject({ status: 'active', nextReview: '2027-05-23' });
    expect((await reply('jo', 'protocol list', 'personal')).items).toEqual([
      'P-1 Referral pathway — review due 23 May 2027 (in 181 days) · active · owner Sam Patel',
    ]);
    expect((await reply('alex', 'review status P-1')).text).toBe('Review of P-1 closed (revised): 2 of 2 answered.');
  });
});
