// The playground with no SMTP_URL: emails to email members land in its
// in-memory mailbox, listed at /mailbox with their links, and those links open
// the same pages an emailed link would — so a trial shows the email path.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../src/core/message.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';

let t: TestTrellis;
const say = async (text: string, where: 'channel' | 'personal' = 'channel') => {
  const res = await fetch(`${t.url}/playground/command`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ persona: 'alex', text, where }),
  });
  return ((await res.json()) as { reply: Message }).reply;
};

beforeAll(async () => {
  t = await startTrellis();
});
afterAll(async () => {
  await t?.close();
});

describe('the playground mailbox', () => {
  it('lists the invitation with its personal link, which opens her page', async () => {
    const empty = await fetch(`${t.url}/mailbox`);
    expect(empty.status).toBe(200);
    expect(empty.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await empty.text()).toContain('No emails yet');

    await say('setup Riverside');
    await say('org add Hope Trust voluntary');
    expect(await say('member add priya.shah@example.org Hope Trust', 'personal')).toMatchObject({ tone: 'success' });
    await t.drain();

    const html = await (await fetch(`${t.url}/mailbox`)).text();
    expect(html).toContain('You&#39;re invited to Riverside on Trellis');
    expect(html).toContain('To priya.shah@example.org');
    const link = /href="(http:\/\/localhost:\d+\/w\/[^"]+)"/.exec(html)![1]!;
    const before = await t.data();
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Riverside — member, Hope Trust');
    expect(await t.data()).toBe(before);
    // The address is shown in the playground's own page, never stored.
    expect(before).not.toContain('priya.shah@example.org');
  });
});
