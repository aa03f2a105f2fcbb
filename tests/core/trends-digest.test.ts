// Digests, alerts, trends commands and signed links, through the core's front door.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Trellis } from '../../src/core/trellis.js';
import { isForm, type Message } from '../../src/core/message.js';
import type { Caller, Place } from '../../src/core/request.js';
import type { State } from '../../src/store/state-schema.js';
import { signLink, verifyLink } from '../../src/core/trends/links.js';
import { coreTrellis } from '../helpers/core-trellis.js';
import type { FakeClock } from '../helpers/fake-clock.js';
import type { FakeMessenger } from '../helpers/fake-messenger.js';

const SECRET = 'digest-test-secret-0123456789abcdef012';
const people: Caller[] = [
  { platform: 'slack', workspace: 'T0001', userId: 'U-ALEX', displayName: 'Alex Morgan' },
  { platform: 'slack', workspace: 'T0001', userId: 'U-KIM', displayName: 'Kim Osei' },
  { platform: 'teams', workspace: '72f988bf-0000-41af-91ab-2d7cd011db47', userId: '29:sam', displayName: 'Sam Patel' },
];
const [alex, kim, sam] = people as [Caller, Caller, Caller];
const chris: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-CHRIS', displayName: 'Chris Evans' };
const channel: Place = { conversationId: 'C1', kind: 'channel', label: '#riverside' };
const dm: Place = { conversationId: 'D1', kind: 'personal' };

let state: State;
let trellis: Trellis;
let clock: FakeClock;
let messenger: FakeMessenger;
const say = async (c: Caller, text: string, place: Place = channel) => (await trellis.command({ caller: c, place, text })) as Message;

/** Opens a round, each person answers every statement with their value, then it closes. */
async function round(values: Record<string, string>, comments: Record<string, string> = {}) {
  await say(alex, 'survey now for 1d');
  const id = state.rounds.at(-1)!.id;
  for (const c of people) {
    if (!values[c.userId]) continue;
    const r = await trellis.action({ caller: c, place: dm, actionId: 'survey-open', value: id });
    if (!isForm(r)) throw new Error(r.text);
    const answers = Object.fromEntries(r.form.fields.filter((f) => f.kind === 'choice').map((f) => [f.id, values[c.userId]!]));
    await trellis.submit({
      caller: c,
      actionId: 'survey-submit',
      context: id,
      values: { ...answers, ...(comments[c.userId] ? { comment: comments[c.userId] } : {}) },
    });
  }
  clock.advance(3_600_000);
  await say(alex, `survey close ${state.rounds.at(-1)!.number}`);
}

beforeEach(async () => {
  ({ state, clock, messenger, trellis } = coreTrellis('2026-11-23T09:00:00Z', { secret: SECRET, publicUrl: () => 'https://trellis.example.org' }));
  await say(alex, 'setup Riverside');
  await say(alex, 'org add City Council public');
  await say(alex, 'org add Hope Trust voluntary');
  await say(alex, 'set threshold 3');
  const code = state.partnerships[0]!.inviteCode;
  await say(alex, `join ${code} City Council`, dm);
  await say(kim, `join ${code} City Council`, dm);
  await say(sam, `join ${code} Hope Trust`, dm);
  await say(chris, `join ${code} independent`, dm);
  await say(alex, 'role Chris Evans critical-friend');
});

