// Pulse check-ins through the core's front door: schedules with a fake clock,
// delivery through a fake messenger, answers that link to nobody.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Trellis } from '../../src/core/trellis.js';
import { isForm, type Form, type Message, type Reply } from '../../src/core/message.js';
import type { Caller, Place } from '../../src/core/request.js';
import { openGroups } from '../../src/core/answer-group.js';
import type { State } from '../../src/store/state-schema.js';
import { coreTrellis } from '../helpers/core-trellis.js';
import type { FakeClock } from '../helpers/fake-clock.js';
import type { FakeMessenger } from '../helpers/fake-messenger.js';

const SECRET = 'core-test-secret-0123456789abcdef0123';
const alex: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-ALEX', displayName: 'Alex Morgan' };
const sam: Caller = { platform: 'teams', workspace: '72f988bf-0000-41af-91ab-2d7cd011db47', userId: '29:sam', displayName: 'Sam Patel' };
const jo: Caller = { platform: 'playground', workspace: 'playground', userId: 'pg-jo', displayName: 'Jo Williams' };
const chris: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-CHRIS', displayName: 'Chris Evans' };
const stranger: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-NOBODY', displayName: 'Nobody' };
const channel: Place = { conversationId: 'C1', kind: 'channel', label: '#riverside' };
const dm: Place = { conversationId: 'D1', kind: 'personal' };

let state: State;
let trellis: Trellis;
let clock: FakeClock;
let messenger: FakeMessenger;

const say = async (caller: Caller, text: string, place: Place = channel) => msg(await trellis.command({ caller, place, text }));
const msg = (r: Reply) => {
  if (isForm(r)) throw new Error('expected a message');
  return r as Message;
};
const roundId = () => state.rounds.at(-1)!.id;
const openForm = async (caller: Caller, id = roundId()): Promise<Form> => {
  const r = await trellis.action({ caller, place: dm, actionId: 'survey-open', value: id });
  if (!isForm(r)) throw new Error(`expected a form, got: ${r.text}`);
  return r.form;
};
const answersFor = (form: Form, value = '4') => Object.fromEntries(form.fields.filter((f) => f.kind === 'choice').map((f) => [f.id, value]));
const submit = (caller: Caller, values: Record<string, string>, id = roundId()) => trellis.submit({ caller, actionId: 'survey-submit', context: id, values });
const recipients = () => messenger.sent.map((s) => s.to);

beforeEach(async () => {
  ({ state, clock, messenger, trellis } = coreTrellis('2026-11-23T08:00:00Z', { secret: SECRET })); // a Monday
  await say(alex, 'setup Riverside');
  await say(alex, 'org add City Council public');
  await say(alex, 'org add Hope Trust voluntary');
  const code = state.partnerships[0]!.inviteCode;
  await say(alex, `join ${code} City Council`, dm);
  await say(sam, `join ${code} City Council`, dm);
  await say(jo, `join ${code} Hope Trust`, dm);
  await say(chris, `join ${code} independent`, dm);
  await say(alex, 'role Chris Evans critical-friend');
  // What setup sent the coordinator privately (the set-up checklist, and its ticks) and Chris's own note of the appointment is not what these tests are about.
  await trellis.settled();
  messenger.sent.length = 0;
  messenger.updates.length = 0;
});

