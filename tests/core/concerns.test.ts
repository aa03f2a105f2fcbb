// The critical-friend channel through the core's front door.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Trellis } from '../../src/core/trellis.js';
import { isForm, type Form, type Message, type Reply } from '../../src/core/message.js';
import type { Caller, Place } from '../../src/core/request.js';
import type { State } from '../../src/store/state-schema.js';
import { openRelay, sealRelay } from '../../src/core/concerns/relay.js';
import { themeLines } from '../../src/core/concerns/themes.js';
import type { Concern, ConcernHead } from '../../src/core/model.js';
import { openConcern } from '../../src/core/concerns/concern-seal.js';
import { coreTrellis } from '../helpers/core-trellis.js';
import type { FakeClock } from '../helpers/fake-clock.js';
import type { FakeMessenger } from '../helpers/fake-messenger.js';
import { formText } from '../helpers/form-text.js';

const SECRET = 'concern-test-secret-0123456789abcdef01';
const alex: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-ALEX', displayName: 'Alex Morgan' };
const sam: Caller = { platform: 'teams', workspace: '72f988bf-0000-41af-91ab-2d7cd011db47', userId: '29:sam-patel', displayName: 'Sam Patel' };
const kim: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-KIM', displayName: 'Kim Osei' };
const chris: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-CHRIS', displayName: 'Chris Evans' };
const channel: Place = { conversationId: 'C1', kind: 'channel', label: '#riverside' };
const dm: Place = { conversationId: 'D1', kind: 'personal' };

let state: State;
let trellis: Trellis;
let clock: FakeClock;
let messenger: FakeMessenger;
let randomValue = 0.5;

const msg = (r: Reply) => r as Message;
const form = (r: Reply): Form => {
  if (!isForm(r)) throw new Error(`expected a form: ${r.text}`);
  return r.form;
};
const say = async (c: Caller, text: string, place: Place = dm) => trellis.command({ caller: c, place, text });
const raise = async (c: Caller, values: Record<string, string> = {}) => {
  const f = form(await say(c, 'concern'));
  return msg(
    await trellis.submit({
      caller: c,
      actionId: f.submitActionId,
      context: f.context,
      values: {
        category: 'power',
        happening: 'Decisions are made before meetings by the two biggest partners.',
        help: 'An agreed way of setting agendas',
        organisation: 'no',
        consent: 'yes',
        ...values,
      },
    }),
  );
};
const open = async (c: Caller, actionId: string, id: string) => trellis.action({ caller: c, place: dm, actionId, value: id });
const submitAs = async (c: Caller, f: Form, values: Record<string, string>) =>
  msg(await trellis.submit({ caller: c, actionId: f.submitActionId, context: f.context, values }));
/** The concerns as the server reads them (stored sealed). */
const opened = () => state.concerns.map((c) => openConcern(SECRET, c)!);
let restart: () => Trellis;

beforeEach(async () => {
  ({ state, clock, messenger, trellis, restart } = coreTrellis('2026-11-23T09:00:00Z', { secret: SECRET, random: () => randomValue }));
  await say(alex, 'setup Riverside', channel);
  await say(alex, 'org add City Council public', channel);
  const code = state.partnerships[0]!.inviteCode;
  await say(alex, `join ${code} City Council`);
  await say(sam, `join ${code} City Council`);
  await say(kim, `join ${code} City Council`);
  await say(chris, `join ${code} independent`);
  // What setup sent the coordinator privately (the set-up checklist, and its ticks) is not what these tests are about.
  await trellis.settled();
  messenger.sent.length = 0;
  messenger.updates.length = 0;
});

