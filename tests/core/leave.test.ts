// `leave` and `member remove`: after asking, a person's data is erased from the
// live store, their answers stay in the figures, and the last coordinator
// cannot go without handing over.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Trellis } from '../../src/core/trellis.js';
import { isForm, RUN_IN, type Form, type Message, type Reply } from '../../src/core/message.js';
import type { Caller, Place } from '../../src/core/request.js';
import type { State } from '../../src/store/state-schema.js';
import { openConcern } from '../../src/core/concerns/concern-seal.js';
import { coreTrellis } from '../helpers/core-trellis.js';
import type { FakeClock } from '../helpers/fake-clock.js';
import type { FakeMessenger } from '../helpers/fake-messenger.js';

const SECRET = 'leave-secret-0123456789abcdef0123456789';
const alex: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-ALEX', displayName: 'Alex Morgan' };
const sam: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-SAM', displayName: 'Sam Patel' };
const kim: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-KIM', displayName: 'Kim Lee' };
const chris: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-CHRIS', displayName: 'Chris Evans' };
const channel: Place = { conversationId: 'C1', kind: 'channel', label: '#riverside' };
const dm: Place = { conversationId: 'D1', kind: 'personal' };

let state: State;
let trellis: Trellis;
let clock: FakeClock;
let messenger: FakeMessenger;

const msg = (r: Reply): Message => {
  if (isForm(r)) throw new Error('expected a message');
  return r;
};
const say = async (c: Caller, text: string, place: Place = channel) => msg(await trellis.command({ caller: c, place, text }));
const click = async (c: Caller, label: string, reply: Message) => {
  const button = reply.buttons?.find((b) => b.label === label);
  if (!button) throw new Error(`no "${label}" button on: ${reply.text}`);
  expect(button.actionId).toBe(RUN_IN);
  return msg(await trellis.action({ caller: c, place: dm, actionId: button.actionId, value: button.value }));
};
const answer = async (c: Caller) => {
  const round = state.rounds.at(-1)!;
  const r = await trellis.action({ caller: c, place: dm, actionId: 'survey-open', value: round.id });
  if (!isForm(r)) throw new Error(r.text);
  const f: Form = r.form;
  const values = Object.fromEntries(f.fields.filter((x) => x.kind === 'choice').map((x) => [x.id, '2']));
  expect((await trellis.submit({ caller: c, actionId: f.submitActionId, context: f.context, values })).tone).toBe('success');
};
const raise = async (c: Caller) => {
  const r = await trellis.command({ caller: c, place: dm, text: 'concern' });
  if (!isForm(r)) throw new Error(r.text);
  const f = r.form;
  return msg(
    await trellis.submit({
      caller: c,
      actionId: f.submitActionId,
      context: f.context,
      values: { category: 'power', happening: 'Decisions are made before meetings.', help: 'Agendas', organisation: 'no', consent: 'yes' },
    }),
  );
};

beforeEach(async () => {
  ({ state, clock, messenger, trellis } = coreTrellis('2026-11-23T08:00:00Z', { secret: SECRET }));
  await say(alex, 'setup Riverside');
  await say(alex, 'org add City Council public');
  const code = state.partnerships[0]!.inviteCode;
  for (const c of [alex, sam, kim]) await say(c, `join ${code} City Council`, dm);
  await say(chris, `join ${code} independent`, dm);
  await say(alex, 'set threshold 3');
  await trellis.settled();
  messenger.sent.length = 0;
});

