// The protocol register, reminders and reviews through the core's front door,
// with a fake clock and a fake messenger.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Trellis } from '../../src/core/trellis.js';
import { isForm, type Form, type Message, type Reply } from '../../src/core/message.js';
import type { Caller, Place } from '../../src/core/request.js';
import type { State } from '../../src/store/state-schema.js';
import { addMonths, parseDate } from '../../src/core/time.js';
import { coreTrellis } from '../helpers/core-trellis.js';
import type { FakeClock } from '../helpers/fake-clock.js';
import type { FakeMessenger } from '../helpers/fake-messenger.js';

const alex: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-ALEX', displayName: 'Alex Morgan' };
const sam: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-SAM', displayName: 'Sam Patel' };
const jo: Caller = { platform: 'teams', workspace: '72f988bf-0000-41af-91ab-2d7cd011db47', userId: '29:jo', displayName: 'Jo Williams' };
const kim: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-KIM', displayName: 'Kim Osei' };
const channel: Place = { conversationId: 'C1', kind: 'channel', label: '#riverside' };
const dm: Place = { conversationId: 'D1', kind: 'personal' };

let state: State;
let trellis: Trellis;
let clock: FakeClock;
let messenger: FakeMessenger;

const msg = (r: Reply) => r as Message;
const say = async (c: Caller, text: string, place: Place = channel) => trellis.command({ caller: c, place, text });
const form = (r: Reply): Form => {
  if (!isForm(r)) throw new Error(`expected a form: ${r.text}`);
  return r.form;
};
const orgId = (name: string) => state.organisations.find((o) => o.name === name)!.id;
const memberId = (c: Caller) => state.members.find((m) => m.userId === c.userId)!.id;
const save = (c: Caller, f: Form, values: Record<string, string>) => trellis.submit({ caller: c, actionId: f.submitActionId, context: f.context, values });
const goodValues = (next: string) => ({
  title: 'Referral procedure',
  kind: 'protocol',
  purpose: 'How partners refer people to each other',
  parties: orgId('Hope Trust'),
  owner: memberId(sam),
  link: 'https://docs.example.org/referral',
  cycle: '6',
  next,
});
const sentTo = () => messenger.sent.map((s) => s.to).sort();
const at = async (iso: string) => {
  clock.set(iso);
  messenger.sent.length = 0;
  await trellis.tick();
  return messenger.sent;
};

beforeEach(async () => {
  ({ state, clock, messenger, trellis } = coreTrellis('2026-11-23T08:00:00Z', { secret: 'protocol-test-secret-0123456789abcdef' }));
  await say(alex, 'setup Riverside');
  await say(alex, 'org add City Council public');
  await say(alex, 'org add Hope Trust voluntary');
  const code = state.partnerships[0]!.inviteCode;
  await say(alex, `join ${code} City Council`, dm);
  await say(sam, `join ${code} City Council`, dm);
  await say(jo, `join ${code} Hope Trust`, dm);
  await say(kim, `join ${code} Hope Trust`, dm);
  // What setup sent the coordinator privately (the set-up checklist, and its ticks) is not what these tests are about.
  await trellis.settled();
  messenger.sent.length = 0;
  messenger.updates.length = 0;
});

/** Alex changes organisation: asked, then confirmed. */
async function moveAlexToHopeTrust() {
  const ask = msg(await say(alex, `join ${state.partnerships[0]!.inviteCode} Hope Trust`, dm));
  const confirm = ask.buttons!.find((b) => b.label === 'Confirm')!;
  expect(msg(await trellis.action({ caller: alex, place: dm, actionId: confirm.actionId, value: confirm.value })).tone).toBe('success');
}

async function addProtocol(next: string) {
  const f = form(await say(alex, 'protocol add'));
  const reply = await save(alex, f, goodValues(next));
  expect(reply.tone).toBe('success');
  return state.protocols.at(-1)!;
}