describe('raising a concern', () => {
  it('needs a critical friend, and keeps the text out of chat', async () => {
    expect(msg(await say(sam, 'concern')).text).toContain('no critical friend yet');
    await say(alex, 'role Chris Evans critical-friend', channel);
    expect(msg(await say(sam, 'concern the meetings are awful')).text).toContain('goes in the private form');
    const f = form(await say(sam, 'concern'));
    expect(f.fields.map((x) => x.id)).toEqual(['category', 'happening', 'help', 'organisation', 'consent']);
  });

  it('gives a receipt and delivers after the random delay, content-free, to the critical friend', async () => {
    await say(alex, 'role Chris Evans critical-friend', channel);
    messenger.sent.length = 0; // Chris's own note of the appointment
    randomValue = 0.5;
    const receipt = await raise(sam);
    const ref = /\*(C-[A-Z2-9]{4})\*/.exec(receipt.text)![1]!;
    expect(receipt.text).toContain('within 10 minutes');
    await trellis.tick();
    expect(messenger.sent).toHaveLength(0);
    clock.advance(301_000);
    await trellis.tick();
    expect(messenger.sent.map((s) => s.to)).toEqual(['U-CHRIS']);
    const note = messenger.sent[0]!.message;
    expect(note.text).toBe(`A new concern, ${ref}, from a member of Riverside.`);
    expect(JSON.stringify(note)).not.toContain('Decisions are made');
    const read = form(await open(chris, 'concern-friend-open', state.concerns[0]!.id));
    expect(read.thread!.turns.map((t) => t.author)).toEqual(['reporter']);
    expect(formText(read)).toContain('Decisions are made before meetings');
    expect(read.intro).toContain('from a member of the partnership');
    for (const s of [sam.displayName, sam.userId, 'City Council']) expect(JSON.stringify(read)).not.toContain(s);
  });

  it('spreads delivery over the configured window, and survives a restart', async () => {
    await say(alex, 'role Chris Evans critical-friend', channel);
    messenger.sent.length = 0; // Chris's own note of the appointment
    const delays: number[] = [];
    for (const r of [0, 0.25, 0.5, 0.75, 0.999]) {
      randomValue = r;
      state.concernQuotas.length = 0;
      await raise(sam);
      delays.push((Date.parse(state.concerns.at(-1)!.deliverAt!) - clock.now().getTime()) / 1000);
    }
    expect(delays).toEqual([0, 150, 300, 450, 600]);
    trellis = restart(); // a new process on the same data
    clock.advance(601_000);
    await trellis.tick();
    expect(state.concerns.every((c) => c.status === 'open' && !c.deliverAt)).toBe(true);
    expect(messenger.sent).toHaveLength(5);
  });

  it('refuses empty or oversized text, and more than the daily limit', async () => {
    await say(alex, 'role Chris Evans critical-friend', channel);
    expect((await raise(sam, { happening: '' })).fieldErrors?.happening).toContain('Say what is happening');
    expect((await raise(sam, { happening: 'x'.repeat(2001) })).fieldErrors?.happening).toContain('under 2000');
    expect((await raise(sam, { category: 'gossip' })).fieldErrors?.category).toBeDefined();
    expect(state.concerns).toHaveLength(0);
    for (let i = 0; i < 3; i++) expect((await raise(sam)).tone).toBe('success');
    expect((await raise(sam)).text).toContain('the most Trellis takes from one person in a day');
    expect(state.concerns).toHaveLength(3);
    clock.advance(24 * 3_600_000);
    expect((await raise(sam)).tone).toBe('success');
  });
});

describe('the conversation', () => {
  beforeEach(async () => {
    await say(alex, 'role Chris Evans critical-friend', channel);
    randomValue = 0;
    await raise(sam);
    await trellis.tick();
    messenger.sent.length = 0;
  });

  it("goes both ways under the pseudonym, with escalation only on the reporter's yes", async () => {
    const id = state.concerns[0]!.id;
    const f = form(await open(chris, 'concern-friend-open', id));
    expect(f.fields.map((x) => x.id)).toEqual(['reply', 'status', 'escalate']);
    expect(
      (await submitAs(chris, f, { reply: 'Thank you. Which meetings?', status: 'acknowledged', escalate: 'Agendas are set before meetings by two partners.' }))
        .tone,
    ).toBe('success');
    expect(messenger.sent.map((s) => s.to)).toEqual([sam.userId]);
    expect(messenger.sent[0]!.message.text).not.toContain('Which meetings');

    const mine = form(await open(sam, 'concern-reporter-open', id));
    expect(mine.thread!.turns.at(-1)).toMatchObject({ author: 'friend', label: 'Critical friend', text: 'Thank you. Which meetings?' });
    expect(mine.fields.map((x) => x.id)).toEqual(['reply', 'escalation', 'shared', 'close']);
    messenger.sent.length = 0;
    await submitAs(sam, mine, {
      reply: 'The steering group.',
      escalation: 'approve',
      shared: 'Agendas for the steering group are set beforehand.',
      close: 'open',
    });
    const toAlex = messenger.sent.filter((s) => s.to === alex.userId);
    expect(toAlex).toHaveLength(1);
    expect(toAlex[0]!.message.text).toContain('Agendas for the steering group are set beforehand.');
    expect(toAlex[0]!.message.text).toContain(state.concerns[0]!.pseudonym);
    expect(JSON.stringify(toAlex)).not.toMatch(/Sam|steering group\.$|Decisions are made/);
    expect(messenger.sent.filter((s) => s.to === chris.userId)).toHaveLength(1);

    await submitAs(chris, form(await open(chris, 'concern-friend-open', id)), { status: 'resolved' });
    await submitAs(sam, form(await open(sam, 'concern-reporter-open', id)), { close: 'close' });
    expect(state.concerns[0]!.status).toBe('closed');
    expect((await submitAs(sam, mine, { reply: 'One more thing' })).text).toContain('closed');
  });

  it('shares nothing with coordinators when the reporter declines', async () => {
    const id = state.concerns[0]!.id;
    await submitAs(chris, form(await open(chris, 'concern-friend-open', id)), { escalate: 'Share this?', status: 'open' });
    messenger.sent.length = 0;
    await submitAs(sam, form(await open(sam, 'concern-reporter-open', id)), { escalation: 'decline', shared: 'Share this?', close: 'open' });
    expect(messenger.sent.some((s) => s.to === alex.userId)).toBe(false);
    expect(opened()[0]!.escalation?.status).toBe('declined');
  });

  it('refuses the wrong people at every door', async () => {
    const id = state.concerns[0]!.id;
    for (const c of [alex, kim, sam]) expect(msg(await open(c, 'concern-friend-open', id)).text).toContain("isn't one you can open");
    for (const c of [alex, kim, chris]) expect(msg(await open(c, 'concern-reporter-open', id)).text).toContain("isn't one you can open");
    for (const text of ['concerns', 'concerns themes', 'concerns themes publish']) {
      expect(msg(await say(alex, text, channel)).text).toContain('only by the critical friend');
      expect(msg(await say(kim, text)).text).toContain('only by the critical friend');
    }
    expect(msg(await trellis.submit({ caller: kim, actionId: 'concern-reporter-submit', context: id, values: { reply: 'forged' } })).text).toContain(
      "isn't one you can open",
    );
    expect(JSON.stringify(state.concerns)).not.toContain('forged');
  });
});

