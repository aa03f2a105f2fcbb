// Moving roles never opens a concern, and nothing counts one person's
// concerns together — tried through the playground's HTTP API as an attacker
// would: a coordinator who makes a second coordinator, who makes the first
// critical friend; a newly named critical friend reaching for earlier
// concerns; a removed one reaching back; an operator reading the quota records.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Button, Form, Message } from '../src/core/message.js';
import type { ConcernQuota } from '../src/core/model.js';
import { FRIEND_OPEN, REPORTER_OPEN } from '../src/core/concerns/concern-forms.js';
import { openConcern } from '../src/core/concerns/concern-seal.js';
import { fakeClock } from './helpers/fake-clock.js';
import { startTrellis, TEST_SECRET, type TestTrellis } from './helpers/start-trellis.js';
import { formText } from './helpers/form-text.js';

type Persona = 'alex' | 'sam' | 'dana' | 'jo' | 'priya' | 'chris';
type Answer = { reply?: Message; form?: Form };
type InboxMessage = { id: string; message: Message };

const clock = fakeClock('2026-11-23T09:00:00Z');
let t: TestTrellis;
let pid = '';

const post = async (path: string, body: unknown): Promise<Answer> => {
  const res = await fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return (await res.json()) as Answer;
};
const say = async (persona: Persona, text: string, where: 'channel' | 'personal' = 'personal') =>
  (await post('/playground/command', { persona, text, where })).reply!;
const act = (persona: Persona, actionId: string, value: string) => post('/playground/action', { persona, actionId, value, where: 'personal' });
const submit = async (persona: Persona, form: Form, values: Record<string, string>) =>
  (await post('/playground/submit', { persona, actionId: form.submitActionId, context: form.context, values })).reply!;
const inbox = async (persona: Persona) =>
  ((await (await fetch(`${t.url}/playground/inbox?persona=${persona}`)).json()) as { messages: InboxMessage[] }).messages;
const room = async () => ((await (await fetch(`${t.url}/playground/room`)).json()) as { messages: { message: Message }[] }).messages.map((m) => m.message);
const counts = async () =>
  Object.fromEntries(await Promise.all((['alex', 'sam', 'dana', 'jo', 'chris'] as const).map(async (p) => [p, (await inbox(p)).length]))) as Record<
    Persona,
    number
  >;

async function raise(text: string): Promise<string> {
  const form = (await post('/playground/command', { persona: 'sam', text: 'concern', where: 'personal' })).form!;
  const sent = await submit('sam', form, { category: 'power', happening: text, help: '', organisation: 'no', consent: 'no' });
  expect(sent.tone).toBe('success');
  await t.tick();
  const ref = /\*(C-[A-Z0-9]{4})\*/.exec(sent.text)![1]!;
  return (await t.store.concerns(pid)).find((c) => c.pseudonym === ref)!.id;
}
const canOpen = async (persona: Persona, id: string) => (await act(persona, FRIEND_OPEN, id)).form !== undefined;
const readers = async (id: string) => openConcern(TEST_SECRET, (await t.store.concern(id))!)!.friendIds;
const memberId = async (persona: Persona) => (await t.store.membershipsOf({ platform: 'playground', workspace: 'playground', userId: `pg-${persona}` }))[0]!.id;

beforeAll(async () => {
  t = await startTrellis({ TRELLIS_CONCERN_DELAY_MAX_SECONDS: '0' }, { clock });
  const created = await say('alex', 'setup Riverside', 'channel');
  const code = /Invite code: \*([A-Z0-9]{4}-[A-Z0-9]{4})\*/.exec(created.text)![1]!;
  for (const p of ['sam', 'jo', 'dana', 'chris'] as const) expect((await say(p, `join ${code} independent`)).tone).toBe('success');
  pid = (await t.store.partnerships())[0]!.id;
});
afterAll(async () => {
  await t?.close();
});