describe('survey now, answering and closing', () => {
  it('sends the check-in privately to every member but the critical friend', async () => {
    const reply = await say(alex, 'survey now');
    expect(reply.text).toContain('Check-in #1 is open until 28 Nov 2026, 08:00, sent privately to 3 members');
    expect(recipients().sort()).toEqual(['29:sam', 'U-ALEX', 'pg-jo']);
    const checkIn = messenger.sent[0]!.message;
    expect(checkIn.buttons?.[0]).toMatchObject({ actionId: 'survey-open', label: 'Answer (1 minute)', opensForm: true });
    expect(state.rounds[0]!.itemIds).toHaveLength(5);
  });

  it("shows the form with the round's statements, the scale and an optional comment", async () => {
    await say(alex, 'survey now');
    const form = await openForm(sam);
    expect(form.fields.filter((f) => f.kind === 'choice')).toHaveLength(5);
    expect(form.fields[0]).toMatchObject({ kind: 'choice', options: expect.arrayContaining([{ value: 'skip', label: 'Prefer not to say' }]) });
    expect(form.fields.at(-1)).toMatchObject({ kind: 'text', id: 'comment', optional: true });
  });

  it('records one answer set per person, replaceable until close, and updates the DM to a content-free thanks', async () => {
    await say(alex, 'survey now');
    const form = await openForm(sam);
    const values = { ...answersFor(form, '2'), comment: 'Meetings run long.' };
    expect((await submit(sam, values)).text).toContain('Thanks — your answers are in');
    // The DM's thanks follows the reply rather than holding it up.
    expect(messenger.updates).toHaveLength(0);
    await trellis.settled();
    expect(messenger.updates.filter((u) => u.delivery.userId === '29:sam')).toHaveLength(1);
    await submit(sam, values); // a double click or a retry
    expect(state.answerSets).toHaveLength(1);
    await submit(sam, { ...answersFor(form, 'skip') });
    expect(state.answerSets).toHaveLength(1);
    expect(Object.values(state.answerSets[0]!.values).every((v) => v === null)).toBe(true);
    expect(state.answerSets[0]!.comment).toBeUndefined();
    expect(state.answerSets[0]).not.toHaveProperty('sector');
    expect(openGroups(SECRET, state.answerSets)[0]).toMatchObject({ sector: 'public', organisationId: state.organisations[0]!.id });
    await trellis.settled();
    const thanks = messenger.updates.find((u) => u.delivery.userId === '29:sam')!;
    expect(thanks.message.text).toMatch(/^Answered/);
    // One thank-you per answer: the form's reply says it, so the DM it updates only says the check-in is answered.
    const reply = (await submit(sam, { ...answersFor(form, 'skip') })).text;
    expect(`${reply}\n${thanks.message.title ?? ''}\n${thanks.message.text}`.match(/thank/gi)).toHaveLength(1);
    expect(JSON.stringify(thanks.message)).not.toContain('Meetings run long');
    // Reopening shows the person their own answers, and nobody else's.
    expect((await openForm(sam)).fields.filter((f) => f.kind === 'choice').every((f) => f.initial === 'skip')).toBe(true);
    expect((await openForm(alex)).fields.every((f) => f.initial === undefined)).toBe(true);
  });

  it('refuses answers off the scale, unknown statements and over-long comments, recording nothing', async () => {
    await say(alex, 'survey now');
    const form = await openForm(jo);
    const base = answersFor(form);
    const first = form.fields[0]!.id;
    expect((await submit(jo, { ...base, [first]: '7' })).fieldErrors).toEqual({ [first]: '"7" is not on the scale.' });
    expect((await submit(jo, { ...base, [first]: '0' })).fieldErrors?.[first]).toBeDefined();
    expect((await submit(jo, { ...base, [first]: '' })).fieldErrors?.[first]).toContain('Choose an answer');
    expect((await submit(jo, { ...base, 'trust-forged': '3' })).text).toContain('does not ask');
    expect((await submit(jo, { ...base, comment: 'x'.repeat(1001) })).fieldErrors?.comment).toContain('under 1000');
    expect(state.answerSets).toHaveLength(0);
  });

  it('refuses strangers, the critical friend, late joiners, forged rounds and answers after close', async () => {
    await say(alex, 'survey now');
    const form = await openForm(sam);
    expect(msg(await trellis.action({ caller: stranger, place: dm, actionId: 'survey-open', value: roundId() })).text).toContain("isn't one you can answer");
    expect((await submit(stranger, answersFor(form))).text).toContain("isn't one you can answer");
    expect((await submit(chris, answersFor(form))).text).toContain('as the critical friend you stand outside them');
    const dana: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-DANA', displayName: 'Dana' };
    await say(dana, `join ${state.partnerships[0]!.inviteCode} Hope Trust`, dm);
    expect((await submit(dana, answersFor(form))).text).toContain('opened before you joined');
    expect((await submit(sam, answersFor(form), 'no-such-round')).text).toContain("isn't one you can answer");
    await say(alex, `survey close ${state.rounds.at(-1)!.number}`);
    expect((await submit(sam, answersFor(form))).text).toContain('This check-in closed on');
    expect(state.answerSets).toHaveLength(0);
  });

  it('counts, never names, in survey status and on close', async () => {
    await say(alex, 'survey now');
    await submit(sam, answersFor(await openForm(sam)));
    const status = await say(jo, 'survey status', dm);
    expect(status.text).toContain('1 of 3 answered (33%)');
    expect(JSON.stringify(status)).not.toMatch(/Sam|Jo|Alex/);
    expect((await say(alex, 'survey now')).text).toContain('still open');
    expect((await say(alex, `survey close ${state.rounds.at(-1)!.number}`)).text).toBe('Check-in #1 is closed: 1 of 3 answered (33%).');
    expect(
      messenger.updates
        .filter((u) => u.message.text.includes('has closed'))
        .map((u) => u.delivery.userId)
        .sort(),
    ).toEqual(['U-ALEX', 'pg-jo']);
  });

  it('tells the coordinator how many check-ins are still queued or were refused by the platform, never whose', async () => {
    await say(alex, 'survey now');
    // As the outbox records them: each invitation's delivery is a queued message, here one pending, one refused, one sent.
    const statuses = ['pending', 'failed', 'sent'] as const;
    state.invitations.forEach((inv, n) => {
      inv.delivery = { platform: 'slack', outgoing: `out-${n}` };
      state.outgoing.push({
        id: `out-${n}`,
        platform: 'slack',
        kind: 'private',
        status: statuses[n]!,
        attempts: 1,
        notBefore: '2026-11-23T08:00:00.000Z',
        createdAt: '2026-11-23T08:00:00.000Z',
        sealed: '',
      });
    });
    const status = await say(alex, 'survey status');
    expect(status.fields).toEqual(
      expect.arrayContaining([
        { label: 'Still being sent', value: '1 check-in (Slack and Teams take messages at their own pace)' },
        { label: 'Not delivered', value: '1 check-in refused by the platform (for example a deactivated account)' },
      ]),
    );
    expect(JSON.stringify(status)).not.toMatch(/Sam|Jo|Alex|pg-|U-/);
    await say(alex, `survey close ${state.rounds.at(-1)!.number}`);
    expect(JSON.stringify(await say(alex, 'survey status'))).not.toMatch(/Still being sent|Not delivered/);
  });

  it('runs a full health check with every statement', async () => {
    expect((await say(alex, 'survey healthcheck for 7d')).text).toContain('Health check #1 (all 25 statements)');
    expect((await openForm(jo)).fields).toHaveLength(26);
  });
});