describe('anonymity', () => {
  it('stores no trace of the reporter but the sealed relay; two concerns look unrelated', async () => {
    await say(alex, 'role Chris Evans critical-friend', channel);
    await raise(sam);
    await raise(sam, { organisation: 'yes' });
    const [a, b] = opened() as [Concern, Concern];
    const stored = JSON.stringify({ concerns: state.concerns, quotas: state.concernQuotas });
    const member = state.members.find((m) => m.userId === sam.userId)!;
    for (const s of [sam.userId, sam.displayName, member.id, 'teams']) expect(stored).not.toContain(s);
    expect(a.organisation).toBeUndefined();
    expect(b.organisation).toBe('City Council');
    expect(a.pseudonym).not.toBe(b.pseudonym);
    expect(a.relay).not.toBe(b.relay);
    expect(openRelay(SECRET, a.relay)).toEqual({
      platform: 'teams',
      workspace: '72f988bf-0000-41af-91ab-2d7cd011db47',
      userId: sam.userId,
      memberId: member.id,
    });
    expect(openRelay('some-other-secret-0123456789abcdefgh', a.relay)).toBeUndefined();
    const tampered = Buffer.from(a.relay, 'base64');
    tampered[tampered.length - 1]! ^= 1;
    expect(openRelay(SECRET, tampered.toString('base64'))).toBeUndefined();
    expect(sealRelay(SECRET, { platform: 'slack', workspace: 'T0001', userId: 'U1', memberId: 'm' })).not.toBe(
      sealRelay(SECRET, { platform: 'slack', workspace: 'T0001', userId: 'U1', memberId: 'm' }),
    );
  });
});

describe('themes', () => {
  const c = (category: ConcernHead['category'], month: string): ConcernHead => ({
    id: `${category}${month}${Math.random()}`,
    partnershipId: 'p',
    pseudonym: 'C-AAAA',
    category,
    mayAskToEscalate: false,
    status: 'open',
    month,
    threshold: 5,
    relay: 'x',
  });

  it('counts by category per month or quarter, merging small ones so none points to a person', () => {
    const all = [
      ...Array.from({ length: 5 }, () => c('power', '2026-10')),
      c('roles', '2026-10'),
      c('roles', '2026-10'),
      ...Array.from({ length: 3 }, () => c('communication', '2026-11')),
    ];
    expect(themeLines(all, 'month', { threshold: 5 })).toEqual([
      'Nov 2026: Some, too few to show without pointing to people',
      'Oct 2026: Perceived power differences: 5 · A few more, too few to show without pointing to people',
    ]);
    expect(
      themeLines(
        all.map((c) => ({ ...c, threshold: 3 })),
        'quarter',
        { threshold: 3 },
      ),
    ).toEqual(['Q4 2026: Perceived power differences: 5 · Communication failures: 3 · A few more, too few to show without pointing to people']);
  });

  it('publishes themes to the home channel, and sends the critical friend a monthly digest of waiting conversations', async () => {
    await say(alex, 'role Chris Evans critical-friend', channel);
    await say(alex, 'set threshold 3', channel);
    randomValue = 0;
    for (let i = 0; i < 3; i++) {
      state.concernQuotas.length = 0;
      await raise(sam);
    }
    await trellis.tick();
    expect(msg(await say(chris, 'concerns themes')).items).toEqual(['Nov 2026: Perceived power differences: 3']);
    expect(msg(await say(chris, 'concerns themes publish')).text).toContain('Published');
    expect(messenger.posted.at(-1)!.message.items).toEqual(['Nov 2026: Perceived power differences: 3']);
    messenger.sent.length = 0;
    clock.set('2026-12-01T09:00:00Z');
    await trellis.tick();
    await trellis.tick();
    const digest = messenger.sent.filter((s) => s.message.title?.includes('concerns this month'));
    expect(digest.map((d) => d.to)).toEqual(['U-CHRIS']);
    expect(digest[0]!.message.items).toHaveLength(3);
  });
});