describe('dates', () => {
  it('adds months to the month end when the day does not exist', () => {
    expect(addMonths('2026-08-31', 6)).toBe('2027-02-28');
    expect(addMonths('2027-08-31', 6)).toBe('2028-02-29');
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2026-11-15', 60)).toBe('2031-11-15');
  });
  it('accepts only real dates', () => {
    expect(parseDate('2027-02-30')).toMatchObject({ ok: false, error: '2027-02-30 is not a real date.' });
    expect(parseDate('31/01/2027').ok).toBe(false);
    expect(parseDate('2027-02-28')).toEqual({ ok: true, date: '2027-02-28' });
  });
});

describe('the register', () => {
  it('adds through the private form and lists overdue first', async () => {
    const f = form(await say(alex, 'protocol add'));
    expect(f.fields.map((x) => x.kind)).toEqual(['text', 'choice', 'text', 'multichoice', 'choice', 'text', 'text', 'date']);
    expect(f.reopen.actionId).toBe('protocol-form');
    expect(msg(await save(alex, f, goodValues('2027-01-31'))).text).toBe('Added P-1 Referral procedure: next review 31 Jan 2027.');
    await save(alex, form(await say(alex, 'protocol add')), { ...goodValues(''), title: 'Information sharing' }); // 6-month cycle from today
    expect(state.protocols[1]!.nextReview).toBe('2027-05-23');
    clock.set('2027-02-02T12:00:00Z');
    const list = msg(await say(jo, 'protocol list', dm));
    expect(list.items).toEqual([
      'P-1 Referral procedure — review OVERDUE by 2 days · active · owner Sam Patel',
      'P-2 Information sharing — review due 23 May 2027 (in 110 days) · active · owner Sam Patel',
    ]);
    const shown = msg(await say(jo, 'protocol show referral', dm));
    expect(shown.fields).toContainEqual({ label: 'Parties', value: 'Hope Trust' });
    expect(shown.buttons?.[0]).toMatchObject({ label: 'Open document', url: 'https://docs.example.org/referral' });
  });

  it.each([
    [{ next: '2027-02-30' }, 'next', 'not a real date'],
    [{ next: '2026-11-01' }, 'next', 'cannot be in the past'],
    [{ parties: '' }, 'parties', 'at least one organisation'],
    [{ parties: 'no-such-org' }, 'parties', 'not in the partnership'],
    [{ cycle: '61' }, 'cycle', '1 to 60'],
    [{ cycle: '', next: '' }, 'next', 'or a review cycle'],
    [{ link: 'http://insecure.example.org' }, 'link', 'https://'],
    [{ title: '' }, 'title', 'Give the protocol a title'],
    [{ kind: 'treaty' }, 'kind', 'Choose protocol'],
    [{ owner: 'nobody' }, 'owner', 'Choose the member'],
  ])('refuses %j naming the field, and saves nothing', async (change, field, error) => {
    const f = form(await say(alex, 'protocol add'));
    const reply = msg(await save(alex, f, { ...goodValues('2027-01-31'), ...change }));
    expect(reply.fieldErrors?.[field]).toContain(error);
    expect(state.protocols).toHaveLength(0);
  });

  it('lets only coordinators and the owner change a protocol', async () => {
    expect(msg(await say(jo, 'protocol add', dm)).text).toContain('Only coordinators can add protocols');
    const x = await addProtocol('2027-01-31');
    const forged = await trellis.submit({ caller: jo, actionId: 'protocol-save', context: `${x.partnershipId}:new`, values: goodValues('2027-01-31') });
    expect(msg(forged).text).toContain('Only coordinators');
    expect(msg(await say(jo, 'protocol retire P-1', dm)).text).toContain('Only coordinators and its owner');
    expect(isForm(await say(sam, 'protocol edit P-1', dm))).toBe(true); // the owner may
    expect(msg(await trellis.submit({ caller: jo, actionId: 'protocol-save', context: 'someone-else:new', values: {} })).text).toContain(
      "isn't for a partnership you are in",
    );
    expect(msg(await say(sam, 'protocol retire P-1', dm)).text).toContain('is retired');
    expect(state.protocols).toHaveLength(1);
  });
});