describe('scheduled rounds (fake clock)', () => {
  it('opens on the slot, reminds only those who have not answered, closes after the window, and opens the next fortnight', async () => {
    expect((await say(alex, 'survey schedule fortnightly wednesday 10:00')).text).toContain(
      'every other Wednesday at 10:00 (Europe/London). The next opens 25 Nov 2026, 10:00',
    );
    clock.set('2026-11-25T09:59:00Z');
    await trellis.tick();
    expect(state.rounds).toHaveLength(0);
    clock.set('2026-11-25T10:00:30Z');
    await trellis.tick();
    await trellis.tick(); // a second tick in the same minute
    expect(state.rounds).toHaveLength(1);
    expect(recipients()).toHaveLength(3);

    await submit(sam, answersFor(await openForm(sam)));
    clock.set('2026-11-27T10:01:00Z'); // 48 h later
    messenger.sent.length = 0;
    await trellis.tick();
    await trellis.tick();
    expect(recipients().sort()).toEqual(['U-ALEX', 'pg-jo']);
    const reminder = messenger.sent[0]!.message;
    expect(reminder.text).toContain('A reminder');
    expect(JSON.stringify(reminder)).not.toMatch(/Sam|Jo|Alex|answered by/);

    clock.set('2026-11-30T10:01:00Z'); // 5 days after opening
    await trellis.tick();
    expect(state.rounds[0]!.closedAt).toBe('2026-11-30T10:01:00.000Z');
    expect(state.rounds).toHaveLength(1); // next slot is 9 Dec, not 2 Dec

    clock.set('2026-12-02T10:05:00Z');
    await trellis.tick();
    expect(state.rounds).toHaveLength(1);
    clock.set('2026-12-09T10:00:00Z');
    await trellis.tick();
    expect(state.rounds).toHaveLength(2);
    expect(state.rounds[1]!.slot).toBe('2026-12-09T10:00:00.000Z');
  });

  it('after downtime opens the latest missed round once, not once per missed slot', async () => {
    await say(alex, 'survey schedule weekly monday 09:00');
    clock.set('2027-01-06T12:00:00Z'); // six Mondays later, nothing ran in between
    await trellis.tick();
    await trellis.tick();
    expect(state.rounds).toHaveLength(1);
    expect(state.rounds[0]!.slot).toBe('2027-01-04T09:00:00.000Z');
  });

  it('follows the partnership timezone across the change to summer time', async () => {
    clock.set('2026-03-20T12:00:00Z');
    await say(alex, 'survey schedule weekly monday 09:00');
    await say(alex, 'survey settings window 1d remind-after 12h');
    clock.set('2026-03-23T09:00:00Z');
    await trellis.tick();
    clock.set('2026-03-30T07:59:00Z');
    await trellis.tick();
    expect(state.rounds).toHaveLength(1);
    clock.set('2026-03-30T08:00:00Z'); // 09:00 BST
    await trellis.tick();
    expect(state.rounds.map((r) => r.slot)).toEqual(['2026-03-23T09:00:00.000Z', '2026-03-30T08:00:00.000Z']);
  });

  it("does not let one partnership's failure hold up another's schedule", async () => {
    await trellis.command({ caller: alex, place: { conversationId: 'C2', kind: 'channel', label: '#north' }, text: 'setup North' });
    await trellis.command({ caller: alex, place: { conversationId: 'C2', kind: 'channel' }, text: 'survey schedule weekly monday 09:00' });
    await say(alex, 'survey schedule weekly monday 09:00');
    state.partnerships[0]!.timezone = 'Not/AZone'; // damaged by hand, say
    clock.set('2026-12-07T12:00:00Z');
    await expect(trellis.tick()).rejects.toThrow(/1 partnership\(s\) could not be brought up to date/);
    expect(state.rounds.map((r) => r.partnershipId)).toEqual([state.partnerships[1]!.id]);
  });

  it('logs each piece of scheduled work that failed, by what and where, and goes on with the rest', async () => {
    const logged: { msg: string; meta?: Record<string, unknown> }[] = [];
    const log = { warn: () => undefined, error: (msg: string, meta?: Record<string, unknown>) => void logged.push({ msg, meta }) };
    const world = coreTrellis('2026-11-23T08:00:00Z', { secret: SECRET, log });
    const coordinator = { ...alex };
    await world.trellis.command({ caller: coordinator, place: { conversationId: 'C1', kind: 'channel', label: '#r' }, text: 'setup Riverside' });
    await world.trellis.command({ caller: coordinator, place: { conversationId: 'C1', kind: 'channel' }, text: 'survey schedule weekly monday 09:00' });
    world.state.partnerships[0]!.timezone = 'Not/AZone';
    world.clock.set('2026-12-07T12:00:00Z');
    await expect(world.trellis.tick()).rejects.toThrow(/1 partnership/);
    const failures = logged.filter((l) => l.msg === 'Scheduled work failed');
    expect(failures.map((l) => l.meta?.work)).toContain('rounds');
    expect(failures.every((l) => l.meta?.partnershipId === world.state.partnerships[0]!.id)).toBe(true);
    expect(JSON.stringify(logged)).not.toContain(alex.userId);
  });

  it('keeps a schedule until it is turned off', async () => {
    await say(alex, 'survey schedule weekly monday 09:00');
    expect((await say(alex, 'survey schedule off')).text).toContain('off');
    clock.set('2026-12-07T12:00:00Z');
    await trellis.tick();
    expect(state.rounds).toHaveLength(0);
  });
});

