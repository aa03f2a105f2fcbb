// `partnership close`: asked first, coordinators only; then open rounds and
// reviews close as usual, the schedule and reminders stop, everything but reading
// is refused, a closing digest goes out and a closing check-in is asked, whose
// answers are shown only when k or more answered.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Trellis } from '../../src/core/trellis.js';
import { isForm, RUN_IN, type Form, type Message, type Reply } from '../../src/core/message.js';
import type { Caller, Place } from '../../src/core/request.js';
import type { State } from '../../src/store/state-schema.js';
import { openConcern } from '../../src/core/concerns/concern-seal.js';
import { openGroups } from '../../src/core/answer-group.js';
import { coreTrellis } from '../helpers/core-trellis.js';
import type { FakeClock } from '../helpers/fake-clock.js';
import type { FakeMessenger } from '../helpers/fake-messenger.js';

const SECRET = 'closing-secret-0123456789abcdef01234567';
const alex: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-ALEX', displayName: 'Alex Morgan' };
const sam: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-SAM', displayName: 'Sam Patel' };
const kim: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-KIM', displayName: 'Kim Lee' };
const jo: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-JO', displayName: 'Jo Williams' };
const chris: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-CHRIS', displayName: 'Chris Evans' };
const channel: Place = { conversationId: 'C1', kind: 'channel', label: '#riverside' };
const dm: Place = { conversationId: 'D1', kind: 'personal' };
const DAY = 86_400_000;

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
const openForm = async (c: Caller, roundId: string): Promise<Form> => {
  const r = await trellis.action({ caller: c, place: dm, actionId: 'survey-open', value: roundId });
  if (!isForm(r)) throw new Error(r.text);
  return r.form;
};
const answer = async (c: Caller, value = '4') => {
  const round = state.rounds.at(-1)!;
  const f = await openForm(c, round.id);
  const values = Object.fromEntries(f.fields.filter((x) => x.kind === 'choice').map((x) => [x.id, value]));
  expect((await trellis.submit({ caller: c, actionId: f.submitActionId, context: f.context, values })).tone).toBe('success');
};
const round = async (value: string, who: Caller[]) => {
  await say(alex, 'survey now');
  for (const c of who) await answer(c, value);
  await say(alex, `survey close ${state.rounds.at(-1)!.number}`);
};
const close = async () => click(alex, 'Close the partnership', await say(alex, 'partnership close'));
const closingRound = () => state.rounds.find((r) => r.kind === 'closing')!;
const answerClosing = async (c: Caller, values: Record<string, string>) =>
  msg(await trellis.submit({ caller: c, actionId: 'survey-submit', context: closingRound().id, values }));
const partnership = () => state.partnerships[0]!;
const addProtocol = async (next: string) => {
  const opened = await trellis.command({ caller: alex, place: channel, text: 'protocol add' });
  if (!isForm(opened)) throw new Error(opened.text);
  const f = opened.form;
  const values: Record<string, string> = {
    title: 'Data sharing',
    kind: 'protocol',
    purpose: 'Sharing data safely',
    parties: state.organisations.map((o) => o.id).join(','),
    owner: state.members.find((m) => m.userId === 'U-ALEX')!.id,
    cycle: '12',
    next,
  };
  const added = msg(await trellis.submit({ caller: alex, actionId: f.submitActionId, context: f.context, values }));
  expect(added.tone, `${added.text} ${JSON.stringify(added.fieldErrors)}`).toBe('success');
};

beforeEach(async () => {
  ({ state, clock, messenger, trellis } = coreTrellis('2026-11-23T08:00:00Z', { secret: SECRET }));
  await say(alex, 'setup Riverside');
  await say(alex, 'org add City Council public');
  const code = partnership().inviteCode;
  for (const c of [alex, sam, kim, jo]) await say(c, `join ${code} City Council`, dm);
  await say(chris, `join ${code} independent`, dm);
  await say(alex, 'set threshold 3');
  await say(alex, 'role Chris Evans critical-friend');
  await trellis.settled();
  messenger.sent.length = 0;
  messenger.posted.length = 0;
});