describe('reminders (fake clock)', () => {
  it('sends every lead time once, the due date to the parties too, then weekly escalations to coordinators', async () => {
    await addProtocol('2027-01-31');
    expect(await at('2026-12-31T12:00:00Z')).toHaveLength(0);
    expect((await at('2027-01-01T09:00:00Z')).map((s) => s.to).sort()).toEqual(['U-ALEX', 'U-SAM']);
    expect(messenger.sent[0]!.message.text).toContain('due in 30 days');
    expect(messenger.sent[0]!.message.buttons?.map((b) => b.label)).toEqual(['Start review', 'Snooze a week', 'Open document']);
    expect(await at('2027-01-01T09:05:00Z')).toHaveLength(0);
    expect((await at('2027-01-24T09:00:00Z'))[0]!.message.text).toContain('due in 7 days');
    expect((await at('2027-01-30T09:00:00Z'))[0]!.message.text).toContain('due in 1 day');
    await at('2027-01-31T09:00:00Z');
    expect(sentTo()).toEqual(['29:jo', 'U-ALEX', 'U-KIM', 'U-SAM']);
    expect(await at('2027-02-06T09:00:00Z')).toHaveLength(0);
    await at('2027-02-07T09:00:00Z');
    expect(sentTo()).toEqual(['U-ALEX']);
    expect(messenger.sent[0]!.message.title).toContain('Overdue');
    await at('2027-02-14T09:00:00Z');
    expect(sentTo()).toEqual(['U-ALEX']);
    expect(await at('2027-02-14T10:00:00Z')).toHaveLength(0);
  });

  it('after a 10-day outage sends each missed reminder once, marked late', async () => {
    await addProtocol('2027-01-31');
    await at('2027-01-01T09:00:00Z');
    const missed = await at('2027-02-01T10:00:00Z'); // nothing ran from 22 Jan to 1 Feb
    const texts = [...new Set(missed.map((s) => s.message.text))];
    expect(texts).toHaveLength(3);
    expect(texts.every((t) => t.includes('This reminder is late'))).toBe(true);
    expect(texts.map((t) => t.split('.')[0])).toEqual([
      'Its review is due in 7 days, on 31 Jan 2027',
      'Its review is due in 1 day, on 31 Jan 2027',
      'Its review is due today (31 Jan 2027)',
    ]);
    expect(await at('2027-02-01T10:01:00Z')).toHaveLength(0);
  });

  it('when added 5 days before its review, sends the 7-day reminder at once — not the 30-day one', async () => {
    clock.set('2027-01-26T10:00:00Z');
    await addProtocol('2027-01-31');
    const first = await at('2027-01-26T10:01:00Z');
    expect([...new Set(first.map((s) => s.message.text.split(',')[0]))]).toEqual(['Its review is due in 5 days']);
    expect(state.sentReminders.map((r) => r.key.split(':').at(-1)).filter((k) => k?.startsWith('lead'))).toEqual(['lead-7']); // the 7-day one, not the 30-day one
    expect(first[0]!.message.text).not.toContain('late'); // it predates the protocol: not missed
    expect(await at('2027-01-26T10:02:00Z')).toHaveLength(0);
    expect((await at('2027-01-30T09:00:00Z'))[0]!.message.text).toContain('due in 1 day');
  });

  it('fires at 09:00 in the partnership timezone', async () => {
    await say(alex, 'set timezone America/New_York');
    await addProtocol('2027-01-31');
    await at('2027-01-01T14:00:00Z'); // the 30-day reminder, 09:00 in New York
    expect(await at('2027-01-24T13:59:00Z')).toHaveLength(0);
    expect((await at('2027-01-24T14:00:00Z')).length).toBeGreaterThan(0);
  });

  it("snoozes for a week at the owner's request only", async () => {
    const x = await addProtocol('2027-01-31');
    clock.set('2027-01-24T09:30:00Z');
    expect(msg(await trellis.action({ caller: jo, place: dm, actionId: 'protocol-snooze', value: x.id })).text).toContain('Only the owner');
    expect(msg(await trellis.action({ caller: sam, place: dm, actionId: 'protocol-snooze', value: x.id })).text).toContain('snoozed until 31 Jan 2027');
    expect(await at('2027-01-30T09:00:00Z')).toHaveLength(0);
  });

  it('posts a monthly coming-up summary to the home channel, once', async () => {
    await addProtocol('2027-01-20');
    await at('2026-12-01T09:00:00Z');
    await at('2026-12-01T10:00:00Z');
    const summaries = messenger.posted.filter((p) => p.message.title?.includes('coming up'));
    expect(summaries).toHaveLength(1);
    expect(summaries[0]!.message.items).toEqual(['P-1 Referral procedure — 20 Jan 2027']);
  });
});

