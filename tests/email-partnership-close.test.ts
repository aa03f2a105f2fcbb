// `partnership close` for an email member, end to end through the real entry
// points: the coordinator closes Riverside in the playground, Trellis emails Jo
// the closing check-in through a real SMTP server (content-free), and real
// headless Chromium (no JavaScript) follows her link: three labelled text
// questions, one POST records her answers once (a replay changes nothing).
// When it closes, a content-free email links to every answer (three came in).
// Afterwards her page says the partnership is
// closed and offers nothing that writes but her own rights (my data, leave).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../src/core/message.js';
import type { Round } from '../src/core/model.js';
import { launchChromium } from './helpers/browser.js';
import { fakeClock } from './helpers/fake-clock.js';
import { linksIn, startSmtpInbox, type SmtpInbox } from './helpers/smtp-inbox.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';

const JO = 'jo.quartermaine@example.org';
const SMTP_PASSWORD = 'smtp-password-5120-razorbill';
const LEARNT = 'Share the data before the pilot marker-learnt-7312';
const THANKS = 'The clerks at the town hall marker-thanks-2209';
const QUESTIONS = ['What did the partnership learn?', 'What is left to finish, and who will carry it on?', 'Who would you like to thank?'];
const DAY = 86_400_000;

const clock = fakeClock('2026-11-23T09:00:00Z');
let smtp: SmtpInbox;
let t: TestTrellis;
let browser: Browser;
let page: Page;

const post = async (path: string, body: unknown) => {
  const res = await fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { reply: Message }).reply;
};
const say = (text: string, where: 'channel' | 'personal' = 'channel') => post('/playground/command', { persona: 'alex', text, where });
/** Everything stored, claims included. */
const snapshot = async () => JSON.stringify({ data: JSON.parse(await t.data()), claims: await t.claims() });

async function openChangesNothing(url: string): Promise<number> {
  await t.drain();
  const before = await snapshot();
  const status = (await page.goto(url))!.status();
  await t.drain();
  expect(await snapshot()).toBe(before);
  return status;
}

const closingRound = async (): Promise<Round> => {
  const p = (await t.store.partnerships())[0]!;
  return (await t.store.rounds(p.id)).find((r) => r.kind === 'closing')!;
};

beforeAll(async () => {
  smtp = await startSmtpInbox(SMTP_PASSWORD);
  t = await startTrellis({ SMTP_URL: smtp.url, MAIL_FROM: 'Trellis <trellis@example.org>', TRELLIS_MAIL_PER_SECOND: '100' }, { clock });
  browser = await launchChromium();
  page = await browser.newPage({ javaScriptEnabled: false });
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
  await smtp?.close();
});