describe('partnership close', () => {
  it('only asks when typed; "Keep it going" changes nothing', async () => {
    const before = JSON.stringify(state);
    const ask = await say(alex, 'partnership close');
    expect(ask.text).toContain('Close Riverside?');
    expect(ask.buttons?.map((b) => [b.label, b.style])).toEqual([
      ['Close the partnership', 'danger'],
      ['Keep it going', undefined],
    ]);
    await click(alex, 'Keep it going', ask);
    expect(JSON.stringify(state)).toBe(before);
    expect((await say(alex, 'partnership close now')).tone).toBe('error');
    expect(JSON.stringify(state)).toBe(before);
  });

  it('is for coordinators only, asked or confirmed', async () => {
    const before = JSON.stringify(state);
    expect((await say(sam, 'partnership close')).text).toContain('Only coordinators can close the partnership');
    expect((await say(sam, 'partnership close confirm')).text).toContain('Only coordinators can close the partnership');
    expect(JSON.stringify(state)).toBe(before);
    expect(partnership().closedAt).toBeUndefined();
  });

  it("is offered last in the coordinator's section of the console, danger-styled, and nowhere once closed", async () => {
    const buttons = (m: Message) => (m.sections ?? []).flatMap((s) => s.buttons);
    const console = await say(alex, 'menu', dm);
    expect(console.sections?.find((s) => s.title === 'Partners')?.buttons.at(-1)).toMatchObject({ label: 'Close the partnership', style: 'danger' });
    expect(buttons(await say(sam, 'menu', dm)).map((b) => b.label)).not.toContain('Close the partnership');
    await close();
    expect(buttons(await say(alex, 'menu', dm)).map((b) => b.label)).not.toContain('Close the partnership');
  });

  it('closes an open round first (its digest goes out as usual), then refuses every change and keeps reading', async () => {
    await say(alex, 'survey schedule weekly monday 09:00');
    await say(alex, 'survey now');
    for (const c of [alex, sam, kim]) await answer(c);
    const done = await close();
    expect(done.tone).toBe('success');
    expect(done.text).toContain('Riverside is closed');
    expect(state.rounds[0]!.closedAt).toBeDefined();
    expect(messenger.posted.map((p) => p.message.title)).toEqual(['Riverside: check-in #1 results', 'Riverside: closing digest']);
    expect(partnership().closedAt).toBe('2026-11-23T08:00:00.000Z');
    for (const text of [
      'survey now',
      'set threshold 5',
      'org add Hope Trust voluntary',
      'role Sam Patel coordinator',
      'protocol add',
      'home',
      'invite',
      'partnership close',
      'survey schedule',
    ])
      expect((await say(alex, text)).text, text).toBe(
        'Riverside was closed on 23 Nov 2026, so nothing more can be changed in it. Its figures stay readable: try `trends` or `status`.',
      );
    expect((await say(jo, `join ${partnership().inviteCode} City Council`, { conversationId: 'D9', kind: 'personal' })).text).toContain(
      'was closed on 23 Nov 2026',
    );
    for (const text of ['status', 'trends', 'members', 'org list', 'protocol list', 'survey status', 'help', 'my data'])
      expect((await say(alex, text, dm)).tone, text).not.toBe('error');
    expect((await say(alex, 'export', dm)).text).toContain('/export/');
    expect((await say(sam, 'status', dm)).fields?.find((f) => f.label === 'Closed')?.value).toBe(
      'on 23 Nov 2026; everything but the figures is erased on 23 Nov 2027',
    );
  });

  it('refuses a form opened before the close and sent back after it', async () => {
    const opened = await trellis.command({ caller: alex, place: channel, text: 'protocol add' });
    if (!isForm(opened)) throw new Error(opened.text);
    const settings = await trellis.command({ caller: alex, place: channel, text: 'set' });
    if (!isForm(settings)) throw new Error(settings.text);
    await close();
    const f = opened.form;
    const values = { title: 'Data sharing', kind: 'protocol', purpose: 'Sharing data', next: '2027-06-01' };
    expect(msg(await trellis.submit({ caller: alex, actionId: f.submitActionId, context: f.context, values })).text).toContain('was closed on 23 Nov 2026');
    expect(
      msg(await trellis.submit({ caller: alex, actionId: settings.form.submitActionId, context: settings.form.context, values: { threshold: '7' } })).text,
    ).toContain('was closed on 23 Nov 2026');
    expect(state.protocols).toEqual([]);
    expect(partnership().threshold).toBe(3);
  });

  it('opens no more scheduled rounds and sends no protocol reminders', async () => {
    await say(alex, 'survey schedule weekly monday 09:00');
    await addProtocol('2026-12-10');
    await close();
    const rounds = state.rounds.length;
    messenger.sent.length = 0;
    messenger.posted.length = 0;
    for (let i = 0; i < 40; i++) {
      clock.advance(DAY);
      await trellis.tick();
    }
    await trellis.settled();
    expect(state.rounds.length).toBe(rounds);
    expect(state.rounds.every((r) => r.closedAt)).toBe(true);
    // Only the closing check-in's own reminder and its result went out.
    expect(messenger.sent.map((s) => s.message.title).filter((t) => !t?.includes('closing check-in'))).toEqual([]);
  });

  it('sends a closing digest with the whole history, what changed and the protocols, hiding rounds under the threshold', async () => {
    await round('2', [alex, sam, kim]);
    await round('4', [alex, sam]); // under the threshold of 3
    await round('5', [alex, sam, kim, jo]);
    messenger.posted.length = 0;
    await close();
    const digest = messenger.posted.find((p) => p.message.title === 'Riverside: closing digest')!.message;
    expect(digest.text).toContain(
      'Riverside was closed on 23 Nov 2026. Its figures stay readable with `trends` until 23 Nov 2027, when everything but the figures is erased.',
    );
    expect(digest.text).toMatch(/Check-in #1: Trust 25, Commitment 25 \(3 of 4 answered\)/);
    expect(digest.text).toContain('Check-in #2: 2 of 4 answered — fewer than 3, so no figures are shown');
    expect(digest.text).not.toMatch(/Check-in #2: Trust/);
    expect(digest.text).toMatch(/Check-in #3: Trust 100, Commitment 100/);
    expect(digest.text).toContain('Trust went from 25 (#1) to 100 (#3), +75.');
    expect(digest.chart?.series[0]?.values).toEqual([25, null, 100]);
    // Homes get no links; each coordinator gets the digest privately with an export link.
    expect(JSON.stringify(digest)).not.toContain('/export/');
    const toAlex = messenger.sent.filter((s) => s.to === 'U-ALEX' && s.message.title === 'Riverside: closing digest');
    expect(toAlex).toHaveLength(1);
    expect(toAlex[0]!.message.text).toContain('/export/');
    expect(messenger.sent.filter((s) => s.to !== 'U-ALEX' && s.message.title === 'Riverside: closing digest')).toEqual([]);
  });

  it('lists protocols with their review outcomes; an open review closes with the partnership', async () => {
    await addProtocol('2027-06-01');
    await say(alex, 'review start P-1');
    messenger.posted.length = 0;
    await close();
    const digest = messenger.posted.find((p) => p.message.title === 'Riverside: closing digest')!.message;
    expect(digest.text).toContain('*Protocols*');
    expect(digest.text).toMatch(
      /P-1 Data sharing \(active\) — reviews: 23 Nov 2026: closed with the partnership \(0 answered — fewer than 3, so no summary is shown\.\)/,
    );
    expect(state.protocols[0]!.reviews[0]!.closedAt).toBeDefined();
  });

  it('asks every member a closing check-in; with k or more answers, members read them all, with no organisation', async () => {
    await close();
    const closing = closingRound();
    expect(closing.closedAt).toBeUndefined();
    const invited = messenger.sent.filter((s) => s.message.title === 'Riverside: closing check-in').map((s) => s.to);
    expect(invited.sort()).toEqual(['U-ALEX', 'U-JO', 'U-KIM', 'U-SAM']);
    expect((await say(sam, 'menu', dm)).buttons?.map((b) => b.label)).toEqual(['Riverside: answer the closing check-in']);
    const form = await openForm(sam, closing.id);
    expect(form.fields.map((x) => x.label)).toEqual([
      'What did the partnership learn?',
      'What is left to finish, and who will carry it on?',
      'Who would you like to thank?',
    ]);
    expect((await answerClosing(sam, {})).tone).toBe('error');
    expect((await answerClosing(sam, { 'closing-learnt': 'x'.repeat(1001) })).fieldErrors?.['closing-learnt']).toContain('under 1000');
    expect(state.answerSets).toHaveLength(0);
    await answerClosing(sam, { 'closing-learnt': 'Share data early.', 'closing-thanks': 'The council clerks.' });
    await answerClosing(kim, { 'closing-unfinished': 'The housing pilot; Hope Trust carries it.' });
    await answerClosing(jo, { 'closing-learnt': 'Meet in person.' });
    expect(openGroups(SECRET, state.answerSets).every((a) => a.texts && !a.organisationId && !a.sector)).toBe(true);
    // Each person's own answers are in their `my data`, and nobody else's.
    const mine = (await say(sam, 'my data', dm)).items!.join('\n');
    expect(mine).toContain('Closing check-in: What did the partnership learn? — Share data early.');
    expect(mine).not.toContain('Meet in person');
    messenger.sent.length = 0;
    messenger.posted.length = 0;
    clock.advance(6 * DAY);
    await trellis.tick();
    expect(closingRound().closedAt).toBeDefined();
    const notice = messenger.posted.find((p) => p.message.title === 'Riverside: closing check-in')!.message;
    expect(notice.text).toContain('3 people answered the closing check-in');
    expect(JSON.stringify(notice)).not.toContain('Share data early');
    const read = notice.buttons!.find((b) => b.label === 'Read the answers')!;
    const page = msg(await trellis.action({ caller: kim, place: dm, actionId: read.actionId, value: read.value }));
    expect(page.text).toContain('Learnt: Meet in person.');
    expect(page.text).toContain('Learnt: Share data early.');
    expect(page.text).toContain('Left to finish: The housing pilot; Hope Trust carries it.');
    expect(page.text).toContain('Thanks: The council clerks.');
    expect(page.text).not.toContain('City Council');
    const outsider: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-OUT', displayName: 'Out' };
    expect(msg(await trellis.action({ caller: outsider, place: dm, actionId: read.actionId, value: read.value })).text).toContain('Only members');
    // The closing check-in is not a round of figures: trends are as before.
    expect((await say(alex, 'trends', dm)).text).toContain('No check-in has closed yet');
  });

  it('under the threshold, shows only how many answered the closing check-in', async () => {
    await close();
    await answerClosing(sam, { 'closing-learnt': 'Share data early.' });
    await answerClosing(kim, { 'closing-thanks': 'Everyone.' });
    messenger.posted.length = 0;
    clock.advance(6 * DAY);
    await trellis.tick();
    const notice = messenger.posted.find((p) => p.message.title === 'Riverside: closing check-in')!.message;
    expect(notice.text).toContain('2 people answered the closing check-in: fewer than 3, so their answers are not shown');
    expect(notice.buttons ?? []).toEqual([]);
    const page = msg(await trellis.action({ caller: kim, place: dm, actionId: 'read-comments', value: `${closingRound().id}:0` }));
    expect(page.text).toContain('Fewer than 3 people answered the closing check-in');
    expect(page.text).not.toContain('Share data early');
  });

  it('closes concern conversations, telling the critical friend and the reporter content-free, and takes no new ones', async () => {
    const r = await trellis.command({ caller: sam, place: dm, text: 'concern' });
    if (!isForm(r)) throw new Error(r.text);
    await trellis.submit({
      caller: sam,
      actionId: r.form.submitActionId,
      context: r.form.context,
      values: { category: 'power', happening: 'Decisions are made before meetings.', help: '', organisation: 'no', consent: 'no' },
    });
    clock.advance(3_600_000);
    await trellis.tick();
    await trellis.settled();
    messenger.sent.length = 0;
    await close();
    expect(openConcern(SECRET, state.concerns[0]!)!.status).toBe('closed');
    const notes = messenger.sent.filter((s) => s.message.title?.includes('C-') || s.message.title?.startsWith('Your concern'));
    expect(notes.map((s) => s.to).sort()).toEqual(['U-CHRIS', 'U-SAM']);
    for (const n of notes) expect(n.message.text).toMatch(/^The conversation C-\w+ is closed: Riverside has closed\.$/);
    expect(((await trellis.command({ caller: kim, place: dm, text: 'concern' })) as Message).tone).toBe('error');
  });

  it('is idempotent: a second close is refused and changes nothing', async () => {
    await close();
    await trellis.settled();
    const before = JSON.stringify(state);
    const sent = messenger.sent.length;
    expect((await say(alex, 'partnership close confirm')).text).toContain('was closed on 23 Nov 2026');
    expect(JSON.stringify(state)).toBe(before);
    expect(messenger.sent.length).toBe(sent);
  });
  it('keeps more than the figures for its retention period: `set retention closed 2 months` erases everyone two months after the close', async () => {
    expect((await say(alex, 'set retention closed 2 months')).tone).toBe('success');
    await close();
    expect(JSON.stringify(await say(alex, 'status'))).toContain('erased on 23 Jan 2027');
    clock.advance(60 * DAY);
    await trellis.tick();
    expect(state.members.length).toBe(5);
    clock.advance(2 * DAY);
    await trellis.tick();
    expect(state.members).toEqual([]);
    expect(partnership().erasedAt).toBeDefined();
  });
});
