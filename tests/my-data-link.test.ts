// `my data` end to end over real HTTP: asked in the playground's personal chat,
// the reply's link downloads the asker's own data as a JSON file — and only
// theirs; a forged, damaged or expired link is refused with a 4xx, never a 5xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Form, Message } from '../src/core/message.js';
import type { MyData } from '../src/core/commands/my-data.js';
import { fakeClock } from './helpers/fake-clock.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';

const clock = fakeClock('2026-11-23T09:00:00Z');
let t: TestTrellis;

const postJson = (path: string, body: unknown) =>
  fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function command(persona: string, text: string, where: 'channel' | 'personal' = 'channel'): Promise<Message> {
  const res = await postJson('/playground/command', { persona, text, where });
  expect(res.status).toBe(200);
  return ((await res.json()) as { reply: Message }).reply;
}

async function answer(persona: string, roundId: string, value: string, comment: string) {
  const opened = await postJson('/playground/action', { persona, actionId: 'survey-open', value: roundId, where: 'personal' });
  const { form } = (await opened.json()) as { form: Form };
  const values = Object.fromEntries(form.fields.filter((f) => f.kind === 'choice').map((f) => [f.id, value]));
  const res = await postJson('/playground/submit', { persona, actionId: form.submitActionId, context: form.context, values: { ...values, comment } });
  expect(((await res.json()) as { reply: Message }).reply.tone).toBe('success');
}

async function link(persona: string) {
  const reply = await command(persona, 'my data', 'personal');
  const found = /(http:\/\/localhost:\d+\/my-data\/(\S+))$/m.exec(reply.text);
  expect(found, reply.text).not.toBeNull();
  return { url: found![1]!, token: found![2]! };
}

beforeAll(async () => {
  t = await startTrellis({}, { clock });
  const created = await command('alex', 'setup Riverside');
  const code = /Invite code: \*([A-Z0-9]{4}-[A-Z0-9]{4})\*/.exec(created.text)![1]!;
  expect((await command('alex', 'org add City Council public')).tone).toBe('success');
  expect((await command('alex', 'org add Hope Trust voluntary')).tone).toBe('success');
  expect((await command('sam', `join ${code} City Council`, 'personal')).tone).toBe('success');
  expect((await command('jo', `join ${code} Hope Trust`, 'personal')).tone).toBe('success');
  expect((await command('alex', 'survey now')).tone).toBe('success');
  const [p] = await t.store.partnerships();
  const [round] = await t.store.rounds(p!.id);
  await answer('sam', round!.id, '4', 'sam-says-meetings');
  await answer('jo', round!.id, '1', 'jo-says-budget');
});

afterAll(async () => {
  await t?.close();
});

describe('the my data file', () => {
  it("downloads as JSON holding the asker's own answers only", async () => {
    const res = await fetch((await link('sam')).url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="trellis-my-data-2026-11-23.json"');
    expect(res.headers.get('cache-control')).toContain('no-store');
    const text = await res.text();
    const data = JSON.parse(text) as MyData;
    expect(data.memberships.map((m) => [m.partnership, m.displayName, m.organisation?.name])).toEqual([['Riverside', 'Sam Patel', 'City Council']]);
    const [checkIn] = data.memberships[0]!.checkIns;
    expect(checkIn).toMatchObject({ what: 'Check-in #1', answered: true, comment: 'sam-says-meetings' });
    expect(new Set(checkIn!.answers!.map((a) => a.answer))).toEqual(new Set(['Agree']));
    expect(text).not.toMatch(/jo-says|Strongly disagree|Jo Williams/);
  });

  it('is never offered in the shared channel', async () => {
    const shared = await command('sam', 'my data');
    expect(shared.text).toContain('only in a private chat');
    expect(shared.text).not.toContain('/my-data/');
  });

  it('refuses a forged, damaged, missing or expired link with a 4xx and no file', async () => {
    const { url, token } = await link('jo');
    const [body, sig] = token.split('.');
    for (const [bad, status] of [
      [`${t.url}/my-data/${body}.${sig!.slice(0, -2)}xx`, 403],
      [`${t.url}/my-data/${body}`, 403],
      [`${t.url}/my-data/`, 404],
      [`${t.url}/my-data/%E0%A4%A`, 400],
    ] as const) {
      const res = await fetch(bad);
      expect(res.status, bad).toBe(status);
      expect(res.headers.get('content-disposition')).toBeNull();
      const said = await res.text();
      expect(said).not.toMatch(/jo-says|Riverside|Error:/);
      expect(said).toContain('`my data`');
    }
    clock.advance(60 * 60_000 + 1_000);
    const expired = await fetch(url);
    expect(expired.status).toBe(410);
    expect(expired.headers.get('content-disposition')).toBeNull();
    expect(await expired.text()).toMatch(/expired/);
  });
});
