// `partnership close` in the playground, in a real headless Chromium: the
// closing digest (with its chart of every round) shows in #partnership-room,
// and a member's closing check-in opens from their DM as a modal dialog of
// three labelled text boxes whose answers are recorded on Submit; its answers,
// asked for in the room, go to the DM.
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Form, Message } from '../src/core/message.js';
import { launchChromium } from './helpers/browser.js';
import { fakeClock } from './helpers/fake-clock.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';

type Persona = 'alex' | 'sam' | 'dana';
const QUESTIONS = ['What did the partnership learn?', 'What is left to finish, and who will carry it on?', 'Who would you like to thank?'];
const LEARNT = 'Share the data before the pilot';

const clock = fakeClock('2026-11-23T09:00:00Z');
let t: TestTrellis;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

const postJson = async (path: string, body: unknown) => {
  const res = await fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return (await res.json()) as { reply?: Message; form?: Form };
};
const command = async (persona: Persona, text: string, where: 'channel' | 'personal' = 'channel') =>
  (await postJson('/playground/command', { persona, text, where })).reply!;
const text = async (l: Locator) => (await l.innerText()).replace(/\s+/g, ' ').trim();
const log = () => page.locator('#log');
const dialog = () => page.getByRole('dialog');

/** One check-in answered by all three, so the closing digest has figures and a chart. */
async function answeredRound() {
  await command('alex', 'survey now');
  const [p] = await t.store.partnerships();
  const open = (await t.store.rounds(p!.id)).find((r) => !r.closedAt)!;
  for (const persona of ['alex', 'sam', 'dana'] as const) {
    const { form } = await postJson('/playground/action', { persona, actionId: 'survey-open', value: open.id, where: 'personal' });
    const values = Object.fromEntries(form!.fields.map((f) => [f.id, f.kind === 'choice' ? '4' : '']));
    await postJson('/playground/submit', { persona, actionId: form!.submitActionId, context: form!.context, values });
  }
  await command('alex', 'survey close');
}

beforeAll(async () => {
  t = await startTrellis({}, { clock });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
  page.setDefaultTimeout(8_000);
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => void (m.type() === 'error' && pageErrors.push(m.text())));
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('partnership close in the playground', () => {
  it('closes Riverside after one answered check-in', async () => {
    const created = await command('alex', 'setup Riverside');
    const code = /Invite code: \*([A-Z0-9]{4}-[A-Z0-9]{4})\*/.exec(created.text)![1]!;
    await command('alex', 'org add City Council public');
    for (const persona of ['sam', 'dana'] as const) expect((await command(persona, `join ${code} City Council`, 'personal')).tone).toBe('success');
    await command('alex', 'set threshold 3');
    await answeredRound();
    const asked = await command('alex', 'partnership close');
    const confirm = asked.buttons!.find((b) => b.label === 'Close the partnership')!;
    const done = (await postJson('/playground/action', { persona: 'alex', actionId: confirm.actionId, value: confirm.value, where: 'channel' })).reply!;
    expect(done.text).toContain('Riverside is closed');
  });

  it('shows the closing digest in #partnership-room, its chart an image', async () => {
    await page.goto(`${t.url}/`);
    await page.locator('body[data-ready="true"]').waitFor();
    await page.getByRole('radio', { name: /^Sam Patel/ }).check();
    await page.getByRole('radio', { name: /#partnership-room/ }).check();
    const digest = log().locator('.msg-bot').filter({ hasText: 'Riverside: closing digest' });
    await digest.waitFor();
    expect(await digest.count()).toBe(1);
    expect(await text(digest)).toContain('Riverside was closed on 23 Nov 2026');
    expect(await text(digest)).toContain('Trust and commitment over 1 round');
    expect(await text(digest)).not.toContain('/export/');
    const img = digest.locator('img.chart-img');
    expect(await img.getAttribute('alt')).toMatch(/^Trust and commitment \(0–100\), every round/);
    await page.waitForFunction((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0, await img.elementHandle());
  });

  it("opens Sam's closing check-in from his DM as a dialog of three labelled text boxes, and records his answer", async () => {
    await page.getByRole('radio', { name: /Direct message with Trellis/ }).check();
    const card = log().locator('.msg-bot').filter({ hasText: 'Riverside: closing check-in' });
    await card.waitFor();
    await card.getByRole('button', { name: 'Answer', exact: true }).click();
    await dialog().waitFor();
    expect(await page.getByRole('dialog', { name: 'Closing check-in' }).count()).toBe(1);
    expect(await text(dialog().locator('.form-intro'))).toContain('Riverside has closed');
    for (const q of QUESTIONS) expect(await dialog().getByRole('textbox', { name: q }).count()).toBe(1);
    expect(await dialog().getByRole('textbox').count()).toBe(3);
    await dialog().getByRole('textbox', { name: QUESTIONS[0] }).fill(LEARNT);
    await dialog().getByRole('button', { name: 'Submit' }).click();
    await page.locator('dialog').waitFor({ state: 'detached' });
    const [p] = await t.store.partnerships();
    const closing = (await t.store.rounds(p!.id)).find((r) => r.kind === 'closing')!;
    await expect.poll(async () => (await t.store.answerSets(closing.id)).map((s) => s.texts)).toEqual([{ 'closing-learnt': LEARNT }]);
    expect(pageErrors).toEqual([]);
  });
});

describe('the closing answers in the playground', () => {
  it('clicked in #partnership-room, "Read the answers" sends them to the DM and says so in the room', async () => {
    const [p] = await t.store.partnerships();
    const closing = (await t.store.rounds(p!.id)).find((r) => r.kind === 'closing')!;
    for (const [persona, words] of [
      ['alex', 'Meet in person early on'],
      ['dana', 'The clerks at the town hall'],
    ] as const)
      expect(
        (await postJson('/playground/submit', { persona, actionId: 'survey-submit', context: closing.id, values: { 'closing-thanks': words } })).reply!.tone,
      ).toBe('success');
    clock.advance(6 * 86_400_000);
    await t.tick();
    await t.drain();
    const res = await fetch(`${t.url}/playground/room`);
    const room = ((await res.json()) as { messages: { message: Message }[] }).messages;
    const notice = room.find((m) => m.message.text.includes('3 people answered the closing check-in'))!.message;
    const read = notice.buttons!.find((b) => b.label === 'Read the answers')!;
    const reply = (await postJson('/playground/action', { persona: 'sam', actionId: read.actionId, value: read.value, where: 'channel' })).reply!;
    expect(reply.text).toContain('Sent to you in your private chat with Trellis');
    expect(reply.text).not.toContain(LEARNT);
    await t.drain();
    const inbox = (await (await fetch(`${t.url}/playground/inbox?persona=sam`)).json()) as { messages: { message: Message }[] };
    expect(inbox.messages.map((m) => m.message.text).join('\n')).toContain(`Learnt: ${LEARNT}`);
  });
});
