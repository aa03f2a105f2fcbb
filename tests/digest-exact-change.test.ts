// Issue 13, part 8, end to end in the playground: when everyone answers alike
// in two rounds, the change between them is exact — judged, notable and
// alerted — not "too few answers to judge".
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Message } from '../src/core/message.js';
import { fakeClock } from './helpers/fake-clock.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';

type Persona = 'alex' | 'sam' | 'dana' | 'jo' | 'priya';
const PEOPLE: Persona[] = ['alex', 'sam', 'dana', 'jo', 'priya'];
const clock = fakeClock('2026-11-23T09:00:00Z');
let t: TestTrellis;

const postJson = async (path: string, body: unknown) => {
  const res = await fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return (await res.json()) as { reply?: Message; form?: { fields: { id: string; kind: string }[]; submitActionId: string; context: string } };
};
const command = async (persona: Persona, text: string, where: 'channel' | 'personal' = 'channel') =>
  (await postJson('/playground/command', { persona, text, where })).reply!;
const getMessages = async (path: string) =>
  ((await (await fetch(`${t.url}${path}`)).json()) as { messages: { message: Message }[] }).messages.map((m) => m.message);

/** Everyone answers every statement with `value`, then the round closes. */
async function round(value: string) {
  clock.advance(24 * 3_600_000);
  await command('alex', 'survey now');
  const [p] = await t.store.partnerships();
  const latest = (await t.store.rounds(p!.id)).sort((a, b) => b.number - a.number)[0]!;
  for (const persona of PEOPLE) {
    const { form } = await postJson('/playground/action', { persona, actionId: 'survey-open', value: latest.id, where: 'personal' });
    const values = Object.fromEntries(form!.fields.filter((f) => f.kind === 'choice').map((f) => [f.id, value]));
    await postJson('/playground/submit', { persona, actionId: form!.submitActionId, context: form!.context, values });
  }
  expect((await command('alex', 'survey close')).text).toContain('5 of 5 answered');
}

beforeAll(async () => {
  t = await startTrellis({}, { clock });
  const code = /Invite code: \*([A-Z0-9]{4}-[A-Z0-9]{4})\*/.exec((await command('alex', 'setup Riverside')).text)![1]!;
  await command('alex', 'org add City Council public');
  for (const persona of PEOPLE.slice(1)) await command(persona, `join ${code} City Council`, 'personal');
  await round('5'); // all "Strongly agree"
  await round('2'); // all "Disagree"
});
afterAll(async () => {
  await t?.close();
});

it('reports the drop as exact and notable in the digest, in `trends` and in the alert', async () => {
  const digest = (await getMessages('/playground/room')).at(-1)!;
  expect(digest.title).toBe('Riverside: check-in #2 results');
  expect(digest.text).toContain('*Trust fell clearly, from 100 to 25 since #1 — everyone answered alike both times*');
  expect(digest.text).not.toContain('too few answers');
  expect((await command('alex', 'trends')).text).toMatch(/^Trust fell clearly, from 100 to 25 — everyone answered alike both times/);
  const alert = (await getMessages('/playground/inbox?persona=alex')).find((m) => m.title?.startsWith('Trellis alert'));
  expect(alert?.text).toContain('Trust fell clearly, from 100 to 25 — everyone answered alike both times.');
});