describe('digest after a round closes', () => {
  it('posts figures, participation, comments and a question to the home channel, with a chart', async () => {
    await round({ 'U-ALEX': '4', 'U-KIM': '5', '29:sam': '5' }, { '29:sam': 'Handovers work well now' });
    const digest = messenger.posted.at(-1)!;
    expect(digest).toMatchObject({ platform: 'slack', workspace: 'T0001', conversationId: 'C1' });
    const m = digest.message;
    expect(m.title).toBe('Riverside: check-in #1 results');
    expect(m.text).toContain('*Trust 91.7 — the first reading*');
    expect(m.text).toContain('Participation: 3 of 3 (100%).');
    expect(m.text).toMatch(/To discuss at your next meeting: .+\?/);
    expect(m.items).toEqual(['“Handovers work well now”']);
    expect(m.chart?.series.map((s) => s.name)).toEqual(['Trust', 'Commitment']);
    for (const p of [...people, chris]) expect(JSON.stringify(m)).not.toContain(p.displayName);
    expect(JSON.stringify(m)).not.toMatch(/Hope Trust|City Council/);
  });

  it('reports a notable drop in plain words, without interval figures, and alerts the coordinator and critical friend privately', async () => {
    await round({ 'U-ALEX': '4', 'U-KIM': '5', '29:sam': '5' });
    messenger.sent.length = 0;
    await round({ 'U-ALEX': '1', 'U-KIM': '2', '29:sam': '1' });
    const m = messenger.posted.at(-1)!.message;
    expect(m.text).toContain('*Trust fell clearly, from 91.7 to 8.3 since #1 — more than chance would explain*');
    expect(m.text).not.toMatch(/interval|−116/);
    const alerts = messenger.sent.filter((s) => s.message.title === 'Trellis alert: Riverside');
    expect(alerts.map((a) => a.to).sort()).toEqual(['U-ALEX', 'U-CHRIS']);
    expect(alerts[0]!.message.text).toContain('Trust fell clearly, from 91.7 to 8.3 — more than chance would explain.');
    expect(alerts[0]!.message.text).toContain('below your floor of 50');
  });

  it('never cuts a comment without a way to read it whole: "Read all comments" shows every one, privately, to members only', async () => {
    const long = `${'The referral form asks for the same details three times. '.repeat(8)}The end.`;
    await round({ 'U-ALEX': '4', 'U-KIM': '5', '29:sam': '5' }, { '29:sam': long, 'U-KIM': 'Short and sweet' });
    const m = messenger.posted.at(-1)!.message;
    expect(m.items!.some((i) => i.endsWith('…”') && !i.includes('The end.'))).toBe(true);
    const read = m.buttons!.find((b) => b.label === 'Read all comments')!;
    expect(read).toBeDefined();
    const all = (await trellis.action({ caller: kim, place: dm, actionId: read.actionId, value: read.value })) as Message;
    expect(all.audience).toBe('caller');
    expect(all.text).toContain(`“${long}”`);
    expect(all.text).toContain('“Short and sweet”');
    expect(JSON.stringify(all)).not.toMatch(/Hope Trust|City Council|Kim|Sam/);
    const outsider: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-OUT', displayName: 'Olly Out' };
    const refused = (await trellis.action({ caller: outsider, place: dm, actionId: read.actionId, value: read.value })) as Message;
    expect(refused.tone).toBe('error');
    expect(JSON.stringify(refused)).not.toContain('Short and sweet');
  });

  it('offers no "Read all comments" when nothing was cut, and shows none of a round under the threshold', async () => {
    await round({ 'U-ALEX': '4', 'U-KIM': '5', '29:sam': '5' }, { 'U-KIM': 'Fine' });
    expect(messenger.posted.at(-1)!.message.buttons!.map((b) => b.label)).toEqual(['Trends']);
    await round({ 'U-ALEX': '4', 'U-KIM': '5' }, { 'U-KIM': 'Only two of us answered' });
    const small = state.rounds.at(-1)!;
    const tried = (await trellis.action({ caller: kim, place: dm, actionId: 'read-comments', value: `${small.id}:0` })) as Message;
    expect(tried.text).toContain('Fewer than 3 people answered check-in #2');
    expect(JSON.stringify(tried)).not.toContain('Only two of us');
  });

  it('shows no figures, and no comments, when fewer than the threshold answered', async () => {
    await round({ 'U-ALEX': '4', 'U-KIM': '5' }, { 'U-KIM': 'Only two of us answered' });
    const m = messenger.posted.at(-1)!.message;
    expect(m.text).toContain('Fewer than 3 people answered, so no results are shown');
    expect(JSON.stringify(m)).not.toContain('Only two of us');
    expect(m.chart).toBeUndefined();
    expect(messenger.sent.some((s) => s.message.title?.startsWith('Trellis alert'))).toBe(false);
  });
});

