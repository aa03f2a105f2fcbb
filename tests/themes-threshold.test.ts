// Themes keep the promise made when concerns were raised: people raised them
// under "themes of 5 or more"; a coordinator then lowers the threshold to 3,
// and the critical friend's themes still show no group under 5 of them.
// Through the playground's HTTP API.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Form, Message } from '../src/core/message.js';
import { fakeClock } from './helpers/fake-clock.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';

type Persona = 'alex' | 'sam' | 'dana' | 'jo' | 'chris';
let t: TestTrellis;

const post = async (path: string, body: unknown) => {
  const res = await fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return (await res.json()) as { reply?: Message; form?: Form };
};
const say = async (persona: Persona, text: string, where: 'channel' | 'personal' = 'personal') =>
  (await post('/playground/command', { persona, text, where })).reply!;
const themes = async () => {
  const reply = await say('chris', 'concerns themes');
  return `${reply.text}\n${(reply.items ?? []).join('\n')}`;
};

async function raise(persona: Persona, text: string) {
  const form = (await post('/playground/command', { persona, text: 'concern', where: 'personal' })).form!;
  const sent = (
    await post('/playground/submit', {
      persona,
      actionId: form.submitActionId,
      context: form.context,
      values: { category: 'power', happening: text, help: '', organisation: 'no', consent: 'no' },
    })
  ).reply!;
  expect(sent.tone).toBe('success');
}

beforeAll(async () => {
  t = await startTrellis({ TRELLIS_CONCERN_DELAY_MAX_SECONDS: '0' }, { clock: fakeClock('2026-11-23T09:00:00Z') });
  const code = /Invite code: \*([A-Z0-9]{4}-[A-Z0-9]{4})\*/.exec((await say('alex', 'setup Riverside', 'channel')).text)![1]!;
  for (const p of ['sam', 'jo', 'dana', 'chris'] as const) expect((await say(p, `join ${code} independent`)).tone).toBe('success');
  expect((await say('alex', 'role Chris Evans critical-friend', 'channel')).tone).toBe('success');
  for (const [p, text] of [
    ['sam', 'One'],
    ['sam', 'Two'],
    ['jo', 'Three'],
    ['dana', 'Four'],
  ] as const)
    await raise(p, text);
  await t.tick();
});
afterAll(async () => {
  await t?.close();
});

it('four concerns raised under 5 are not shown as a theme of 4 once the threshold is lowered to 3', async () => {
  expect(await themes()).toContain('Some, too few to show without pointing to people');
  expect((await say('alex', 'set threshold 3', 'channel')).tone).toBe('success');
  const after = await themes();
  expect(after).not.toMatch(/Perceived power differences: 4/);
  expect(after).toContain('Themes with fewer than 3 (or the higher threshold in force when they were raised) concerns are merged');
  expect(after).toContain('Some, too few to show without pointing to people');
});
