// The protocol register and a review on the playground page, in a real
// headless Chromium against a real server with a fake clock: `protocol add`
// typed in the channel opens the private form (checkboxes for the parties, a
// date input for the next review), reminders and review checks arrive in the
// right people's direct messages with "Open document" as a real https link,
// and the review is answered in its form and closed.
import { mkdir } from 'node:fs/promises';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium } from './helpers/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeClock } from './helpers/fake-clock.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';

const ARTIFACTS = 'tests/artifacts';
const LINK = 'https://example.org/referral';
const REMINDER = 'Riverside Partnership: P-1 Referral pathway';
const REVIEW = 'Review: Referral pathway';

const clock = fakeClock('2026-11-23T09:00:00Z'); // the partnership's "today" is 2026-11-23 (Europe/London)
let t: TestTrellis;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
/** Every POST the page makes to /playground/action, to prove a link click sends none. */
const actionPosts: string[] = [];

const log = () => page.locator('#log');
const input = () => page.getByPlaceholder('Type a command, e.g. help');
const dialog = () => page.getByRole('dialog');
const dialogGone = () => page.locator('dialog').waitFor({ state: 'detached' });
const lastReply = () => log().locator('.msg-bot, .msg-error').last();
const text = async (l: Locator) => (await l.innerText()).replace(/\s+/g, ' ').trim();
/** The Trellis card with this title in the visible conversation. */
const card = (title: string) =>
  log()
    .locator('.msg-bot')
    .filter({ has: page.locator('.card-title', { hasText: title }) });

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

