// The critical-friend channel on the playground page, in a real headless
// Chromium against a real server with a fake clock: Sam raises a concern in
// the private dialog, the clock passes the random delay and `tick()` delivers
// it, Chris (persona switch) reads it in a dialog that shows the conversation
// turn by turn and replies, and Sam gets a content-free note in his DM and
// side panel, opens "Read and answer", reads the reply and answers. Nothing
// about the concern shows in the shared channel or to anyone else.
import { mkdir } from 'node:fs/promises';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium } from './helpers/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../src/core/message.js';
import { fakeClock } from './helpers/fake-clock.js';
import { startTrellis, TEST_SECRET, type TestTrellis } from './helpers/start-trellis.js';
import { openConcern } from '../src/core/concerns/concern-seal.js';

const ARTIFACTS = 'tests/artifacts';
const MINUTE = 60_000;
// Line breaks and a paragraph break, and markup that must stay text.
const HAPPENING = [
  'The lead agency changes the referral criteria without telling the other partners.',
  'Our referrals bounce back for weeks <img src=x onerror="window.__pwned=1">.',
].join('\n');
const HELP = 'A shared log of changes to the criteria.';
const REPLY = ['Thank you for raising this — it matters.', '', 'Has it happened more than once? If so, roughly when?'].join('\n');
const ANSWER = 'Yes, three times this quarter: September, October and last week.';

const clock = fakeClock('2026-11-23T09:00:00Z');
let t: TestTrellis;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
let pseudonym = '';

const log = () => page.locator('#log');
const input = () => page.getByPlaceholder('Type a command, e.g. help');
const dialogGone = () => page.locator('dialog').waitFor({ state: 'detached' });
const lastReply = () => log().locator('.msg-bot, .msg-error').last();
const text = async (l: Locator) => (await l.innerText()).replace(/\s+/g, ' ').trim();
const card = (title: string) =>
  log()
    .locator('.msg-bot')
    .filter({ has: page.locator('.card-title', { hasText: title }) });
const panel = () => page.locator('#conversations');

async function api(persona: string, text: string, where = 'personal'): Promise<Message> {
  const res = await fetch(`${t.url}/playground/command`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ persona, text, where }),
  });
  return ((await res.json()) as { reply: Message }).reply;
}

async function typeOpeningForm(command: string, title: string) {
  await input().fill(command);
  await input().press('Enter');
  await page.getByRole('dialog', { name: title }).waitFor();
  await page.waitForFunction(() => !document.querySelector('#log .msg-pending'));
}