describe('trends commands', () => {
  it("adds, while the next check-in is open, when it closes in the partnership's time", async () => {
    await round({ 'U-ALEX': '4', 'U-KIM': '5', '29:sam': '5' });
    expect((await say(kim, 'trends', dm)).text).not.toContain('is open until');
    await say(alex, 'survey now for 1d');
    const summary = await say(kim, 'trends', dm);
    expect(summary.text).toContain('Trust 91.7');
    expect(summary.text).toContain('Check-in #2 is open until 24 Nov 2026, 10:00 (Europe/London time); its results come when it closes.');
  });

  it('summarises for members, details one factor, and refuses members the breakdowns and links', async () => {
    expect((await say(kim, 'trends', dm)).text).toContain('No check-in has closed yet');
    await round({ 'U-ALEX': '4', 'U-KIM': '5', '29:sam': '5' });
    const summary = await say(kim, 'trends', dm);
    expect(summary.text).toContain('Trust 91.7 — the first reading');
    expect(summary.chart).toBeDefined();
    const detail = await say(kim, 'trends trust', dm);
    expect(detail.fields).toContainEqual({ label: 'People who agree, on the whole', value: '3' });
    expect((await say(kim, 'trends nonsense', dm)).text).toContain('"nonsense" is not a factor');
    for (const text of ['trends by sector', 'export', 'dashboard', 'trends settings floor 40'])
      expect((await say(kim, text, dm)).text).toContain('Only coordinators');
  });

  it('breaks down by sector, hiding the small group and whatever would reveal it', async () => {
    await round({ 'U-ALEX': '4', 'U-KIM': '5', '29:sam': '2' });
    const items = (await say(alex, 'trends by sector')).items!;
    // 3 answered: 2 public, 1 voluntary — the voluntary one must not be recoverable, so public hides too.
    expect(items[0]).toBe('Trust by sector: public — · voluntary —');
  });

  it('gives coordinators signed links that expire', async () => {
    const reply = await say(alex, 'dashboard');
    const url = /https:\/\/trellis\.example\.org\/dashboard\/(\S+)/.exec(reply.text)!;
    const token = url[1]!;
    expect(verifyLink(SECRET, token, 'dashboard', clock.now())).toMatchObject({ ok: true, partnershipId: state.partnerships[0]!.id });
    expect(verifyLink(SECRET, token, 'export', clock.now())).toMatchObject({ ok: false, status: 403 });
    expect(verifyLink('another-secret-entirely-0123456789ab', token, 'dashboard', clock.now())).toMatchObject({ ok: false, status: 403 });
    expect(verifyLink(SECRET, `${token.slice(0, -2)}xx`, 'dashboard', clock.now())).toMatchObject({ ok: false, status: 403 });
    expect(verifyLink(SECRET, token, 'dashboard', new Date(clock.now().getTime() + 25 * 3_600_000))).toMatchObject({ ok: false, status: 410 });
    expect(verifyLink(SECRET, signLink(SECRET, { partnershipId: 'p', memberId: 'm', generation: 0 }, 'export', clock.now()), 'export', clock.now()).ok).toBe(
      true,
    );
  });

  it('changes the alert settings and validates them', async () => {
    expect((await say(alex, 'trends settings notable 15 floor 40')).text).toContain('A change of 15 points');
    expect(state.partnerships[0]!.alerts).toEqual({ notablePoints: 15, floor: 40 });
    expect((await say(alex, 'trends settings floor 140')).tone).toBe('error');
  });
});
