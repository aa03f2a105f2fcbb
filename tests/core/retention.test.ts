// Retention through the core's front door: `set retention`, its bad input and
// `status`; the sealed day a concern ended; and the scheduler's expiry with a fake clock.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Trellis } from '../../src/core/trellis.js';
import { isForm, type Form, type Message, type Reply } from '../../src/core/message.js';
import type { Caller, Place } from '../../src/core/request.js';
import type { State } from '../../src/store/state-schema.js';
import { openConcern } from '../../src/core/concerns/concern-seal.js';
import { parseCommand } from '../../src/core/grammar.js';
import { coreTrellis } from '../helpers/core-trellis.js';
import type { FakeClock } from '../helpers/fake-clock.js';

const SECRET = 'retention-test-secret-0123456789abcdef';
const alex: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-ALEX', displayName: 'Alex Morgan' };
const sam: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-SAM', displayName: 'Sam Patel' };
const kim: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-KIM', displayName: 'Kim Osei' };
const chris: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-CHRIS', displayName: 'Chris Evans' };
const channel: Place = { conversationId: 'C1', kind: 'channel', label: '#riverside' };
const dm: Place = { conversationId: 'D1', kind: 'personal' };
const DAY = 86_400_000;
const CONCERN_TEXT = 'Decisions are made before meetings by the two biggest partners.';
const REPLY_TEXT = 'Thank you: which meetings?';
const COMMENT = 'Meetings run long and the minutes come late.';

let state: State;
let trellis: Trellis;
let clock: FakeClock;

const msg = (r: Reply): Message => {
  if (isForm(r)) throw new Error('expected a message');
  return r;
};
const form = (r: Reply): Form => {
  if (!isForm(r)) throw new Error(`expected a form: ${r.text}`);
  return r.form;
};
const say = async (c: Caller, text: string, place: Place = channel) => msg(await trellis.command({ caller: c, place, text }));
const submit = async (c: Caller, f: Form, values: Record<string, string>) =>
  msg(await trellis.submit({ caller: c, actionId: f.submitActionId, context: f.context, values }));
const opened = () => state.concerns.map((c) => openConcern(SECRET, c)!);
const retention = () => state.partnerships[0]!.retention;

beforeEach(async () => {
  ({ state, clock, trellis } = coreTrellis('2026-11-23T09:00:00Z', { secret: SECRET, random: () => 0 }));
  await say(alex, 'setup Riverside');
  await say(alex, 'org add City Council public');
  const code = state.partnerships[0]!.inviteCode;
  for (const c of [alex, sam, kim]) await say(c, `join ${code} City Council`, dm);
  await say(chris, `join ${code} independent`, dm);
  await say(alex, 'set threshold 3');
});