/** Types a command that answers with a private form, and waits for its dialog. */
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
  t = await startTrellis({}, { clock });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
  page.setDefaultTimeout(8_000);
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(m.text());
  });
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/playground/action')) actionPosts.push(r.postData() ?? '');
  });
  // The document link opens here instead of on the internet.
  await page.context().route('https://example.org/**', (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: 'The referral protocol' }));
  await page.goto(`${t.url}/`);
  await page.locator('body[data-ready="true"]').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('playground protocols in the browser', () => {
  it('sets up a partnership with three organisations; Sam and Jo join', async () => {
    await choosePersona('Alex Morgan');
    await chooseWhere(/#partnership-room/);
    await type('setup Riverside Partnership');
    const code = /Invite code: ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(await text(lastReply()))?.[1] ?? '';
    expect(code).not.toBe('');
    for (const org of ['City Council public', 'Health Trust public', 'Hope Trust voluntary']) {
      await type(`org add ${org}`);
      expect(await lastReply().locator('.card.tone-success').count()).toBe(1);
    }
    for (const [who, org] of [
      ['Sam Patel', 'Health Trust'],
      ['Jo Williams', 'Hope Trust'],
    ] as const) {
      await choosePersona(who);
      await chooseWhere(/Direct message with Trellis/);
      await type(`join ${code} ${org}`);
      expect(await text(lastReply())).toContain(`you joined as ${org}`);
    }
  });

  it('opens the protocol form from a typed `protocol add`, shows a missing party beside its field, and saves', async () => {
    await choosePersona('Alex Morgan');
    await chooseWhere(/#partnership-room/);
    const repliesBefore = await log().locator('.msg-bot, .msg-error').count();
    await typeOpeningForm('protocol add', 'Add a protocol');
    // The command shows in the channel; no reply card, and nothing left waiting.
    expect(await log().locator('.msg-user .command').last().innerText()).toBe('protocol add');
    expect(await log().locator('.msg-bot, .msg-error').count()).toBe(repliesBefore);
    const form = dialog();
    expect(await form.getByRole('heading', { name: 'Add a protocol' }).count()).toBe(1);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('type'))).toBe('text'); // the title field

    await form.getByLabel('Title').fill('Referral pathway');
    await form.getByRole('group', { name: 'Kind' }).getByRole('radio', { name: 'Protocol' }).check();
    await form.getByLabel('Purpose').fill('How the Health Trust and Hope Trust refer families to each other.');
    const parties = form.getByRole('group', { name: 'Parties (organisations)' });
    expect(await parties.getByRole('checkbox').count()).toBe(3);
    expect(await parties.getByRole('checkbox').evaluateAll((boxes) => boxes.map((b) => (b as HTMLInputElement).labels![0]!.innerText.trim()))).toEqual([
      'City Council',
      'Health Trust',
      'Hope Trust',
    ]);
    await form.getByRole('group', { name: 'Owner' }).getByRole('radio', { name: 'Sam Patel' }).check();
    await form.getByLabel('Link to the document').fill(LINK);
    await form.getByLabel('Review every (months, 1–60)').fill('6');
    const next = form.getByLabel('Next review date');
    expect(await next.getAttribute('type')).toBe('date');
    await next.fill('2026-11-28'); // five days ahead

    // No party ticked: the error shows beside the parties, the form stays open, nothing is saved.
    await form.getByRole('button', { name: 'Save' }).click();
    await parties.locator('.field-error:not([hidden])').waitFor();
    expect(await text(parties.locator('.field-error'))).toBe('! Choose at least one organisation that is party to it.');
    expect(await parties.getAttribute('aria-describedby')).toContain(await parties.locator('.field-error').getAttribute('id'));
    expect(await text(form.getByRole('alert').first())).toContain('Some fields need another look; nothing was saved.');
    expect(await form.getByLabel('Title').inputValue()).toBe('Referral pathway');
    const [p] = await t.store.partnerships();
    expect(await t.store.protocols(p!.id)).toEqual([]);

    await parties.getByRole('checkbox', { name: 'Health Trust' }).check();
    await parties.getByRole('checkbox', { name: 'Hope Trust' }).check();
    expect(await parties.locator('.field-error').isHidden()).toBe(true); // ticking clears it
    expect(await form.locator('.form-alert').isHidden()).toBe(true); // and the summary with it
    // Tall enough to show the whole form in the screenshot.
    await page.setViewportSize({ width: 1280, height: 1500 });
    await form.evaluate((d) => (d.querySelector('.form-body')!.scrollTop = 0));
    await page.screenshot({ path: `${ARTIFACTS}/playground-protocol.png` });
    await page.setViewportSize({ width: 1280, height: 900 });

    await form.getByRole('button', { name: 'Save' }).click();
    await dialogGone();
    // The confirmation is Alex's alone, where he typed the command.
    await page.waitForFunction(() => document.querySelector('#log .msg-bot:last-of-type')?.textContent?.includes('Added P-1'));
    const saved = lastReply();
    expect(await text(saved.locator('.card-text'))).toContain('Added P-1 Referral pathway: next review 28 Nov 2026.');
    expect(await saved.locator('.only-you').count()).toBe(1);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('command'); // focus back to the command box

    const [x] = await t.store.protocols(p!.id);
    expect(x).toMatchObject({ title: 'Referral pathway', kind: 'protocol', link: LINK, cycleMonths: 6, nextReview: '2026-11-28' });
    expect(x!.partyOrgIds).toHaveLength(2);

    await type('protocol list');
    expect(await lastReply().locator('ul.items li').allInnerTexts()).toEqual([
      'P-1 Referral pathway — review due 28 Nov 2026 (in 5 days) · active · owner Sam Patel',
    ]);
    expect(pageErrors).toEqual([]);
  });

  it('delivers the 7-day reminder to Sam (owner) and Alex (coordinator), with a real link, but not to Jo', async () => {
    clock.advance(60_000);
    await t.tick();

    for (const who of ['Sam Patel', 'Alex Morgan']) {
      await choosePersona(who);
      await chooseWhere(/Direct message with Trellis/);
      const reminder = card(REMINDER);
      await reminder.waitFor();
      expect(await text(reminder.locator('.card-text'))).toBe('Its review is due in 5 days, on 28 Nov 2026.');
      expect(await reminder.getByRole('button').allInnerTexts()).toEqual(['Start review', 'Snooze a week']);
      const link = reminder.getByRole('link', { name: /Open document/ });
      expect(await link.getAttribute('href')).toBe(LINK);
      expect(await link.getAttribute('target')).toBe('_blank');
      expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
      expect(await link.getAttribute('class')).toContain('btn');
    }

    await page.screenshot({ path: `${ARTIFACTS}/playground-protocol-reminder.png` });

    // Following the link opens the document in a new tab, with no way back to the page, and runs no action.
    const posts = actionPosts.length;
    const [doc] = await Promise.all([
      page.waitForEvent('popup'),
      card(REMINDER)
        .getByRole('link', { name: /Open document/ })
        .click(),
    ]);
    await doc.waitForLoadState();
    expect(doc.url()).toBe(LINK);
    expect(await doc.evaluate(() => window.opener)).toBeNull();
    await doc.close();
    expect(actionPosts.length).toBe(posts);

    await choosePersona('Jo Williams');
    expect(await log().locator('.msg-bot').count()).toBeGreaterThan(0); // her join reply is there
    expect(await card(REMINDER).count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it("starts the review from Alex's reminder; Sam and Jo answer it in its form", async () => {
    await choosePersona('Alex Morgan');
    await card(REMINDER).getByRole('button', { name: 'Start review' }).click();
    await page.waitForFunction(() => document.querySelector('#log .msg-bot:last-of-type')?.textContent?.includes('Review of P-1'));
    expect(await text(lastReply().locator('.card-text'))).toContain('Review of P-1 Referral pathway started: 2 members of the parties asked privately.');
    expect(actionPosts.at(-1)).toContain('"actionId":"protocol-review-start"');
    expect(await card(REVIEW).count()).toBe(0); // Alex is in no party organisation

    for (const [who, rating, recommendation] of [
      ['Sam Patel', 'Strongly agree', 'Keep it as it is'],
      ['Jo Williams', 'Agree', 'Revise it'],
    ] as const) {
      await choosePersona(who);
      const review = card(REVIEW);
      await review.waitFor();
      expect(await review.getByRole('link', { name: /Open document/ }).getAttribute('href')).toBe(LINK);
      await review.getByRole('button', { name: 'Give your view' }).click();
      const form = page.getByRole('dialog', { name: 'Review P-1' });
      await form.waitFor();
      const groups = form.getByRole('group');
      expect(await groups.count()).toBe(5); // four statements and the recommendation, numbered
      expect(await groups.locator('.field-number').allInnerTexts()).toEqual(['1', '2', '3', '4', '5']);
      for (let i = 0; i < 4; i++) await groups.nth(i).getByRole('radio', { name: rating, exact: true }).check();
      await groups.nth(4).getByRole('radio', { name: recommendation }).check();
      await form.getByRole('button', { name: 'Submit' }).click();
      await dialogGone();
      await page.waitForFunction(() => document.querySelector('#log .msg-bot:last-of-type')?.textContent?.includes('your view is in'));
      // The review card itself becomes "Answered".
      await page.waitForFunction(
        (title) =>
          [...document.querySelectorAll('#log .msg-bot')].some(
            (n) => n.querySelector('.card-title')?.textContent === title && n.textContent!.includes('Answered'),
          ),
        REVIEW,
      );
    }
    expect(pageErrors).toEqual([]);
  });

  it('counts the answers with `review status`, and `review close P-1 revised` sets the next review six months on', async () => {
    await choosePersona('Alex Morgan');
    await chooseWhere(/#partnership-room/);
    await type('review status P-1');
    expect(await text(lastReply().locator('.card-text'))).toBe('Review of P-1 open since 23 Nov 2026: 2 of 2 answered.');
    await type('review close P-1 revised');
    const closed = await text(lastReply().locator('.card-text'));
    expect(closed).toMatch(/Review of P-1 closed: revised\. .*Next review 23 May 2027\.$/);
    await type('protocol list');
    expect(await lastReply().locator('ul.items li').allInnerTexts()).toEqual([
      'P-1 Referral pathway — review due 23 May 2027 (in 181 days) · active · owner Sam Patel',
    ]);
    expect(pageErrors).toEqual([]);
  });

  it('opens `protocol edit P-1` filled in (parties ticked, the date set), and fits a narrow screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await typeOpeningForm('protocol edit P-1', 'Edit P-1');
    const form = dialog();
    expect(await form.getByLabel('Title').inputValue()).toBe('Referral pathway');
    const parties = form.getByRole('group', { name: 'Parties (organisations)' });
    expect(await parties.getByRole('checkbox', { name: 'City Council' }).isChecked()).toBe(false);
    expect(await parties.getByRole('checkbox', { name: 'Health Trust' }).isChecked()).toBe(true);
    expect(await parties.getByRole('checkbox', { name: 'Hope Trust' }).isChecked()).toBe(true);
    expect(await form.getByRole('group', { name: 'Owner' }).getByRole('radio', { name: 'Sam Patel' }).isChecked()).toBe(true);
    expect(await form.getByLabel('Next review date').inputValue()).toBe('2027-05-23');
    const overflow = await form.evaluate((d) => d.scrollWidth - d.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${ARTIFACTS}/playground-protocol-narrow.png` });
    await form.getByRole('button', { name: 'Cancel' }).click();
    await dialogGone();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('command');
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(pageErrors).toEqual([]);
  });

  it('shows only https links: a javascript:, data: or http: link button is left out, and labels stay text', async () => {
    // A forged inbox, of the shape the server sends (the core only ever sends https links), proves the page's own check.
    await page.route('**/playground/inbox?persona=priya', (route) =>
      route.fulfill({
        contentType: 'application/json',
        body: JSON.stringify({
          messages: [
            {
              id: 'forged-1',
              at: '2026-11-23T09:01:00.000Z',
              message: {
                title: 'Links',
                text: 'Which links show?',
                tone: 'info',
                audience: 'caller',
                buttons: [
                  { actionId: 'open-link', label: 'Script', value: '', url: 'javascript:window.__pwned=1' },
                  { actionId: 'open-link', label: 'Data', value: '', url: 'data:text/html,<script>window.__pwned=1</script>' },
                  { actionId: 'open-link', label: 'Plain http', value: '', url: 'http://example.org/x' },
                  { actionId: 'open-link', label: 'Broken', value: '', url: 'https://' },
                  { actionId: 'open-link', label: '<img src=x onerror="window.__pwned=1">', value: '', url: 'https://example.org/ok' },
                ],
              },
            },
          ],
          conversations: [],
        }),
      }),
    );
    await choosePersona('Priya Shah');
    await chooseWhere(/Direct message with Trellis/);
    const links = card('Links');
    await links.waitFor();
    expect(await links.getByRole('button').count()).toBe(0);
    expect(await links.getByRole('link').count()).toBe(1);
    const only = links.getByRole('link');
    expect(await only.getAttribute('href')).toBe('https://example.org/ok');
    expect(await only.innerText()).toContain('<img src=x onerror="window.__pwned=1">');
    expect(await log().locator('a[href^="javascript"], a[href^="data"], a[href^="http:"], img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await page.unroute('**/playground/inbox?persona=priya');
    expect(pageErrors).toEqual([]);
  });
});