describe('survey commands', () => {
  it.each([
    ['survey now for 0m', 'at least 1 minute'],
    ['survey now for 2w', 'is not a duration'],
    ['survey now until friday', 'after `for`'],
    ['survey schedule daily monday 09:00', '"daily" is not how often'],
    ['survey schedule weekly funday 09:00', 'not a day of the week'],
    ['survey schedule monthly 31 09:00', 'day of the month from 1 to 28'],
    ['survey schedule weekly monday 25:00', 'not a time'],
    ['survey settings remind-after 5d window 2d', 'must come before the check-in closes'],
    ['survey settings colour 2d', 'not a survey setting'],
    ['survey question add trust short', 'at least 10 characters'],
    ['survey launch', 'is not a survey command'],
  ])('%s → a specific error, nothing changed', async (text, error) => {
    const before = JSON.stringify(state);
    const reply = await say(alex, text);
    expect(reply.tone).toBe('error');
    expect(reply.text).toContain(error);
    expect(JSON.stringify(state)).toBe(before);
  });

  it('refuses members running check-ins', async () => {
    for (const text of [
      'survey now',
      'survey schedule weekly monday 09:00',
      'survey close',
      'survey settings window 2d',
      'survey question add trust We trust each other a lot.',
    ]) {
      expect((await say(sam, text, dm)).text).toContain('Only coordinators can run check-ins');
    }
    expect(state.rounds).toHaveLength(0);
  });

  it('adds statements to a factor and creates a custom factor that joins the rotation', async () => {
    expect((await say(alex, 'survey question add trust Partners share bad news early.')).text).toContain('Added to Trust');
    expect((await say(alex, 'survey question add housing Housing partners are fully involved.')).text).toContain('Created the factor "housing"');
    expect((await say(alex, 'survey question add housing Housing partners are fully involved.')).text).toContain('already asks that');
    const factorOf = (id: string) => state.customItems.find((c) => c.id === id)?.factor ?? id;
    for (let i = 0; i < 4; i++) {
      await say(alex, 'survey now for 1h');
      await say(alex, `survey close ${state.rounds.at(-1)!.number}`);
    }
    // Every factor, the new one included, within any 4 rounds.
    expect(state.rounds.flatMap((r) => r.itemIds.map(factorOf))).toContain('housing');
    expect(state.rounds.flatMap((r) => r.itemIds.map(factorOf)).filter((f) => f === 'housing')).toHaveLength(1);
  });

  it('changes the window and reminder', async () => {
    expect((await say(alex, 'survey settings remind-after 24h window 3d')).text).toBe(
      'Check-ins stay open 3 days; anyone who has not answered is reminded after 1 day.',
    );
    expect(state.partnerships[0]!.survey).toEqual({ remindAfterMinutes: 1440, windowMinutes: 4320 });
  });
});

