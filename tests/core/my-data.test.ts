// `my data` through the core's front door: each person sees exactly what is
// theirs — their own answers, their own concerns — and nobody else's, and the
// file's link opens only while it lasts and only for the one it was made for.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Trellis } from '../../src/core/trellis.js';
import { isForm, type Form, type Message, type Reply } from '../../src/core/message.js';
import type { Caller, Place } from '../../src/core/request.js';
import type { State } from '../../src/store/state-schema.js';
import { emailUserId, EMAIL_WORKSPACE } from '../../src/core/email-identity.js';
import { coreTrellis } from '../helpers/core-trellis.js';
import type { FakeClock } from '../helpers/fake-clock.js';

const SECRET = 'my-data-test-secret-0123456789abcdef012';
const alex: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-ALEX', displayName: 'Alex Morgan' };
const sam: Caller = { platform: 'teams', workspace: '72f988bf-0000-41af-91ab-2d7cd011db47', userId: '29:sam', displayName: 'Sam Patel' };
const kim: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-KIM', displayName: 'Kim Osei' };
const chris: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-CHRIS', displayName: 'Chris Evans' };
const stranger: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-NOBODY', displayName: 'Nobody' };
const jo: Caller = { platform: 'email', workspace: EMAIL_WORKSPACE, userId: emailUserId(SECRET, 'jo.smith@example.org'), displayName: 'Jo Smith' };
const channel: Place = { conversationId: 'C1', kind: 'channel', label: '#riverside' };
const dm: Place = { conversationId: 'D1', kind: 'personal' };

let state: State;
let trellis: Trellis;
let clock: FakeClock;

const msg = (r: Reply) => {
  if (isForm(r)) throw new Error('expected a message');
  return r as Message;
};
const say = async (caller: Caller, text: string, place: Place = dm) => msg(await trellis.command({ caller, place, text }));
const openForm = async (caller: Caller, actionId: string, value: string): Promise<Form> => {
  const r = await trellis.action({ caller, place: dm, actionId, value });
  if (!isForm(r)) throw new Error(`expected a form, got: ${r.text}`);
  return r.form;
};
const answer = async (caller: Caller, value: string, comment: string) => {
  const id = state.rounds.at(-1)!.id;
  const f = await openForm(caller, 'survey-open', id);
  const values = Object.fromEntries(f.fields.filter((x) => x.kind === 'choice').map((x) => [x.id, value]));
  return trellis.submit({ caller, actionId: 'survey-submit', context: id, values: { ...values, comment } });
};
const raise = async (caller: Caller, happening: string) => {
  const r = await trellis.command({ caller, place: dm, text: 'concern' });
  if (!isForm(r)) throw new Error(`expected a form: ${r.text}`);
  const f = r.form;
  const values = { category: 'power', happening, help: '', organisation: 'no', consent: 'yes' };
  return msg(await trellis.submit({ caller, actionId: f.submitActionId, context: f.context, values }));
};
/** The private view as one string, and the token of its link. */
const mine = async (caller: Caller) => {
  const m = await say(caller, 'my data');
  const token = /\/my-data\/(\S+)$/m.exec(m.text)?.[1];
  return { m, all: [m.text, ...(m.items ?? [])].join('\n'), token };
};
const file = async (token: string) => {
  const r = await trellis.myDataFile(token);
  if (!r.ok) throw new Error(r.message);
  return r.data;
};