describe('set retention', () => {
  it('changes each period, says so with the earlier value and when it takes effect, and status shows them in one line', async () => {
    expect((await say(alex, 'status')).fields?.find((f) => f.label === 'Retention')?.value).toBe(
      "concern text 12 months after closing, comments 24 months after their check-in, invitations 30 days, a closed partnership's personal data 12 months; sent messages 30 days",
    );
    const reply = await say(alex, 'set retention concerns 6 months');
    expect(reply.tone).toBe('success');
    expect(reply.text).toBe(
      'Riverside now keeps concern and reply text for 6 months after the conversation is resolved or closed (until now 12). This takes effect at the next scheduled run, within a minute: anything older is erased then.',
    );
    expect((await say(alex, 'set retention comments 36 months')).text).toContain('check-in and review comments for 36 months');
    expect((await say(alex, 'SET RETENTION invitations 7 day')).text).toContain(
      'invitations of closed check-ins for 7 days after the check-in closed (until now 30)',
    );
    expect((await say(alex, 'set retention concerns 120')).tone).toBe('success'); // the unit may be left out
    expect(retention()).toEqual({ concernMonths: 120, commentMonths: 36, invitationDays: 7 });
    expect((await say(sam, 'status')).fields?.find((f) => f.label === 'Retention')?.value).toBe(
      "concern text 120 months after closing, comments 36 months after their check-in, invitations 7 days, a closed partnership's personal data 12 months; sent messages 30 days",
    );
  });

  it('refuses bad input with a clear reply and changes nothing', async () => {
    const before = JSON.stringify(state);
    const refusals: [string, string][] = [
      ['set retention concerns 0 months', 'Concern and reply text can be kept from 1 to 120 months: give a whole number in that range (got "0").'],
      ['set retention concerns 121 months', 'from 1 to 120 months'],
      ['set retention comments 2.5 months', 'Check-in and review comments can be kept from 1 to 120 months'],
      ['set retention invitations 366 days', 'Invitations of closed check-ins can be kept from 1 to 365 days'],
      ['set retention invitations -1 days', 'from 1 to 365 days'],
      ['set retention concerns 6 days', 'Concern and reply text is kept for a number of months: `set retention concerns 6 months`.'],
      ['set retention invitations 6 months', 'is kept for a number of days'],
      ['set retention concerns 6 months please', 'is kept for a number of months'],
      ['set retention forever', 'Say which period to change'],
      ['set retention', 'Give the new retention after `set retention`'],
    ];
    for (const [text, why] of refusals) {
      const reply = await say(alex, text);
      expect(reply.tone, text).toBe('error');
      expect(reply.text, text).toContain(why);
    }
    expect((await say(sam, 'set retention concerns 6 months')).text).toContain('Only coordinators can change settings');
    expect(JSON.stringify(state)).toBe(before);
  });

  it('is in help, in the usage of `set`, and a misspelling is offered as "did you mean"', async () => {
    expect((await say(alex, 'help set')).text).toContain('set retention concerns|comments|closed <n> months');
    expect(parseCommand('set retension concerns 6 months')).toMatchObject({ ok: false, suggestion: 'set retention concerns 6 months' });
    expect(parseCommand('set retention concerns 6 monts')).toMatchObject({ ok: false, suggestion: 'set retention concerns 6 months' });
    expect((await say(alex, 'set nonsense 3')).text).toContain('Settings: purpose, type, timezone, threshold, retention.');
  });
});

/** Sam raises a concern; Chris, the critical friend, replies and resolves it. */
async function resolvedConcern(): Promise<string> {
  await say(alex, 'role Chris Evans critical-friend');
  const f = form(await trellis.command({ caller: sam, place: dm, text: 'concern' }));
  await submit(sam, f, { category: 'power', happening: CONCERN_TEXT, help: 'An agreed agenda', organisation: 'no', consent: 'yes' });
  await trellis.tick(); // delivered (no delay: random() is 0)
  const id = state.concerns[0]!.id;
  await submit(chris, form(await trellis.action({ caller: chris, place: dm, actionId: 'concern-friend-open', value: id })), {
    reply: REPLY_TEXT,
    status: 'resolved',
  });
  return id;
}

/** A check-in everyone answers with a comment, closed now. */
async function commentedRound(): Promise<void> {
  await say(alex, 'survey now');
  const round = state.rounds.at(-1)!;
  for (const c of [alex, sam, kim]) {
    const f = form(await trellis.action({ caller: c, place: dm, actionId: 'survey-open', value: round.id }));
    const values = Object.fromEntries(f.fields.filter((x) => x.kind === 'choice').map((x, i) => [x.id, String((i % 5) + 1)]));
    expect((await submit(c, f, { ...values, comment: COMMENT })).tone).toBe('success');
  }
  await say(alex, 'survey close');
  await trellis.settled();
}