describe('unlinkability', () => {
  it('stores no member id, platform id or name with any answer, and keys differ per round', async () => {
    await say(alex, 'survey now for 1h');
    for (const c of [alex, sam, jo]) await submit(c, { ...answersFor(await openForm(c)), comment: `A comment from someone` });
    await say(alex, `survey close ${state.rounds.at(-1)!.number}`);
    await say(alex, 'survey now for 1h');
    await submit(sam, answersFor(await openForm(sam)));
    const answers = JSON.stringify(state.answerSets);
    for (const m of state.members) for (const s of [m.id, m.userId, m.displayName]) expect(answers).not.toContain(s);
    const keys = state.answerSets.map((a) => a.key);
    expect(new Set(keys).size).toBe(4);
    // The invitation list (who answered) and the answer list are not in the same order.
    expect(state.answerSets.map((a) => a.key)).toEqual([...keys].sort());
  });
});

describe('compaction of long-closed rounds', () => {
  it('keeps a round closed over 30 days as counts and answers, drops who was asked, and reports the same turnout', async () => {
    await say(alex, 'survey now');
    for (const who of [alex, sam, jo]) await submit(who, answersFor(await openForm(who)));
    await say(alex, `survey close ${state.rounds.at(-1)!.number}`);
    const before = (await say(alex, 'survey status')).text;
    const trendsBefore = (await say(alex, 'trends')).text;
    const round = state.rounds[0]!;
    expect(state.invitations.filter((i) => i.roundId === round.id)).toHaveLength(3);

    clock.advance(29 * 86_400_000);
    await trellis.tick();
    expect(state.rounds[0]!.tally).toBeUndefined();

    clock.advance(2 * 86_400_000);
    await trellis.tick();
    expect(state.rounds[0]!.tally).toEqual({ invited: 3, answered: 3 });
    expect(state.invitations.filter((i) => i.roundId === round.id)).toEqual([]);
    expect(state.answerSets.filter((a) => a.roundId === round.id)).toHaveLength(3);
    expect((await say(alex, 'survey status')).text).toContain(before.match(/3 of 3 answered \(100%\)/)![0]);
    expect((await say(alex, 'trends')).text).toBe(trendsBefore);
  });
});