beforeEach(async () => {
  ({ state, clock, trellis } = coreTrellis('2026-11-23T09:00:00Z', { secret: SECRET, random: () => 0 }));
  await say(alex, 'setup Riverside', channel);
  await say(alex, 'org add City Council public', channel);
  await say(alex, 'org add Hope Trust voluntary', channel);
  const code = state.partnerships[0]!.inviteCode;
  await say(alex, `join ${code} City Council`);
  await say(sam, `join ${code} Hope Trust`);
  await say(kim, `join ${code} City Council`);
  await say(chris, `join ${code} independent`);
  await say(alex, 'role Chris Evans critical-friend', channel);
  await say(alex, 'survey now', channel);
  // Alex and Sam answer differently; Kim does not answer.
  expect(msg(await answer(alex, '5', 'alex-comment-meetings')).tone).toBe('success');
  expect(msg(await answer(sam, '2', 'sam-comment-budget')).tone).toBe('success');
  expect((await raise(sam, 'sam-concern-agendas')).tone).toBe('success');
  expect((await raise(kim, 'kim-concern-power')).tone).toBe('success');
  await trellis.settled();
});

describe('my data', () => {
  it('shows each person exactly their own answers, and a person who did not answer none', async () => {
    const a = await mine(alex);
    expect(a.m.title).toBe('Your data');
    expect(a.all).toContain('Riverside: coordinator of City Council (public), as Alex Morgan');
    expect(a.all).toContain('Check-in #1');
    expect(a.all).toContain('Strongly agree');
    expect(a.all).toContain('alex-comment-meetings');
    for (const theirs of ['Disagree', 'sam-comment-budget', 'sam-concern', 'kim-concern']) expect(a.all).not.toContain(theirs);

    const s = await mine(sam);
    expect(s.all).toContain('Riverside: member of Hope Trust (voluntary), as Sam Patel');
    expect(s.all).toContain('Disagree');
    expect(s.all).toContain('sam-comment-budget');
    for (const theirs of ['Strongly agree', 'alex-comment', 'kim-concern']) expect(s.all).not.toContain(theirs);

    const k = await mine(kim);
    expect(k.all).toContain('Check-in #1');
    expect(k.all).toContain('you were asked and did not answer');
    for (const theirs of ['Strongly agree', 'Disagree', 'alex-comment', 'sam-comment', 'sam-concern']) expect(k.all).not.toContain(theirs);
  });

  it("gives, in the file, each person's own answers and concerns only, with their words", async () => {
    const sams = await file((await mine(sam)).token!);
    expect(sams.memberships).toHaveLength(1);
    const r = sams.memberships[0]!;
    expect(r).toMatchObject({ partnership: 'Riverside', role: 'member', organisation: { name: 'Hope Trust', sector: 'voluntary' } });
    expect(r.checkIns).toHaveLength(1);
    expect(r.checkIns[0]).toMatchObject({ what: 'Check-in #1', invited: true, answered: true, comment: 'sam-comment-budget' });
    expect(r.checkIns[0]!.answers!.length).toBeGreaterThan(0);
    expect(r.checkIns[0]!.answers!.every((x) => x.answer === 'Disagree')).toBe(true);
    expect(r.concerns).toHaveLength(1);
    expect(r.concerns[0]!.messages).toEqual([expect.objectContaining({ from: 'you', text: 'sam-concern-agendas' })]);
    expect(JSON.stringify(sams)).not.toMatch(/kim-concern|alex-comment|Strongly agree/);

    const kims = await file((await mine(kim)).token!);
    expect(kims.memberships[0]!.checkIns[0]).toEqual(expect.objectContaining({ invited: true, answered: false }));
    expect(kims.memberships[0]!.checkIns[0]!.answers).toBeUndefined();
    expect(kims.memberships[0]!.concerns.map((c) => c.messages[0]!.text)).toEqual(['kim-concern-power']);

    // The critical friend holds others' concerns to read, but none of them is theirs.
    const chriss = await file((await mine(chris)).token!);
    expect(chriss.memberships[0]!.concerns).toEqual([]);
    expect(JSON.stringify(chriss)).not.toMatch(/concern-agendas|concern-power/);
  });

  it("shows a party its own answers to a protocol's review, and one not asked no review", async () => {
    const f = await trellis.command({ caller: alex, place: channel, text: 'protocol add' });
    if (!isForm(f)) throw new Error(`expected a form: ${f.text}`);
    const hope = state.organisations.find((o) => o.name === 'Hope Trust')!.id;
    const owner = state.members.find((m) => m.userId === sam.userId)!.id;
    const values = {
      title: 'Referral procedure',
      kind: 'protocol',
      purpose: 'How partners refer people',
      parties: hope,
      owner,
      link: '',
      cycle: '6',
      next: '2027-01-31',
    };
    expect(msg(await trellis.submit({ caller: alex, actionId: f.form.submitActionId, context: f.form.context, values })).tone).toBe('success');
    expect((await say(alex, 'review start P-1', channel)).tone).toBe('success');
    const protocol = state.protocols[0]!;
    const opened = await openForm(sam, 'review-open', `${protocol.id}:${protocol.reviews[0]!.id}`);
    const scale = Object.fromEntries(opened.fields.filter((x) => x.kind === 'choice' && x.id !== 'review-recommendation').map((x) => [x.id, '3']));
    const submitted = await trellis.submit({
      caller: sam,
      actionId: opened.submitActionId,
      context: opened.context,
      values: { ...scale, 'review-recommendation': 'revised', comment: 'sam-review-comment' },
    });
    expect(msg(submitted).tone).toBe('success');

    const [review] = (await file((await mine(sam)).token!)).memberships[0]!.reviews;
    expect(review).toMatchObject({ what: 'Review of P-1 (Referral procedure)', invited: true, answered: true, comment: 'sam-review-comment' });
    expect(review!.answers).toContainEqual({ statement: 'Should it be kept as it is, revised or retired?', answer: 'Revise it' });
    expect(review!.answers).toContainEqual({ statement: 'Its procedures work in practice.', answer: 'Neither agree nor disagree' });
    expect((await file((await mine(alex)).token!)).memberships[0]!.reviews).toEqual([]);
    expect((await mine(alex)).all).not.toContain('sam-review-comment');
  });

  it('shows an email member their own address, opened from its seal', async () => {
    await say(alex, 'member add Jo.Smith@example.org Hope Trust', channel);
    const j = await mine(jo);
    expect(j.all).toContain('Your email address: jo.smith@example.org');
    expect((await file(j.token!)).email).toBe('jo.smith@example.org');
    expect((await mine(sam)).all).not.toContain('jo.smith');
  });

  it('answers in a shared channel only with where to ask, and someone in no partnership that nothing is held', async () => {
    const shared = await say(sam, 'my data', channel);
    expect(shared.text).toContain('only in a private chat');
    expect(shared.items).toBeUndefined();
    expect(JSON.stringify(shared)).not.toMatch(/Disagree|sam-comment|my-data\//);
    const none = await say(stranger, 'my data');
    expect(none.text).toContain('Trellis holds nothing about you');
    expect(none.text).not.toContain('/my-data/');
  });

  it('refuses words after it, changing nothing', async () => {
    const before = JSON.stringify(state);
    const r = await say(sam, 'my data please');
    expect(r.tone).toBe('error');
    expect(r.text).toContain('Type `my data`');
    expect(JSON.stringify(state)).toBe(before);
  });

  it("opens the file for an hour, for its holder only: expired, forged or another purpose's links are refused", async () => {
    const { token } = await mine(sam);
    expect((await trellis.myDataFile(token!)).ok).toBe(true);
    const [body, sig] = token!.split('.');
    expect(await trellis.myDataFile(`${body}.${sig!.slice(0, -2)}xx`)).toMatchObject({ ok: false, status: 403 });
    expect(await trellis.myDataFile('nonsense')).toMatchObject({ ok: false, status: 403 });
    // A dashboard link (Alex coordinates) opens no one's data.
    const dash = /\/dashboard\/(\S+)$/m.exec((await say(alex, 'dashboard', channel)).text)![1]!;
    expect(await trellis.myDataFile(dash)).toMatchObject({ ok: false, status: 403 });
    clock.advance(60 * 60_000 + 1_000);
    expect(await trellis.myDataFile(token!)).toMatchObject({ ok: false, status: 410 });
  });
});