async function choosePersona(name: string) {
  const id = name.split(' ')[0]!.toLowerCase();
  // Wait for their inbox to have been fetched, so what is (not) in their DMs is settled.
  await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(`/playground/inbox?persona=${id}`)),
    page.getByRole('radio', { name: new RegExp(`^${name}`) }).check(),
  ]);
}
const chooseWhere = (name: RegExp) => page.getByRole('radio', { name }).check();

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  t = await startTrellis({ TRELLIS_CONCERN_DELAY_MAX_SECONDS: '600' }, { clock });
  // The partnership is set up through the API: this test is about the concern.
  const code = /Invite code: \*([A-Z0-9]{4}-[A-Z0-9]{4})\*/.exec((await api('alex', 'setup Riverside Partnership', 'channel')).text)![1]!;
  for (const org of ['Health Trust public', 'Hope Trust voluntary']) await api('alex', `org add ${org}`, 'channel');
  await api('sam', `join ${code} Health Trust`);
  await api('jo', `join ${code} Hope Trust`);
  await api('chris', `join ${code} independent`);
  expect((await api('alex', 'role Chris Evans critical-friend', 'channel')).tone).toBe('success');

  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
  page.setDefaultTimeout(8_000);
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(m.text());
  });
  await page.goto(`${t.url}/`);
  await page.locator('body[data-ready="true"]').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('playground: a concern in the browser', () => {
  it('keeps a `concern` typed in the channel to Sam alone', async () => {
    await choosePersona('Sam Patel');
    await chooseWhere(/#partnership-room/);
    await typeOpeningForm('concern', 'Raise a concern');
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await dialogGone();
    const mine = log().locator('.msg-user').filter({ hasText: 'concern' });
    expect(await mine.count()).toBe(1);
    expect(await mine.getAttribute('class')).toContain('ephemeral');
    await choosePersona('Jo Williams');
    expect(await log().locator('.msg-user').filter({ hasText: 'concern' }).count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('lets Sam raise a concern in the private dialog, from his direct messages', async () => {
    await choosePersona('Sam Patel');
    await chooseWhere(/Direct message with Trellis/);
    await typeOpeningForm('concern', 'Raise a concern');
    const form = page.getByRole('dialog', { name: 'Raise a concern' });
    expect(await text(form.locator('.form-intro'))).toContain('They will not know who you are');
    // Choices with options of their own: a wrapping row, not a numbered rating scale.
    expect(await form.locator('.field-number').count()).toBe(0);
    const category = form.getByRole('group', { name: 'What is it about?' });
    expect(await category.getByRole('radio').count()).toBe(7);
    await category.getByRole('radio', { name: 'Lack of clarity about roles' }).check();

    // Nothing typed: the error shows beside the field and nothing is sent.
    await form.getByRole('button', { name: 'Send' }).click();
    await form.locator('.has-error').first().waitFor();
    expect(await text(form.locator('.has-error .field-error'))).toContain('Say what is happening');
    expect(await t.store.concerns((await t.store.partnerships())[0]!.id)).toEqual([]);

    await form.getByLabel('What is happening?').fill(HAPPENING);
    await form.getByLabel('What would help? (optional)').fill(HELP);
    const org = form.getByRole('group', { name: 'May the critical friend know your organisation?' });
    expect(await org.getByRole('radio', { name: /^No/ }).isChecked()).toBe(true);
    await form
      .getByRole('group', { name: /later ask you whether to raise it/ })
      .getByRole('radio', { name: /^Yes/ })
      .check();
    await form.evaluate((d) => (d.querySelector('.form-body')!.scrollTop = 0));
    await page.screenshot({ path: `${ARTIFACTS}/playground-concern-raise.png` });
    await form.getByRole('button', { name: 'Send' }).click();
    await dialogGone();
    await page.waitForFunction(() => document.querySelector('#log .msg-bot:last-of-type')?.textContent?.includes('Your reference is'));
    const receipt = await text(lastReply().locator('.card-text'));
    pseudonym = /Your reference is (C-[A-Z0-9]{4})/.exec(receipt)?.[1] ?? '';
    expect(pseudonym).toMatch(/^C-[A-Z0-9]{4}$/);
    expect(receipt).toContain('within 10 minutes');
    // The concern text is nowhere on the page now the dialog is gone.
    expect(await page.locator('body').innerText()).not.toContain('referral criteria');
    expect(pageErrors).toEqual([]);
  });

  it('delivers it after the delay: Chris reads it in a dialog, turn by turn, and replies', async () => {
    clock.advance(11 * MINUTE);
    await t.tick();

    await choosePersona('Chris Evans');
    await chooseWhere(/Direct message with Trellis/);
    const note = card(`Concern ${pseudonym}`);
    await note.waitFor();
    expect(await text(note.locator('.card-text'))).toBe(`A new concern, ${pseudonym}, from a member of Riverside Partnership.`);
    // The side panel offers it too.
    await panel().waitFor();
    expect(await text(panel().locator('.conversation-title'))).toBe(`Concern ${pseudonym}`);
    expect(await panel().getByRole('button').allInnerTexts()).toEqual(['Read and reply']);

    await note.getByRole('button', { name: 'Read and reply' }).click();
    const form = page.getByRole('dialog', { name: `Concern ${pseudonym}` });
    await form.waitFor();
    const intro = form.locator('.form-intro');
    expect(await text(intro.locator('.thread-head'))).toBe(`${pseudonym} — Lack of clarity about roles — from a member of the partnership.`);
    const turns = intro.locator('.thread .turn');
    expect(await turns.count()).toBe(1);
    expect(await turns.first().locator('.turn-who').innerText()).toBe('Reporter');
    expect(await turns.first().locator('time').innerText()).toBe('23 Nov 2026');
    // The reporter's line breaks and paragraphs survive; markup stays text.
    const paragraphs = await turns.first().locator('.turn-text p').allInnerTexts();
    expect(paragraphs).toEqual([HAPPENING, `What would help: ${HELP}`]);
    expect(await turns.first().locator('.turn-text br').count()).toBe(1);
    expect(await form.locator('img').count()).toBe(0);
    expect(await text(intro.locator('.thread-status'))).toBe('Status: open.');
    for (const s of ['Sam', 'Health Trust']) expect(await form.innerText()).not.toContain(s);

    await form.getByLabel('Your reply (optional)').fill(REPLY);
    await form.getByRole('group', { name: 'Status' }).getByRole('radio', { name: 'Acknowledged' }).check();
    await form.getByRole('button', { name: 'Send' }).click();
    await dialogGone();
    await page.waitForFunction(() => document.querySelector('#log .msg-bot:last-of-type')?.textContent?.includes('Sent to the person behind'));
    expect(await text(lastReply().locator('.card-text'))).toBe(`✓Sent to the person behind ${pseudonym}.`);
    expect(pageErrors).toEqual([]);
  });

  it('gives Sam a content-free note and "Read and answer"; he reads the reply and answers', async () => {
    await choosePersona('Sam Patel');
    await chooseWhere(/Direct message with Trellis/);
    const note = card(`Your concern ${pseudonym}`);
    await note.waitFor();
    expect(await text(note.locator('.card-text'))).toBe(`You have a reply from the critical friend about your concern ${pseudonym} (now acknowledged).`);
    expect(await note.innerText()).not.toContain('Has it happened');
    expect(await note.getByRole('button').allInnerTexts()).toEqual(['Read and answer']);
    // The side panel offers "Read and answer" too; open it from there.
    await panel().waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/playground-concern-note.png` });
    const open = panel().getByRole('button', { name: 'Read and answer' });
    expect(await open.getAttribute('aria-describedby')).toBe(await panel().locator('.conversation-title').getAttribute('id'));
    await open.click();

    const form = page.getByRole('dialog', { name: `Concern ${pseudonym}` });
    await form.waitFor();
    const turns = form.locator('.thread .turn');
    expect(await turns.count()).toBe(2);
    expect(await turns.locator('.turn-who').allInnerTexts()).toEqual(['You', 'Critical friend']);
    expect(await turns.first().getAttribute('class')).toContain('turn-mine');
    expect(await turns.nth(1).locator('.turn-text p').allInnerTexts()).toEqual([
      'Thank you for raising this — it matters.',
      'Has it happened more than once? If so, roughly when?',
    ]);
    expect(await text(form.locator('.thread-status'))).toBe('Status: acknowledged.');
    await form.getByLabel('Your answer (optional)').fill(ANSWER);
    await form.evaluate((d) => (d.querySelector('.form-body')!.scrollTop = 0));
    await page.screenshot({ path: `${ARTIFACTS}/playground-concern.png` });

    await form.getByRole('button', { name: 'Send' }).click();
    await dialogGone();
    await page.waitForFunction(() => document.querySelector('#log .msg-bot:last-of-type')?.textContent?.includes('Sent to the critical friend'));
    // Focus goes back to the side panel's button.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Read and answer');

    const [c] = (await t.store.concerns((await t.store.partnerships())[0]!.id)).map((x) => openConcern(TEST_SECRET, x));
    expect(c!.messages.map((m) => m.from)).toEqual(['reporter', 'friend', 'reporter']);
    expect(c!.messages[2]!.text).toBe(ANSWER);
    expect(pageErrors).toEqual([]);
  });

  it('tells Chris there is a new message, without its text; Jo and Alex see nothing of it', async () => {
    await choosePersona('Chris Evans');
    await page.waitForFunction(
      (p) => [...document.querySelectorAll('#log .msg-bot .card-text')].some((n) => n.textContent === `${p}: a new message.`),
      pseudonym,
    );
    expect(await log().innerText()).not.toContain('three times');
    for (const who of ['Jo Williams', 'Alex Morgan']) {
      await choosePersona(who);
      expect(await panel().isHidden()).toBe(true);
      await chooseWhere(/#partnership-room/);
      expect(await log().innerText()).not.toContain(pseudonym);
      await chooseWhere(/Direct message with Trellis/);
      expect(await log().innerText()).not.toContain(pseudonym);
    }
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(pageErrors).toEqual([]);
  });

  it('keeps a line Sam types to look like a reply from the critical friend inside his own turn', async () => {
    const [c] = await t.store.concerns((await t.store.partnerships())[0]!.id);
    const forged = 'Thanks.\n*Critical friend* (2026-11-23): You may close this now.';
    const res = await fetch(`${t.url}/playground/submit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ persona: 'sam', actionId: 'concern-reporter-submit', context: c!.id, values: { reply: forged, close: 'open' } }),
    });
    expect(((await res.json()) as { reply: Message }).reply.tone).toBe('success');

    await choosePersona('Chris Evans');
    await chooseWhere(/Direct message with Trellis/);
    await panel().getByRole('button', { name: 'Read and reply' }).click();
    const form = page.getByRole('dialog', { name: `Concern ${pseudonym}` });
    await form.waitFor();
    const turns = form.locator('.thread .turn');
    expect(await turns.locator('.turn-who').allInnerTexts()).toEqual(['Reporter', 'You', 'Reporter', 'Reporter']);
    // The forged line is the reporter's words, shown as typed: no bold, no turn of its own.
    expect(await turns.last().locator('.turn-text').innerText()).toBe(forged);
    expect(await turns.last().locator('strong').count()).toBe(1);
    await form.getByRole('button', { name: 'Cancel' }).click();
    expect(pageErrors).toEqual([]);
  });
});
