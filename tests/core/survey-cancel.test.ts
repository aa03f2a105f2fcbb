// `survey cancel` discards a check-in opened by mistake, after asking; `survey
// close` asks first when closing would publish nothing.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Trellis } from '../../src/core/trellis.js';
import { isForm, RUN_COMMAND, type Form, type Message, type Reply } from '../../src/core/message.js';
import type { Caller, Place } from '../../src/core/request.js';
import type { State } from '../../src/store/state-schema.js';
import { coreTrellis } from '../helpers/core-trellis.js';
import { createTrellis } from '../../src/core/trellis.js';
import { StateStore } from '../../src/store/state-store.js';
import { emptyState } from '../../src/store/state-schema.js';
import type { AnswerSet } from '../../src/core/model.js';
import { corePorts } from '../helpers/core-ports.js';
import { fakeClock } from '../helpers/fake-clock.js';
import { fakeMessenger } from '../helpers/fake-messenger.js';
import type { FakeClock } from '../helpers/fake-clock.js';
import type { FakeMessenger } from '../helpers/fake-messenger.js';

const SECRET = 'survey-cancel-secret-0123456789abcdef';
const alex: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-ALEX', displayName: 'Alex Morgan' };
const sam: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-SAM', displayName: 'Sam Patel' };
const jo: Caller = { platform: 'teams', workspace: '72f988bf-0000-41af-91ab-2d7cd011db47', userId: '29:jo', displayName: 'Jo Williams' };
const channel: Place = { conversationId: 'C1', kind: 'channel', label: '#riverside' };
const dm: Place = { conversationId: 'D1', kind: 'personal' };

let state: State;
let trellis: Trellis;
let clock: FakeClock;
let messenger: FakeMessenger;

const say = async (c: Caller, text: string, place: Place = channel) => msg(await trellis.command({ caller: c, place, text }));
const msg = (r: Reply): Message => {
  if (isForm(r)) throw new Error('expected a message');
  return r;
};
const click = async (c: Caller, label: string, reply: Message) => {
  const button = reply.buttons?.find((b) => b.label === label);
  if (!button) throw new Error(`no "${label}" button on: ${reply.text}`);
  expect(button.actionId).toBe(RUN_COMMAND);
  return msg(await trellis.action({ caller: c, place: channel, actionId: button.actionId, value: button.value }));
};
const answer = async (c: Caller) => {
  const round = state.rounds.at(-1)!;
  const r = await trellis.action({ caller: c, place: dm, actionId: 'survey-open', value: round.id });
  if (!isForm(r)) throw new Error(r.text);
  const f: Form = r.form;
  const values = Object.fromEntries(f.fields.filter((x) => x.kind === 'choice').map((x) => [x.id, '2']));
  expect((await trellis.submit({ caller: c, actionId: f.submitActionId, context: f.context, values: { ...values, comment: 'Too many meetings.' } })).tone).toBe(
    'success',
  );
};

beforeEach(async () => {
  ({ state, clock, messenger, trellis } = coreTrellis('2026-11-23T08:00:00Z', { secret: SECRET })); // a Monday
  await say(alex, 'setup Riverside');
  await say(alex, 'org add City Council public');
  const code = state.partnerships[0]!.inviteCode;
  for (const c of [alex, sam, jo]) await say(c, `join ${code} City Council`, dm);
  await say(alex, 'set threshold 3');
});