describe('leave', () => {
  it('only asks when typed; "Stay" changes nothing', async () => {
    const before = JSON.stringify(state);
    const ask = await say(sam, 'leave', dm);
    expect(ask.text).toContain('Leave Riverside?');
    expect(ask.text).toContain('open is closed and its link to you erased');
    expect(ask.buttons?.map((b) => [b.label, b.style])).toEqual([
      ['Leave', 'danger'],
      ['Stay', undefined],
    ]);
    await click(sam, 'Stay', ask);
    expect(JSON.stringify(state)).toBe(before);
    expect((await say(sam, 'leave now', dm)).tone).toBe('error');
    expect(JSON.stringify(state)).toBe(before);
  });

  it('on confirm erases the member, keeps their answers and the round counts', async () => {
    await say(alex, 'survey now');
    await answer(sam);
    await answer(kim);
    const sets = JSON.stringify(state.answerSets);
    const status = (await say(alex, 'survey status')).text;
    const done = await click(sam, 'Leave', await say(sam, 'leave', dm));
    expect(done.tone).toBe('success');
    expect(done.text).toContain('You have left Riverside');
    expect(state.members.map((m) => m.displayName)).not.toContain('Sam Patel');
    expect(JSON.stringify(state)).not.toContain('U-SAM');
    expect(JSON.stringify(state)).not.toContain('Sam Patel');
    expect(JSON.stringify(state.answerSets)).toBe(sets);
    expect((await say(alex, 'survey status')).text).toBe(status);
    // Gone: a second `leave` finds no membership.
    expect((await say(sam, 'leave', dm)).tone).toBe('error');
  });

  it('closes their concern conversations, erases the way back to them, and tells the critical friend content-free', async () => {
    await say(alex, 'role Chris Evans critical-friend');
    await raise(sam);
    clock.advance(3_600_000);
    await trellis.tick();
    await trellis.settled();
    messenger.sent.length = 0;
    const relay = state.concerns[0]!.relay;
    await click(sam, 'Leave', await say(sam, 'leave', dm));
    await trellis.settled();
    const c = openConcern(SECRET, state.concerns[0]!)!;
    expect(c.status).toBe('closed');
    expect(state.concerns[0]!.relay).not.toBe(relay);
    expect(JSON.stringify(state)).not.toContain(relay);
    expect(messenger.sent.map((s) => s.to)).toEqual(['U-CHRIS']);
    const note = messenger.sent[0]!.message.text;
    expect(note).toBe(`The conversation ${c.pseudonym} is closed: the person who raised it has left Riverside.`);
    expect(note).not.toContain('Sam');
  });

  it('refuses the last coordinator until someone else coordinates', async () => {
    const before = JSON.stringify(state);
    const refused = await say(alex, 'leave confirm', dm);
    expect(refused.tone).toBe('error');
    expect(refused.text).toContain('only coordinator');
    expect(JSON.stringify(state)).toBe(before);
    await say(alex, 'role Kim Lee coordinator');
    expect((await click(alex, 'Leave', await say(alex, 'leave', dm))).tone).toBe('success');
    expect(state.members.map((m) => m.displayName)).not.toContain('Alex Morgan');
    // Their set-up checklist (where it landed: their chat) goes with them.
    expect(JSON.stringify(state)).not.toContain('U-ALEX');
  });
});

describe('member remove', () => {
  it('is for coordinators, asks first, and tells the person privately, content-free', async () => {
    const before = JSON.stringify(state);
    expect((await say(kim, 'member remove Sam Patel')).text).toContain('Only coordinators can remove members');
    const ask = await say(alex, 'member remove Sam Patel');
    expect(ask.text).toContain('Remove Sam Patel from Riverside?');
    await click(alex, 'Keep', ask);
    expect(JSON.stringify(state)).toBe(before);
    const done = await click(alex, 'Remove', ask);
    expect(done.tone).toBe('success');
    await trellis.settled();
    expect(messenger.sent.map((s) => s.to)).toEqual(['U-SAM']);
    const told = messenger.sent[0]!.message.text;
    expect(told).toContain('You have been removed from Riverside by a coordinator');
    expect(told).not.toContain('Alex');
    expect(JSON.stringify(state.members)).not.toContain('U-SAM');
  });

  it('removing the critical friend is announced as a change of critical friend', async () => {
    await say(alex, 'role Chris Evans critical-friend');
    await trellis.settled();
    messenger.posted.length = 0;
    await click(alex, 'Remove', await say(alex, 'member remove Chris Evans'));
    await trellis.settled();
    expect(messenger.posted.map((p) => p.message.text)).toEqual([expect.stringContaining('Chris Evans is no longer a critical friend of Riverside')]);
    expect(state.members.map((m) => m.displayName)).not.toContain('Chris Evans');
  });

  it('refuses to remove the last coordinator, and an unknown name', async () => {
    await say(alex, 'role Kim Lee coordinator');
    await say(kim, 'role Alex Morgan member');
    const before = JSON.stringify(state);
    const refused = await say(kim, 'member remove Kim Lee confirm');
    expect(refused.text).toContain('only coordinator');
    expect((await say(kim, 'member remove Nobody confirm')).tone).toBe('error');
    expect(JSON.stringify(state)).toBe(before);
  });
});
