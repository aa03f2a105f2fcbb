// The playground's own state over HTTP: people added on the page, the inbox
// kept across a restart (and never holding a concern's words), concerns
// delivered at once in playground mode, and the demo's refusal.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Form, Message } from '../src/core/message.js';
import { INBOX_FILE, type InboxMessage } from '../src/adapters/playground/playground-inbox.js';
import { PEOPLE_FILE } from '../src/adapters/playground/playground-personas.js';
import { fakeClock } from './helpers/fake-clock.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';

type Where = 'channel' | 'personal';
const HAPPENING = 'Referrals to the hub vanish without trace since October';
const FRIEND_REPLY = 'Thanks for telling me about the vanishing referrals';

let t: TestTrellis;
let restarted: TestTrellis | undefined;
let code: string;
const clock = fakeClock('2026-11-23T09:00:00Z');

const post = (path: string, body: unknown, base = t.url) =>
  fetch(`${base}/playground${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
async function command(persona: string, text: string, where: Where = 'channel', base = t.url): Promise<{ reply?: Message; form?: Form }> {
  const res = await post('/command', { persona, text, where }, base);
  expect(res.status).toBe(200);
  return (await res.json()) as { reply?: Message; form?: Form };
}
const say = async (persona: string, text: string, where: Where = 'channel') => (await command(persona, text, where)).reply!;
async function submit(persona: string, form: Form, values: Record<string, string>): Promise<Message> {
  const res = await post('/submit', { persona, actionId: form.submitActionId, context: form.context, values });
  return ((await res.json()) as { reply: Message }).reply;
}
const people = async (base = t.url) =>
  ((await (await fetch(`${base}/playground/personas`)).json()) as { personas: { id: string; name: string; hint: string }[]; concernDelayMaxSeconds: number })
    .personas;
const inbox = async (persona: string, base = t.url) =>
  ((await (await fetch(`${base}/playground/inbox?persona=${persona}`)).json()) as { messages: InboxMessage[] }).messages;
const addPerson = (body: Record<string, string>) => post('/people', body);

beforeAll(async () => {
  // No TRELLIS_CONCERN_DELAY_MAX_SECONDS: playground mode's own default.
  t = await startTrellis({}, { clock });
  const created = await say('alex', 'setup Riverside');
  code = /Invite code: \*([A-Z0-9]{4}-[A-Z0-9]{4})\*/.exec(created.text)![1]!;
  for (const text of ['org add City Council public', 'org add Hope Trust voluntary']) expect((await say('alex', text)).tone).toBe('success');
  expect((await say('jo', `join ${code} Hope Trust`, 'personal')).tone).toBe('success');
  expect((await say('chris', `join ${code} independent`, 'personal')).tone).toBe('success');
  expect((await say('alex', 'role Chris Evans critical-friend')).tone).toBe('success');
});

afterAll(async () => {
  if (restarted) await restarted.close();
  else await t?.close();
});

describe('adding a person', () => {
  it('refuses a bad name, a taken one, or a code or organisation the core refuses, and keeps nobody', async () => {
    const before = await people();
    const refusals: [Record<string, string>, RegExp][] = [
      [{ name: 'K', organisation: 'City Council', code }, /A name is 2 to 40 characters \(this is 1\)/],
      [{ name: 'K'.repeat(41), organisation: 'City Council', code }, /A name is 2 to 40 characters \(this is 41\)/],
      [{ name: '<img src=x>', organisation: 'City Council', code }, /starts with a letter/],
      [{ name: '  alex   MORGAN ', organisation: 'City Council', code }, /already someone called Alex Morgan/],
      [{ name: 'Kim Osei', organisation: 'City Council', code: 'NOPE-NOPE' }, /No partnership has the invite code NOPE-NOPE/],
      [{ name: 'Kim Osei', organisation: 'Nowhere Ltd', code }, /Riverside has no organisation called "Nowhere Ltd"/],
      [{ name: 'Kim Osei', organisation: '', code }, /organisation/],
    ];
    for (const [body, message] of refusals) {
      const res = await addPerson(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(message);
    }
    expect(await people()).toEqual(before);
    expect((await t.store.members((await t.store.partnerships())[0]!.id)).map((m) => m.displayName)).not.toContain('Kim Osei');
    await expect(readFile(join(t.dir, PEOPLE_FILE), 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('adds a persona who joins through the core, with their organisation', async () => {
    const res = await addPerson({ name: ' Kim   Osei ', organisation: 'City Council', code });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { persona: { id: string; name: string; hint: string }; reply: Message };
    expect(body.persona).toEqual({ id: 'kim-osei', name: 'Kim Osei', hint: 'At City Council, added here' });
    expect(body.reply.text).toContain('Welcome to *Riverside*, Kim Osei — you joined as City Council');
    expect((await people()).map((p) => p.id)).toEqual(['alex', 'sam', 'dana', 'jo', 'priya', 'chris', 'kim-osei']);
    const member = (await t.store.members((await t.store.partnerships())[0]!.id)).find((m) => m.displayName === 'Kim Osei');
    expect(member).toMatchObject({ userId: 'pg-kim-osei', platform: 'playground', role: 'member' });
    // They act like anyone else from now on.
    expect((await say('kim-osei', 'members', 'personal')).items?.join('\n')).toContain('Kim Osei');
    expect((await addPerson({ name: 'kim osei', organisation: 'City Council', code })).status).toBe(400);
  });
});

describe('concerns in playground mode', () => {
  it('reach the critical friend at once, with no random delay', async () => {
    expect((await (await fetch(`${t.url}/playground/personas`)).json()).concernDelayMaxSeconds).toBe(0);
    const { form } = await command('jo', 'concern', 'personal');
    const sent = await submit('jo', form!, { category: 'communication', happening: HAPPENING, organisation: 'no', consent: 'no' });
    expect(sent.tone).toBe('success');
    expect(sent.text).not.toContain('within');
    // No tick, and the clock has not moved: it was delivered with the reply.
    await t.drain();
    // Chris's inbox also holds the note of his appointment: find the concern's.
    const note = (await inbox('chris')).find((m) => m.message.title?.startsWith('Concern'));
    expect(note?.message.title).toMatch(/^Concern C-\w{4}$/);
    const opened = await post('/action', {
      persona: 'chris',
      actionId: note!.message.buttons![0]!.actionId,
      value: note!.message.buttons![0]!.value,
      where: 'personal',
    });
    const friendForm = ((await opened.json()) as { form: Form }).form;
    expect((await submit('chris', friendForm, { reply: FRIEND_REPLY, status: 'acknowledged' })).tone).toBe('success');
    await t.drain();
    expect((await inbox('jo')).at(-1)?.message.title).toMatch(/^Your concern C-\w{4}$/);
  });
});

describe('the inbox across a restart', () => {
  it('keeps what Trellis sent, in a file that never holds a concern or a reply to one', async () => {
    expect((await say('alex', 'survey now')).tone).toBe('success');
    await t.drain();
    const before = { jo: await inbox('jo'), chris: await inbox('chris'), kim: await inbox('kim-osei') };
    expect(before.kim.map((m) => m.message.title)).toEqual(['Riverside: check-in #1']);
    const file = await readFile(join(t.dir, INBOX_FILE), 'utf8');
    // The notes are there (so this looks at the right file), the words are not.
    expect(file).toContain('Riverside: check-in #1');
    expect(file).toMatch(/Your concern C-\w{4}/);
    for (const words of [HAPPENING, FRIEND_REPLY, 'vanish']) expect(file).not.toContain(words);

    await t.stop();
    restarted = await startTrellis({}, { dir: t.dir, clock });
    expect((await people(restarted.url)).map((p) => p.name)).toContain('Kim Osei');
    for (const [persona, messages] of Object.entries(before)) expect(await inbox(persona === 'kim' ? 'kim-osei' : persona, restarted.url)).toEqual(messages);
    // Still a member who can act: the check-in sent before the restart opens.
    const button = (await inbox('kim-osei', restarted.url))[0]!.message.buttons![0]!;
    const res = await post('/action', { persona: 'kim-osei', actionId: button.actionId, value: button.value, where: 'personal' }, restarted.url);
    expect(((await res.json()) as { form?: Form }).form?.title).toBe('Check-in #1');
  });

  it('refuses the demo in a room that already has a partnership, changing nothing', async () => {
    const base = restarted!.url;
    const before = await restarted!.data();
    const res = await post('/demo', {}, base);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: string }).error).toMatch(/^The demo needs an empty #partnership-room, and it already has a partnership\./);
    expect(await restarted!.data()).toBe(before);
    expect(await people(base)).toHaveLength(7);
  });
});