describe('reviews', () => {
  async function answer(c: Caller, reviewValue: string, rec: string) {
    const opened = await trellis.action({ caller: c, place: dm, actionId: 'review-open', value: reviewValue });
    if (!isForm(opened)) return opened;
    const f = opened.form;
    const values = Object.fromEntries(f.fields.filter((x) => x.kind === 'choice' && x.id !== 'review-recommendation').map((x) => [x.id, '4']));
    return msg(
      await trellis.submit({
        caller: c,
        actionId: 'review-submit',
        context: f.context,
        values: { ...values, 'review-recommendation': rec, comment: 'Works, but slow' },
      }),
    );
  }

  it('asks again at the next tick a party whose request failed to queue, and nobody twice', async () => {
    await addProtocol('2027-01-31');
    const real = messenger.sendPrivate.bind(messenger);
    let failOnce = true;
    messenger.sendPrivate = async (to, message, once) => {
      if (failOnce && to.userId === 'U-KIM') {
        failOnce = false;
        throw new Error('outbox write failed');
      }
      return real(to, message, once);
    };
    expect(msg(await say(alex, 'review start P-1')).text).toContain('2 members of the parties asked privately (1 cannot be messaged yet)');
    expect(sentTo()).toEqual(['29:jo']);
    await trellis.tick();
    expect(sentTo()).toEqual(['29:jo', 'U-KIM']);
    await trellis.tick();
    expect(sentTo()).toEqual(['29:jo', 'U-KIM']);
  });

  it('asks the parties privately, counts without names, closes with a thresholded summary and the next date', async () => {
    const x = await addProtocol('2027-01-31');
    expect(msg(await say(jo, 'review start P-1', dm)).text).toContain('Only coordinators and its owner');
    clock.set('2027-01-20T10:00:00Z');
    expect(msg(await trellis.action({ caller: alex, place: dm, actionId: 'protocol-review-start', value: x.id })).text).toContain(
      '2 members of the parties asked privately',
    );
    expect(sentTo()).toEqual(['29:jo', 'U-KIM']);
    const button = messenger.sent[0]!.message.buttons![0]!;
    expect((await answer(sam, button.value, 'kept')).text).toContain('not yours to answer'); // not a party
    expect((await answer(jo, button.value, 'revised')).text).toContain('Thanks — your view is in');
    expect((await answer(kim, button.value, 'revised')).tone).toBe('success');
    await answer(kim, button.value, 'kept'); // changed: replaced, not added
    expect(state.answerSets).toHaveLength(2);
    expect(msg(await say(alex, 'review status P-1')).text).toContain('2 of 2 answered');
    const closed = msg(await say(alex, 'review close P-1 revised'));
    expect(closed.text).toContain('2 answered — fewer than 5, so no summary is shown');
    expect(closed.text).toContain('Next review 20 Jul 2027');
    // With fewer than k answers, no comment appears anywhere: the summary, the history, the dashboard, the export.
    expect(JSON.stringify(closed)).not.toContain('Works, but slow');
    expect(JSON.stringify(await say(alex, 'protocol show P-1'))).not.toContain('Works, but slow');
    for (const what of ['dashboard', 'export'] as const) {
      const token = /\/(?:dashboard|export)\/(\S+)/.exec(msg(await say(alex, what, dm)).text)![1]!;
      const page = what === 'dashboard' ? await trellis.dashboard(token) : await trellis.exportCsv(token);
      expect(page.ok, what).toBe(true);
      expect(JSON.stringify(page)).not.toContain('Works, but slow');
    }
    expect(state.protocols[0]).toMatchObject({ status: 'active', nextReview: '2027-07-20' });
    expect((await answer(jo, button.value, 'kept')).text).toContain('This review has closed');
    const answers = JSON.stringify(state.answerSets);
    for (const c of [jo, kim]) for (const s of [c.userId, c.displayName, memberId(c)]) expect(answers).not.toContain(s);
  });

  it('shows the summary when enough answered, and retiring ends the reminders', async () => {
    await say(alex, 'set threshold 3');
    await moveAlexToHopeTrust();
    const x = await addProtocol('2027-01-31');
    await say(alex, 'review start P-1');
    const value = messenger.sent.find((s) => s.message.title?.startsWith('Review:'))!.message.buttons![0]!.value;
    for (const c of [jo, kim, alex]) await answer(c, value, 'retired');
    const closed = msg(await say(alex, 'review close P-1 retired'));
    expect(closed.text).toContain(
      '3 answered. Agreement 0–100: roles 75, procedures 75, monitoring 75, no-breaches 75. Recommended: kept 0, revised 0, retired 3, unsure 0.',
    );
    expect(state.protocols.find((p) => p.id === x.id)!.status).toBe('retired');
    // The parties' comments, in the summary and in the protocol's history — never with an organisation.
    expect(closed.items).toEqual(['“Works, but slow”', '“Works, but slow”', '“Works, but slow”']);
    const shown = msg(await say(alex, 'protocol show P-1'));
    expect(shown.items!.filter((i) => i === '“Works, but slow”')).toHaveLength(3);
    expect(JSON.stringify(closed.items) + JSON.stringify(shown.items)).not.toMatch(/Hope Trust|City Council|Health/);
    expect(await at('2027-01-31T09:00:00Z')).toHaveLength(0);
  });

  it('keeps the threshold in force when the review started, and says so in the form (issue 13, part 2)', async () => {
    await moveAlexToHopeTrust();
    await addProtocol('2027-01-31');
    await say(alex, 'review start P-1'); // under the default threshold of 5
    expect(msg(await say(alex, 'set threshold 3')).text).toContain('for check-ins and reviews opened from now on');
    const value = messenger.sent.find((s) => s.message.title?.startsWith('Review:'))!.message.buttons![0]!.value;
    const opened = await trellis.action({ caller: jo, place: dm, actionId: 'review-open', value });
    expect(isForm(opened) && opened.form.intro).toContain('a summary is shown only if 5 or more people answer');
    for (const c of [jo, kim, alex]) await answer(c, value, 'kept');
    const closed = msg(await say(alex, 'review close P-1 kept'));
    expect(closed.text).toContain('3 answered — fewer than 5, so no summary is shown.');
    expect(closed.text).not.toContain('Agreement');
  });

  it("shows a statement's figure only when k or more people rated it (issue 13, part 3)", async () => {
    await say(alex, 'set threshold 3');
    await moveAlexToHopeTrust();
    await addProtocol('2027-01-31');
    await say(alex, 'review start P-1');
    const value = messenger.sent.find((s) => s.message.title?.startsWith('Review:'))!.message.buttons![0]!.value;
    await answer(jo, value, 'kept');
    await answer(kim, value, 'kept');
    // Alex skips "roles": only two people rated it.
    const f = form(await trellis.action({ caller: alex, place: dm, actionId: 'review-open', value }));
    const values = Object.fromEntries(
      f.fields.filter((x) => x.kind === 'choice' && x.id !== 'review-recommendation').map((x) => [x.id, x.id === 'review-roles' ? 'skip' : '2']),
    );
    await trellis.submit({ caller: alex, actionId: 'review-submit', context: f.context, values: { ...values, 'review-recommendation': 'kept' } });
    const closed = msg(await say(alex, 'review close P-1 kept'));
    expect(closed.text).toContain('3 answered. Agreement 0–100: roles —, procedures 58.3, monitoring 58.3, no-breaches 58.3.');
  });

  it("hides a closed review's figures once the threshold is raised above its respondents", async () => {
    await say(alex, 'set threshold 3');
    await moveAlexToHopeTrust();
    await addProtocol('2027-01-31');
    await say(alex, 'review start P-1');
    const value = messenger.sent.find((s) => s.message.title?.startsWith('Review:'))!.message.buttons![0]!.value;
    for (const c of [jo, kim, alex]) await answer(c, value, 'kept');
    expect(msg(await say(alex, 'review close P-1 kept')).text).toContain('3 answered. Agreement 0–100');
    expect(JSON.stringify(msg(await say(alex, 'protocol show P-1')))).toContain('3 answered. Agreement 0–100');
    expect(msg(await say(alex, 'set threshold 4')).text).toContain('applies at once');
    const shown = JSON.stringify(msg(await say(alex, 'protocol show P-1')));
    expect(shown).toContain('3 answered — fewer than 4, so no summary is shown.');
    expect(shown).not.toContain('Agreement');
  });

  it('attaches the latest trust and commitment to the review pack when asked', async () => {
    await say(alex, 'set threshold 3');
    await addProtocol('2027-06-30');
    expect(msg(await say(alex, 'review start P-1 with trends')).tone).toBe('success');
    let pack = messenger.sent.find((s) => s.message.title?.startsWith('Review:'))!.message;
    expect(pack.text).toContain('no check-in results to show yet');
    await say(alex, 'review close P-1 kept');
    await say(alex, 'survey now for 1d');
    const round = state.rounds[0]!.id;
    for (const c of [alex, sam, jo]) {
      const f = form(await trellis.action({ caller: c, place: dm, actionId: 'survey-open', value: round }));
      await trellis.submit({
        caller: c,
        actionId: 'survey-submit',
        context: round,
        values: Object.fromEntries(f.fields.filter((x) => x.kind === 'choice').map((x) => [x.id, '4'])),
      });
    }
    await say(alex, `survey close ${state.rounds.at(-1)!.number}`);
    messenger.sent.length = 0;
    await say(alex, 'review start P-1 with trends');
    pack = messenger.sent.find((s) => s.message.title?.startsWith('Review:'))!.message;
    expect(pack.text).toContain('For context, at check-in #1: Trust 75 — the first reading; Commitment 75 — the first reading.');
    expect(pack.chart?.series.map((x) => x.name)).toEqual(['Trust', 'Commitment']);
    messenger.sent.length = 0;
    await say(alex, 'review close P-1 kept');
    await say(alex, 'review start P-1');
    expect(messenger.sent.find((s) => s.message.title?.startsWith('Review:'))!.message.text).not.toContain('For context');
  });

  it('reminds coordinators once about a review left open more than 30 days', async () => {
    await addProtocol('2027-06-30');
    await say(alex, 'review start P-1');
    await at('2026-12-23T09:00:00Z');
    expect(sentTo()).toEqual(['U-ALEX']);
    expect(messenger.sent[0]!.message.text).toContain('more than 30 days');
    expect(await at('2026-12-30T09:00:00Z')).toHaveLength(0);
  });

  it('refuses a close without a date when there is no cycle, and a date in the past', async () => {
    await addProtocol('2027-01-31');
    state.protocols[0]!.cycleMonths = undefined;
    await say(alex, 'review start P-1');
    expect(msg(await say(alex, 'review close P-1 kept')).text).toContain('has no review cycle');
    expect(msg(await say(alex, 'review close P-1 kept 2026-01-01')).text).toContain('must be after today');
    expect(msg(await say(alex, 'review close P-1 kept 2027-02-30')).text).toContain('not a real date');
    expect(msg(await say(alex, 'review close P-1 kept 2027-12-01')).text).toContain('Next review 1 Dec 2027');
  });
});
