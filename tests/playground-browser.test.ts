// The playground page in a real headless Chromium, against a real server.
import { mkdir } from 'node:fs/promises';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';

const ARTIFACTS = 'tests/artifacts';

let t: TestTrellis;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

const log = () => page.locator('#log');
const input = () => page.getByPlaceholder('Type a command, e.g. help');

/** Types a command, presses Enter, and waits until Trellis has answered it. */
async function type(text: string) {
  const before = await log().locator('.msg-bot, .msg-error').count();
  await input().fill(text);
  await input().press('Enter');
  await page.waitForFunction((n) => document.querySelectorAll('#log .msg-bot, #log .msg-error').length > n && !document.querySelector('#log .msg-pending'), before);
}

/** The last Trellis reply in the visible conversation. */
const lastReply = () => log().locator('.msg-bot, .msg-error').last();

async function choosePersona(name: string) {
  await page.getByRole('radio', { name: new RegExp(`^${name}`) }).check();
}

async function chooseWhere(name: RegExp) {
  await page.getByRole('radio', { name }).check();
}

const text = async (l: Locator) => (await l.innerText()).replace(/\s+/g, ' ').trim();

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  t = await startTrellis();
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
  // Fail a step well inside vitest's timeout, so the failure names the step.
  page.setDefaultTimeout(8_000);
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => {
    // The browser logs every failed request; the error test provokes some on purpose.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(m.text());
  });
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('playground page', () => {
  let code = '';

  it('walks a coordinator and a partner through setting up a partnership', async () => {
    await page.goto(`${t.url}/`);
    await page.locator('body[data-ready="true"]').waitFor();
    expect(await page.locator('h1').innerText()).toBe('Trellis playground');
    expect(await text(page.locator('.topbar p'))).toMatch(/same Trellis bot that runs in Slack and Microsoft Teams/);
    expect(await page.getByRole('radio').count()).toBe(8); // six people, two places
    expect(await text(page.locator('#persona-list'))).toContain('Priya Shah Volunteer with a residents\' community group');

    // Alex, in the shared channel.
    await choosePersona('Alex Morgan');
    await chooseWhere(/#partnership-room/);
    expect(await page.locator('#chat-title').innerText()).toBe('#partnership-room');
    await type('setup Riverside Partnership');
    const created = lastReply();
    expect(await created.locator('.card-title').innerText()).toBe('Partnership created');
    expect(await created.locator('.card.tone-success').count()).toBe(1);
    expect(await created.locator('.only-you').count()).toBe(0); // posted to the whole channel
    expect(await created.locator('.card-text strong').first().innerText()).toBe('Riverside Partnership');
    code = /Invite code: ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(await text(created))?.[1] ?? '';
    expect(code).not.toBe('');
    // The user's own line shows who typed what.
    const mine = log().locator('.msg-user').last();
    expect(await mine.locator('.who').innerText()).toBe('Alex Morgan');
    expect(await mine.locator('time').innerText()).toMatch(/^\d\d:\d\d$/);
    expect(await mine.locator('.command').innerText()).toBe('setup Riverside Partnership');

    await type('org add City Council public');
    const added = lastReply();
    expect(await text(added)).toContain(`Added City Council (public) to Riverside Partnership. Its people join with join ${code} City Council.`);
    expect(await added.locator('.only-you').innerText()).toContain('Only visible to you');
    expect(await added.locator('.card.tone-success').count()).toBe(1);
    expect(await text(page.locator('#overview'))).toContain('Riverside Partnership coordinator');
    await page.screenshot({ path: `${ARTIFACTS}/playground-channel.png` });

    // Sam sees Alex's commands and the channel card, but not Alex's private reply.
    await choosePersona('Sam Patel');
    expect(await text(log())).toContain('Alex Morgan');
    expect(await text(log())).toContain('org add City Council public');
    expect(await log().getByText('Partnership created').count()).toBe(1);
    expect(await log().getByText('Added City Council').count()).toBe(0);
    expect(await text(page.locator('#overview'))).toContain("You're not in a partnership yet");

    // Sam joins from his direct messages.
    await chooseWhere(/Direct message with Trellis/);
    expect(await page.locator('#chat-title').innerText()).toBe('Direct message with Trellis');
    expect(await log().locator('.msg').count()).toBe(0);
    await type(`join ${code} City Council`);
    expect(await text(lastReply())).toContain('Welcome to Riverside Partnership, Sam Patel — you joined as City Council (public).');
    expect(await lastReply().locator('.only-you').count()).toBe(0); // a DM is private anyway

    await type('members');
    const members = lastReply().locator('ul.items li');
    expect(await members.allInnerTexts()).toEqual(['Alex Morgan — independent · coordinator', 'Sam Patel — City Council (public) · member']);

    // Buttons are real buttons that run their command as Sam, here.
    await type('help');
    const help = lastReply();
    expect(await help.locator('.card-title').innerText()).toBe('Trellis commands');
    await help.getByRole('button', { name: 'Status' }).click();
    await page.waitForFunction(() => document.querySelector('#log .msg-bot:last-of-type .card-title')?.textContent === 'Riverside Partnership');
    const status = lastReply();
    expect(await log().locator('.msg-click').last().innerText()).toContain('clicked Status');
    const fields = Object.fromEntries(
      await status.locator('dl.fields .field').evaluateAll((nodes) => nodes.map((n) => [n.querySelector('dt')!.textContent, n.querySelector('dd')!.textContent])),
    );
    expect(fields).toMatchObject({ Type: 'coordinating', Organisations: '1', Members: '2 (2 on Playground)', Home: '#partnership-room (Playground)' });
    expect(await status.getByRole('button').allInnerTexts()).toEqual(['Members', 'Organisations']);

    // The side panel is Sam's own overview.
    const overview = page.locator('#overview');
    expect(await overview.locator('.partnership-name').innerText()).toBe('Riverside Partnership');
    expect(await overview.locator('.partnership-detail').innerText()).toBe('member, City Council');

    await page.screenshot({ path: `${ARTIFACTS}/playground.png` });

    // Alex's DM is a different conversation.
    await choosePersona('Alex Morgan');
    expect(await log().locator('.msg').count()).toBe(0);
    expect(await text(log())).toContain('Only Alex Morgan and the bot see this conversation');
    await choosePersona('Sam Patel');
    expect(await log().getByText('Welcome to').count()).toBe(1);
    expect(pageErrors).toEqual([]);
  });

  it('shows refusals in red, and network and 400 errors inline', async () => {
    await chooseWhere(/#partnership-room/);
    await type('org add Rogue Trust public'); // Sam is not a coordinator
    const refused = lastReply();
    expect(await refused.locator('.card.tone-error').count()).toBe(1);
    expect(await text(refused)).toContain('Only coordinators can add organisations.');
    const accent = await refused.locator('.card').evaluate((n) => getComputedStyle(n).borderLeftColor);
    expect(accent).toBe('rgb(180, 35, 24)');

    await type('x'.repeat(2001)); // past the API's limit: a 400
    const tooLong = lastReply();
    expect(await tooLong.getAttribute('class')).toContain('msg-error');
    expect(await text(tooLong.getByRole('alert'))).toMatch(/Trellis could not take that request\. text: .*2000/);

    await page.route('**/playground/command', (route) => route.abort('connectionrefused'));
    await type('status');
    expect(await text(lastReply().getByRole('alert'))).toContain('Could not reach the Trellis server.');
    await page.unroute('**/playground/command');
    await page.screenshot({ path: `${ARTIFACTS}/playground-errors.png` });

    await type('status');
    expect(await lastReply().locator('.card-title').innerText()).toBe('Riverside Partnership');
  });

  it('never turns server text into HTML', async () => {
    await choosePersona('Alex Morgan');
    const evil = '<img src=x onerror="window.__pwned=1"> <b>Bold</b> Trust';
    await type(`org add ${evil} voluntary`);
    const reply = lastReply();
    expect(await text(reply)).toContain(`Added ${evil} (voluntary) to Riverside Partnership`);
    expect(await log().locator('img, b').count()).toBe(0);
    await type('org list');
    expect(await lastReply().locator('li').allInnerTexts()).toContain(`${evil} (voluntary)`);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  });

  it('remembers the persona across a reload and works at a narrow width', async () => {
    await choosePersona('Sam Patel');
    await page.reload();
    await page.locator('body[data-ready="true"]').waitFor();
    expect(await page.getByRole('radio', { name: /^Sam Patel/ }).isChecked()).toBe(true);
    await page.locator('#overview .partnership-name').waitFor();
    expect(await page.locator('#overview .partnership-name').innerText()).toBe('Riverside Partnership');

    await page.setViewportSize({ width: 390, height: 844 });
    await chooseWhere(/Direct message with Trellis/);
    await type('status');
    expect(await lastReply().locator('.card-title').innerText()).toBe('Riverside Partnership');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await input().isVisible()).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}/playground-narrow.png`, fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});