describe('moving roles never opens a concern', () => {
  let early = '';
  let second = '';

  it('naming a critical friend is announced in the home room; the concern raised then is addressed to them', async () => {
    expect((await say('alex', 'role Chris Evans critical-friend', 'channel')).tone).toBe('success');
    await t.drain();
    expect((await room()).at(-1)!.text).toContain('Chris Evans is now a critical friend of Riverside (named by Alex Morgan)');
    early = await raise('Budget decisions are taken before the meeting: marker-early-1001');
    second = await raise('Minutes are rewritten afterwards: marker-second-1002');
    expect(await readers(early)).toEqual([await memberId('chris')]);
    expect(await canOpen('chris', early)).toBe(true);
  });

  it('refuses a coordinator as critical friend, and anyone who ever was one (the two-coordinator swap)', async () => {
    expect((await say('alex', 'role Jo Williams coordinator', 'channel')).tone).toBe('success');
    const swap = await say('jo', 'role Alex Morgan critical-friend', 'channel');
    expect(swap).toMatchObject({ tone: 'error', text: expect.stringContaining('is or has been a coordinator of Riverside') });
    // Stepping down first does not wash it out.
    expect((await say('jo', 'role Alex Morgan member', 'channel')).tone).toBe('success');
    expect((await say('jo', 'role Alex Morgan critical-friend', 'channel')).tone).toBe('error');
    expect((await t.store.membershipsOf({ platform: 'playground', workspace: 'playground', userId: 'pg-alex' }))[0]).toMatchObject({
      role: 'member',
      wasCoordinator: true,
    });
    expect(await canOpen('alex', early)).toBe(false);
    expect(await canOpen('jo', early)).toBe(false);
  });

  it('a newly named critical friend reads nothing raised before them; the friend in place is told privately', async () => {
    const before = await counts();
    expect((await say('jo', 'role Dana Brooks critical-friend', 'channel')).tone).toBe('success');
    await t.drain();
    expect((await room()).at(-1)!.text).toContain('Dana Brooks is now a critical friend of Riverside (named by Jo Williams)');
    const toChris = (await inbox('chris')).slice(before.chris);
    expect(toChris.map((m) => m.message.text)).toEqual([expect.stringContaining('Dana Brooks is now a critical friend')]);
    expect(await canOpen('dana', early)).toBe(false);
    expect((await act('dana', FRIEND_OPEN, early)).reply!.text).toContain("isn't one you can open");
    expect((await say('dana', 'concerns')).text).toBe('No open concerns.');
    // Themes (categories and months only) still count every concern.
    expect((await say('dana', 'concerns themes')).items!.join(' ')).toMatch(/Nov 2026/);
  });

  it('removing a critical friend is announced, takes them off every concern, and asks the reporter privately (content-free)', async () => {
    const before = await counts();
    expect((await say('jo', 'role Chris Evans member', 'channel')).tone).toBe('success');
    await t.drain();
    expect((await room()).at(-1)!.text).toContain('Chris Evans is no longer a critical friend of Riverside (changed by Jo Williams)');
    for (const p of ['chris', 'dana'] as const)
      expect((await inbox(p)).slice(before[p]).map((m) => m.message.text)).toEqual([
        expect.stringContaining('Chris Evans is no longer a critical friend'),
        // Chris alone is also told of the role now held (commands/members.ts).
        ...(p === 'chris' ? [expect.stringContaining('You are now a member of Riverside (changed by Jo Williams')] : []),
      ]);
    expect(await canOpen('chris', early)).toBe(false);
    expect(await readers(early)).toEqual([]);

    const pings = (await inbox('sam')).slice(before.sam);
    expect(pings).toHaveLength(2);
    for (const p of pings) {
      expect(p.message.text).toContain('has left the role; nobody reads it now');
      expect(JSON.stringify(p)).not.toContain('marker-');
      expect(p.message.buttons!.map((b: Button) => b.actionId)).toEqual([REPORTER_OPEN]);
    }
    // Made critical friend again, Chris still reads none of them: only the reporter's yes hands one on.
    expect((await say('jo', 'role Chris Evans critical-friend', 'channel')).tone).toBe('success');
    expect(await canOpen('chris', early)).toBe(false);
    expect((await say('jo', 'role Chris Evans member', 'channel')).tone).toBe('success');
  });

  const handTo = (view: Form, name: string) =>
    (view.fields.find((f) => f.id === 'handover') as { options: { value: string; label: string }[] }).options.find((o) => o.label.includes(name))!.value;

  it('a handover goes only to the critical friend the reporter chose: one appointed after the form was opened gets nothing', async () => {
    const view = (await act('sam', REPORTER_OPEN, early)).form!;
    const toDana = handTo(view, 'Dana Brooks');
    // Between opening the form and sending it, Dana is replaced by Chris.
    expect((await say('jo', 'role Dana Brooks member', 'channel')).tone).toBe('success');
    expect((await say('jo', 'role Chris Evans critical-friend', 'channel')).tone).toBe('success');
    const refused = await submit('sam', view, { reply: '', handover: toDana });
    expect(refused.tone).toBe('error');
    expect(refused.text).toContain('no longer in the role');
    expect(await readers(early)).toEqual([]);
    expect(await canOpen('chris', early)).toBe(false);
    // Back as it was, for the next test.
    expect((await say('jo', 'role Chris Evans member', 'channel')).tone).toBe('success');
    expect((await say('jo', 'role Dana Brooks critical-friend', 'channel')).tone).toBe('success');
  });

  it('the reporter hands one conversation to the critical friend now in place, and closes the other', async () => {
    const view = (await act('sam', REPORTER_OPEN, early)).form!;
    const before = await counts();
    expect((await submit('sam', view, { reply: '', handover: handTo(view, 'Dana Brooks') })).text).toBe('Sent to the critical friend.');
    await t.drain();
    expect((await inbox('dana')).slice(before.dana).map((m) => m.message.text)).toEqual([expect.stringContaining('handed the conversation to you')]);
    const read = (await act('dana', FRIEND_OPEN, early)).form!;
    expect(formText(read)).toContain('marker-early-1001');

    const other = (await act('sam', REPORTER_OPEN, second)).form!;
    await submit('sam', other, { reply: '', handover: 'close' });
    expect((await t.store.concern(second))!.status).toBe('closed');
    expect(await canOpen('dana', second)).toBe(false);
  });
});

