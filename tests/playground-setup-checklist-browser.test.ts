// The set-up checklist in the playground, in a real headless Chromium against
// a real server: `setup` in the room puts the checklist in the coordinator's
// direct messages (a badge says so), and it ticks itself off in place, after
// a command and after a click on its own "Choose my organisation" form.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './helpers/browser.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';

let t: TestTrellis;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

const log = () => page.locator('#log');
const input = () => page.getByPlaceholder('Type a command, e.g. help');
const dialog = () => page.getByRole('dialog');
const text = async (l: ReturnType<Page['locator']>) => (await l.innerText()).replace(/\s+/g, ' ').trim();
const lastReply = () => log().locator('.msg-bot, .msg-error').last();
const checklist = () =>
  log()
    .locator('.msg-bot')
    .filter({ has: page.locator('.card-title', { hasText: 'Set up Riverside Partnership' }) });
/** Each step's tick, in order. */
const ticks = async () => (await checklist().locator('ul.items li').allInnerTexts()).map((s) => s.trim().slice(0, 1));

/** Types a command, presses Enter, and waits until Trellis has answered it. */
async function type(command: string) {
  const before = await log().locator('.msg-bot, .msg-error').count();
  await input().fill(command);
  await input().press('Enter');
  await page.waitForFunction(
    (n) => document.querySelectorAll('#log .msg-bot, #log .msg-error').length > n && !document.querySelector('#log .msg-pending'),
    before,
  );
}

beforeAll(async () => {
  t = await startTrellis();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
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

describe('playground set-up checklist', () => {
  it("appears in the coordinator's direct messages after setup in the room", async () => {
    await page.getByRole('radio', { name: /^Alex Morgan/ }).check();
    await page.getByRole('radio', { name: /#partnership-room/ }).check();
    await type('setup Riverside Partnership');
    expect(await text(lastReply())).toContain('Alex Morgan: your set-up checklist is in your private chat with Trellis.');
    await expect.poll(() => page.locator('#dm-badge').innerText()).toBe('1 new');
    expect(await checklist().count()).toBe(0); // not in the room

    await page.getByRole('radio', { name: /Direct message with Trellis/ }).check();
    await checklist().waitFor();
    expect(await ticks()).toEqual(['⬜', '⬜', '⬜', '⬜', '⬜']);
    expect(await checklist().locator('code').first().innerText()).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/); // the invite code, to copy
    expect(await checklist().getByRole('button').allInnerTexts()).toEqual([
      'Add an organisation',
      'Choose my organisation',
      'Add someone by email',
      'Choose a critical friend',
      'Schedule check-ins',
    ]);
  });

  it('ticks itself off in place as steps are done: by a command, and by a click on its own form', async () => {
    await type('org add City Council public');
    await type('org add Health Trust public');
    await expect.poll(ticks).toEqual(['✅', '⬜', '⬜', '⬜', '⬜']);
    expect(await checklist().count()).toBe(1); // updated, not sent again
    expect(await checklist().getByRole('button').allInnerTexts()).not.toContain('Add an organisation');

    await checklist().getByRole('button', { name: 'Choose my organisation' }).click();
    await dialog().waitFor();
    expect(await page.getByRole('dialog', { name: 'Your organisation' }).count()).toBe(1);
    await dialog().getByRole('radio', { name: 'Health Trust' }).check();
    await dialog().getByRole('button', { name: 'Save' }).click();
    await page.locator('dialog').waitFor({ state: 'detached' });
    await expect.poll(() => text(lastReply())).toContain('your organisation is now Health Trust');
    await expect.poll(ticks).toEqual(['✅', '✅', '⬜', '⬜', '⬜']);
    expect(await text(checklist())).toContain('2 of 5 done');
    expect(pageErrors).toEqual([]);
  });
});