describe('survey cancel', () => {
  it('only asks when typed; "Keep it" changes nothing', async () => {
    await say(alex, 'survey now');
    await answer(sam);
    const before = JSON.stringify(state);
    const ask = await say(alex, 'survey cancel');
    expect(ask.text).toContain('Cancel Check-in #1?');
    expect(ask.text).toContain('the 1 answer given so far');
    expect(ask.buttons?.map((b) => [b.label, b.style])).toEqual([
      ['Cancel the check-in', 'danger'],
      ['Keep it', undefined],
    ]);
    await click(alex, 'Keep it', ask);
    expect(JSON.stringify(state)).toBe(before);
  });

  it('on confirm deletes its answers and invitations, tells each person asked in their check-in message, and counts it nowhere', async () => {
    // A closed round first, so trends and status have something else to show.
    await say(alex, 'survey now');
    for (const c of [alex, sam, jo]) await answer(c);
    await say(alex, 'survey close');
    clock.set('2026-11-30T08:00:00Z');
    await say(alex, 'survey now');
    const round = state.rounds.at(-1)!;
    await answer(sam);
    await answer(jo);
    await trellis.settled();
    const checkIns = messenger.sent.filter((s) => s.message.title?.endsWith('check-in #2'));
    expect(checkIns).toHaveLength(3);
    messenger.updates.length = 0;
    messenger.posted.length = 0;

    const done = await click(alex, 'Cancel the check-in', await say(alex, 'survey cancel'));
    expect(done.text).toContain('Check-in #2 is cancelled');
    expect(state.answerSets.filter((a) => a.roundId === round.id)).toEqual([]);
    expect(state.invitations.filter((i) => i.roundId === round.id)).toEqual([]);
    // Each person asked sees their own check-in message say it was cancelled — the same words whether they answered or not.
    expect(messenger.updates.map((u) => u.delivery).sort((a, b) => Number(a.n) - Number(b.n))).toEqual(checkIns.map((c) => c.delivery));
    expect(new Set(messenger.updates.map((u) => u.message.text))).toEqual(
      new Set(['That check-in #2 was cancelled: nothing from it is kept. The next one will come to you.']),
    );
    // Nothing published, and nowhere counted.
    expect(messenger.posted).toEqual([]);
    expect((await say(alex, 'survey status')).text).toContain('Check-in #1 is closed 23 Nov 2026, 08:00: 3 of 3 answered');
    const trends = await say(alex, 'trends');
    expect(trends.chart?.labels).toEqual(['#1']);
    expect(trends.text).toContain('Participation in check-in #1: 3 of 3');
    // Its button now says so; numbers are never reused.
    const late = msg(await trellis.action({ caller: sam, place: dm, actionId: 'survey-open', value: round.id }));
    expect(late.text).toContain('was cancelled');
    await say(alex, 'survey now');
    expect(state.rounds.at(-1)!.number).toBe(3);
  });

  it('a confirmation clicked late acts on no later check-in', async () => {
    await say(alex, 'survey now');
    const ask = await say(alex, 'survey cancel');
    await click(alex, 'Cancel the check-in', ask);
    await say(alex, 'survey now');
    const before = JSON.stringify(state);
    expect((await click(alex, 'Cancel the check-in', ask)).text).toBe('Check-in #1 is no longer open (#2 is); nothing was cancelled.');
    expect(JSON.stringify(state)).toBe(before);
  });

  it('keeps the schedule: the cancelled slot does not open again, the next one does', async () => {
    await say(alex, 'survey schedule weekly monday 09:00');
    clock.set('2026-11-30T09:00:00Z');
    await trellis.tick();
    expect(state.rounds).toHaveLength(1);
    const done = await click(alex, 'Cancel the check-in', await say(alex, 'survey cancel'));
    expect(done.text).toContain('The schedule is unchanged: the next opens 7 Dec 2026, 09:00');
    clock.set('2026-11-30T09:05:00Z');
    await trellis.tick();
    expect(state.rounds.filter((r) => !r.closedAt)).toEqual([]);
    clock.set('2026-12-07T09:00:00Z');
    await trellis.tick();
    expect(state.rounds.filter((r) => !r.closedAt).map((r) => r.number)).toEqual([2]);
    expect(state.partnerships[0]!.schedule).toMatchObject({ cadence: 'weekly', day: 'monday', time: '09:00' });
  });

  it('refuses a member, typed or clicked, changing nothing', async () => {
    await say(alex, 'survey now');
    const ask = await say(alex, 'survey cancel');
    const before = JSON.stringify(state);
    expect((await say(sam, 'survey cancel')).text).toContain('Only coordinators can run check-ins');
    expect((await click(sam, 'Cancel the check-in', ask)).text).toContain('Only coordinators can run check-ins');
    expect(JSON.stringify(state)).toBe(before);
  });

  it('keeps no answer that races the cancellation (saved after the check that the round is open)', async () => {
    // The cancellation lands between the answer's check and its save: people answer under their own lock.
    let race = false;
    class Racing extends StateStore {
      override async saveAnswerSet(a: AnswerSet) {
        if (race) await this.cancelRound(a.roundId, '2026-11-23T08:30:00.000Z');
        return super.saveAnswerSet(a);
      }
    }
    state = emptyState();
    trellis = createTrellis({ ...corePorts(new Racing(state)), clock: fakeClock('2026-11-23T08:00:00Z'), messenger: fakeMessenger(), secret: SECRET });
    await say(alex, 'setup Riverside');
    await say(alex, `join ${state.partnerships[0]!.inviteCode} independent`, dm);
    await say(alex, 'survey now');
    const r = await trellis.action({ caller: alex, place: dm, actionId: 'survey-open', value: state.rounds[0]!.id });
    if (!isForm(r)) throw new Error(r.text);
    race = true;
    const values = Object.fromEntries(r.form.fields.filter((x) => x.kind === 'choice').map((x) => [x.id, '2']));
    const reply = await trellis.submit({ caller: alex, actionId: r.form.submitActionId, context: r.form.context, values });
    expect(reply.text).toBe('That check-in was cancelled, so nothing was recorded. The next one will come to you.');
    expect(state.rounds[0]!.cancelledAt).toBeDefined();
    expect(state.answerSets).toEqual([]);
  });

  it('sweeps up, at the next tick, an answer saved to a cancelled round after all (a race the database alone can lose)', async () => {
    await say(alex, 'survey now');
    await click(alex, 'Cancel the check-in', await say(alex, 'survey cancel'));
    const round = state.rounds[0]!;
    state.answerSets.push({ roundId: round.id, key: 'd'.repeat(64), values: { [round.itemIds[0]!]: 3 } });
    clock.advance(60_000);
    await trellis.tick();
    expect(state.answerSets).toEqual([]);
  });

  it('says when nothing is open', async () => {
    expect((await say(alex, 'survey cancel')).text).toBe('No check-in is open, so there is nothing to cancel.');
  });
});

describe('survey close', () => {
  it('asks first when fewer than the threshold have answered; "Keep it open" changes nothing, "Close anyway" closes', async () => {
    await say(alex, 'survey now');
    await answer(sam);
    const ask = await say(alex, 'survey close');
    expect(ask.text).toContain('Only 1 of 3 have answered Check-in #1 — fewer than 3');
    expect(ask.buttons?.map((b) => [b.label, b.style])).toEqual([
      ['Close anyway', 'danger'],
      ['Keep it open', undefined],
    ]);
    expect(state.rounds[0]!.closedAt).toBeUndefined();
    await click(alex, 'Keep it open', ask);
    expect(state.rounds[0]!.closedAt).toBeUndefined();
    expect((await click(alex, 'Close anyway', ask)).text).toBe('Check-in #1 is closed: 1 of 3 answered (33%).');
    expect(state.rounds[0]!.closedAt).toBeDefined();
  });

  it('closes at once with enough answers', async () => {
    await say(alex, 'survey now');
    for (const c of [alex, sam, jo]) await answer(c);
    expect((await say(alex, 'survey close')).text).toBe('Check-in #1 is closed: 3 of 3 answered (100%).');
  });
});