describe('partnership close for an email member', () => {
  let overview = '';
  let closingLink = '';

  it('emails Jo the closing check-in as a content-free notice when the coordinator closes Riverside', async () => {
    const code = /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec((await say('setup Riverside')).text)![1]!;
    await say('org add City Council public');
    await post('/playground/command', { persona: 'sam', text: `join ${code} City Council`, where: 'personal' });
    await say('set threshold 3');
    expect((await say(`member add ${JO} City Council`, 'personal')).tone).toBe('success');
    await t.drain();
    overview = linksIn(smtp.mailTo(JO)[0]!)[0]!;
    const asked = await say('partnership close');
    const confirm = asked.buttons!.find((b) => b.label === 'Close the partnership')!;
    const done = await post('/playground/action', { persona: 'alex', actionId: confirm.actionId, value: confirm.value, where: 'channel' });
    expect(done.text).toContain('Riverside is closed');
    await t.drain();
    const mail = smtp.mailTo(JO).filter((m) => m.subject === 'Riverside: closing check-in');
    expect(mail).toHaveLength(1);
    for (const q of QUESTIONS) expect(`${mail[0]!.text}${mail[0]!.html}`).not.toContain(q);
    // An email member is no coordinator: no closing digest, and no export link.
    expect(smtp.mailTo(JO).filter((m) => (m.text ?? '').includes('/export/'))).toEqual([]);
    closingLink = linksIn(mail[0]!)[0]!;
  });

  it('opens the closing check-in on GET, changing nothing: three optional text questions, each with its label', async () => {
    expect(await openChangesNothing(closingLink)).toBe(200);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Closing check-in');
    expect(await page.locator('main').innerText()).toContain('Riverside has closed');
    for (const q of QUESTIONS) {
      const box = page.getByLabel(q, { exact: true });
      expect(await box.count()).toBe(1);
      expect(await box.evaluate((e) => e.tagName)).toBe('TEXTAREA');
      expect(await box.getAttribute('maxlength')).toBe('1000');
      expect(await box.getAttribute('required')).toBeNull();
    }
    expect(await page.locator('form textarea').count()).toBe(3);
  });

  it('records her answers once from the form POST; a replayed POST changes nothing', async () => {
    const round = await closingRound();
    expect(await t.store.answerSets(round.id)).toHaveLength(0);
    await page.getByLabel(QUESTIONS[0]!, { exact: true }).fill(LEARNT);
    await page.getByLabel(QUESTIONS[2]!, { exact: true }).fill(THANKS);
    let body = '';
    page.once('request', (r) => {
      if (r.method() === 'POST') body = r.postData() ?? '';
    });
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.waitForLoadState();
    expect(await page.locator('main').innerText()).toContain('Thank you — your answers are in.');
    await t.drain();
    const sets = await t.store.answerSets(round.id);
    expect(sets).toHaveLength(1);
    expect(sets[0]!.texts).toEqual({ 'closing-learnt': LEARNT, 'closing-thanks': THANKS });

    const before = await snapshot();
    const replay = await fetch(closingLink, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', host: new URL(t.url).host },
      body,
    });
    expect(replay.status).toBe(409);
    expect(await replay.text()).toContain('already sent');
    await t.drain();
    expect(await snapshot()).toBe(before);
  });

  it('with three answers in when it closes, emails her a content-free notice whose link shows every answer, with no organisation', async () => {
    const round = await closingRound();
    for (const [persona, words] of [
      ['alex', 'Meet in person early on'],
      ['sam', 'The housing pilot; Hope Trust carries it'],
    ] as const) {
      const field = persona === 'alex' ? 'closing-learnt' : 'closing-unfinished';
      const reply = await post('/playground/submit', { persona, actionId: 'survey-submit', context: round.id, values: { [field]: words } });
      expect(reply.tone).toBe('success');
    }
    const mark = smtp.mailTo(JO).length;
    clock.advance(6 * DAY);
    await t.tick();
    await t.drain();
    expect((await closingRound()).closedAt).toBeDefined();
    const [notice, ...more] = smtp.mailTo(JO).slice(mark);
    expect(more).toEqual([]);
    expect(notice!.subject).toBe('Riverside: closing check-in');
    expect(notice!.text).not.toContain('marker-');
    const read = linksIn(notice!)[0]!;
    expect(await openChangesNothing(read)).toBe(200);
    const shown = await page.locator('main').innerText();
    for (const line of [
      `Learnt: ${LEARNT}`,
      'Learnt: Meet in person early on',
      'Left to finish: The housing pilot; Hope Trust carries it',
      `Thanks: ${THANKS}`,
    ])
      expect(shown).toContain(line);
    expect(shown).not.toContain('City Council');
    expect(await page.locator('form').count()).toBe(0);
  });

  it('once the closing check-in has closed, her page says Riverside is closed and offers only reading and her own rights', async () => {
    expect(await openChangesNothing(overview)).toBe(200);
    const main = page.locator('main');
    expect(await main.innerText()).toContain('Riverside — member, City Council (closed on 23 Nov 2026)');
    // Nothing on the page posts; its links only read, or are her rights over her own data.
    expect(await page.locator('form').count()).toBe(0);
    const links = await main.getByRole('link').allInnerTexts();
    expect(links.sort()).toEqual(['Leave Riverside', 'My data', 'Trends']);

    // The closing check-in's own link (which lasts as long as it) no longer opens a form: a clear 410 page, never a 5xx.
    expect(await openChangesNothing(closingLink)).toBe(410);
    expect(await page.locator('form').count()).toBe(0);
    expect(await main.innerText()).toContain('This link cannot be used');

    const logs = t.logs.join('\n');
    expect(logs).toContain('Trellis is listening');
    for (const x of [JO, 'Quartermaine', 'marker-learnt-7312', 'marker-thanks-2209']) expect(logs).not.toContain(x);
  });
});