describe('the day a concern ended', () => {
  it('is kept sealed when it is resolved, kept when it is then closed, and gone when it is reopened', async () => {
    const id = await resolvedConcern();
    expect(opened()[0]).toMatchObject({ status: 'resolved', closedOn: '2026-11-23' });
    expect(JSON.stringify(state.concerns)).not.toContain('2026-11-23'); // sealed: no clear timing
    clock.advance(3 * DAY);
    const open = async () => form(await trellis.action({ caller: chris, place: dm, actionId: 'concern-friend-open', value: id }));
    await submit(chris, await open(), { status: 'open' });
    expect(opened()[0]!.closedOn).toBeUndefined();
    await submit(chris, await open(), { status: 'closed' });
    expect(opened()[0]).toMatchObject({ status: 'closed', closedOn: '2026-11-26' });
  });
});

describe('expiry on the scheduler', () => {
  it('erases concern text after its months and comments after theirs, keeping heads, values and counts; a second tick changes nothing', async () => {
    await resolvedConcern();
    await commentedRound();
    const head = (({ sealed: _s, relay: _r, ...h }) => h)(state.concerns[0]!);
    const values = state.answerSets.map(({ comment: _c, ...a }) => a);
    const themes = (await say(chris, 'concerns themes', dm)).text;

    clock.set('2027-11-22T12:00:00Z'); // a day short of 12 months
    await trellis.tick();
    expect(opened()[0]!.messages.map((m) => m.text)).toEqual([expect.stringContaining(CONCERN_TEXT), REPLY_TEXT]);

    clock.set('2027-11-23T12:00:00Z');
    await trellis.tick();
    const erased = opened()[0]!;
    expect(erased).toMatchObject({ ...head, relay: 'erased', messages: [], friendIds: [], closedOn: '2026-11-23' });
    expect(erased.organisation).toBeUndefined();
    expect((await say(chris, 'concerns themes', dm)).text).toBe(themes);
    expect(state.answerSets.every((a) => a.comment === COMMENT)).toBe(true); // comments: 24 months

    clock.set('2028-11-22T12:00:00Z');
    await trellis.tick();
    expect(state.answerSets.every((a) => a.comment === COMMENT)).toBe(true);
    clock.set('2028-11-23T12:00:00Z');
    await trellis.tick();
    expect(state.answerSets).toEqual(values);
    expect(state.rounds[0]!.commentsDropped).toBe(true);

    const before = JSON.stringify(state);
    await trellis.tick();
    expect(JSON.stringify(state)).toBe(before);
  });

  it('expires earlier for a partnership with shorter settings, invitations included', async () => {
    await say(alex, 'set retention concerns 1 months');
    await say(alex, 'set retention comments 2 months');
    await say(alex, 'set retention invitations 7 days');
    await resolvedConcern();
    await commentedRound();
    expect(state.invitations).toHaveLength(3);

    clock.advance(6 * DAY);
    await trellis.tick();
    expect(state.invitations).toHaveLength(3);
    clock.advance(1 * DAY + 60_000);
    await trellis.tick();
    expect(state.invitations).toHaveLength(0);
    expect(state.rounds[0]!.tally).toEqual({ invited: 3, answered: 3 });

    clock.set('2026-12-23T12:00:00Z');
    await trellis.tick();
    expect(opened()[0]!.messages).toEqual([]);
    expect(state.answerSets.every((a) => a.comment === COMMENT)).toBe(true);
    clock.set('2027-01-23T12:00:00Z');
    await trellis.tick();
    expect(state.answerSets.some((a) => 'comment' in a)).toBe(false);
  });

  it('erases, after its months, a conversation closed because its reporter left', async () => {
    await say(alex, 'role Chris Evans critical-friend');
    const f = form(await trellis.command({ caller: sam, place: dm, text: 'concern' }));
    await submit(sam, f, { category: 'roles', happening: CONCERN_TEXT, help: 'x', organisation: 'no', consent: 'yes' });
    await trellis.tick();
    const leave = await say(sam, 'leave', dm);
    const b = leave.buttons!.find((x) => x.label === 'Leave')!;
    expect(msg(await trellis.action({ caller: sam, place: dm, actionId: b.actionId, value: b.value })).tone).toBe('success');
    expect(opened()[0]).toMatchObject({ status: 'closed', relay: 'erased', closedOn: '2026-11-23' });
    expect(opened()[0]!.messages).toHaveLength(1);
    clock.set('2027-11-23T12:00:00Z');
    await trellis.tick();
    expect(opened()[0]).toMatchObject({ status: 'closed', relay: 'erased', messages: [], friendIds: [] });
  });

  it('counts from the last message when the reporter wrote after it was resolved', async () => {
    const id = await resolvedConcern();
    clock.set('2027-01-10T09:00:00Z');
    const mine = form(await trellis.action({ caller: sam, place: dm, actionId: 'concern-reporter-open', value: id }));
    expect((await submit(sam, mine, { reply: 'One more thing.', close: 'open' })).tone).toBe('success');
    expect(opened()[0]).toMatchObject({ status: 'resolved', closedOn: '2026-11-23' });
    clock.set('2027-11-23T12:00:00Z');
    await trellis.tick();
    expect(opened()[0]!.messages).toHaveLength(3);
    clock.set('2028-01-10T12:00:00Z');
    await trellis.tick();
    expect(opened()[0]).toMatchObject({ messages: [], relay: 'erased', closedOn: '2027-01-10' });
  });

  it('erases a concern that ended before its day was kept, from its last message', async () => {
    await resolvedConcern();
    // As written before closedOn existed: the body sealed without it.
    const { closedOn: _gone, ...old } = opened()[0]!;
    const { sealConcern } = await import('../../src/core/concerns/concern-seal.js');
    state.concerns[0] = sealConcern(SECRET, { ...old, messages: old.messages.map((m) => ({ ...m, day: '2026-10-01' })) });
    clock.set('2027-09-30T12:00:00Z');
    await trellis.tick();
    expect(opened()[0]!.messages).toHaveLength(2);
    clock.set('2027-10-01T12:00:00Z');
    await trellis.tick();
    expect(opened()[0]).toMatchObject({ messages: [], relay: 'erased', closedOn: '2026-10-01' });
  });

  it("drops a closed protocol review's comments too, and leaves open conversations and open reviews alone", async () => {
    await say(alex, 'role Chris Evans critical-friend');
    const f = form(await trellis.command({ caller: sam, place: dm, text: 'concern' }));
    await submit(sam, f, { category: 'roles', happening: CONCERN_TEXT, help: 'x', organisation: 'no', consent: 'yes' });
    await trellis.tick();
    const review = (id: string, closedAt?: string) => ({
      id,
      startedAt: '2026-11-01T09:00:00.000Z',
      threshold: 3,
      ...(closedAt ? { closedAt, outcome: 'kept' as const } : {}),
    });
    state.protocols.push({
      id: 'pr1',
      partnershipId: state.partnerships[0]!.id,
      ref: 1,
      title: 'Data sharing',
      kind: 'protocol',
      purpose: '',
      partyOrgIds: [],
      ownerMemberId: state.members[0]!.id,
      nextReview: '2027-11-01',
      status: 'active',
      reviews: [review('rv1', '2026-11-20T09:00:00.000Z'), review('rv2')],
      remindersFrom: '2026-11-01T09:00:00.000Z',
      createdAt: '2026-11-01T09:00:00.000Z',
    });
    const set = (roundId: string, key: string) => ({
      roundId,
      key: key.repeat(64),
      values: { 'roles-1': 4 as const },
      choices: { rec: 'keep' },
      comment: COMMENT,
    });
    state.answerSets.push(set('rv1', 'a'), set('rv2', 'b'));
    clock.set('2030-01-01T12:00:00Z');
    await trellis.tick();
    const { comment: _c, ...dropped } = set('rv1', 'a');
    expect(state.answerSets).toEqual([dropped, set('rv2', 'b')]);
    expect(state.protocols[0]!.reviews[0]!.commentsDropped).toBe(true);
    expect(opened()[0]!.messages[0]!.text).toContain(CONCERN_TEXT); // still open: never erased
  });
});