describe("nothing counts one person's concerns together", () => {
  const day = '2026-11-24';
  const hash = (text: string) => createHmac('sha256', TEST_SECRET).update(text).digest('hex');

  it('keeps one record per concern, none holding a count, and still takes no more than the daily limit', async () => {
    clock.set(`${day}T09:00:00Z`);
    const quotas = async () => (JSON.parse(await t.data()) as { concernQuotas: ConcernQuota[] }).concernQuotas;
    const before = (await quotas()).length;
    await raise('One: marker-q-1');
    await raise('Two: marker-q-2');
    const added = (await quotas()).slice(before);
    expect(added).toHaveLength(2);
    for (const q of added) expect(q.count ?? 1).toBe(1);
    expect(new Set(added.map((q) => q.key)).size).toBe(2);
    await raise('Three: marker-q-3');
    const form = (await post('/playground/command', { persona: 'sam', text: 'concern', where: 'personal' })).form!;
    expect((await submit('sam', form, { category: 'power', happening: 'Four', help: '', organisation: 'no', consent: 'no' })).text).toContain(
      'You have raised 3 concerns today',
    );
  });

  it('honours a count record from before slots for its day', async () => {
    clock.set('2026-11-25T09:00:00Z');
    await t.store.saveConcernQuota({ key: hash(`concern-quota\u0000${await memberId('sam')}\u00002026-11-25`), count: 2 });
    await raise('One more: marker-q-4');
    const form = (await post('/playground/command', { persona: 'sam', text: 'concern', where: 'personal' })).form!;
    expect((await submit('sam', form, { category: 'power', happening: 'Too many', help: '', organisation: 'no', consent: 'no' })).text).toContain(
      'You have raised 3 concerns today',
    );
  });
});
