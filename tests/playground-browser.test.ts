// The playground page in a real headless Chromium, against a real server.
import { mkdir } from 'node:fs/promises';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium } from './helpers/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bankFor } from '../src/core/survey/bank.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';

const ARTIFACTS = 'tests/artifacts';

let t: TestTrellis;
let checkIns: TestTrellis | undefined;
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
  await page.waitForFunction(
    (n) => document.querySelectorAll('#log .msg-bot, #log .msg-error').length > n && !document.querySelector('#log .msg-pending'),
    before,
  );
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

async function openPage(url: string, viewport = { width: 1280, height: 800 }) {
  page = await browser.newPage({ viewport, locale: 'en-GB' });
  // Fail a step well inside vitest's timeout, so the failure names the step.
  page.setDefaultTimeout(8_000);
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => {
    // The browser logs every failed request; the error test provokes some on purpose.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(m.text());
  });
  await page.goto(`${url}/`);
  await page.locator('body[data-ready="true"]').waitFor();
}

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  t = await startTrellis();
  browser = await launchChromium();
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
  await checkIns?.close();
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
    expect(await text(page.locator('#persona-list'))).toContain("Priya Shah Volunteer with a residents' community group");

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
      await status
        .locator('dl.fields .field')
        .evaluateAll((nodes) => nodes.map((n) => [n.querySelector('dt')!.textContent, n.querySelector('dd')!.textContent])),
    );
    expect(fields).toMatchObject({ Type: 'coordinating', Organisations: '1', Members: '2 (2 on Playground)', Home: '#partnership-room (Playground)' });
    expect(await status.getByRole('button').allInnerTexts()).toEqual(['Members', 'Organisations']);

    // The side panel is Sam's own overview.
    const overview = page.locator('#overview');
    expect(await overview.locator('.partnership-name').innerText()).toBe('Riverside Partnership');
    expect(await overview.locator('.partnership-detail').innerText()).toBe('member, City Council');

    await page.screenshot({ path: `${ARTIFACTS}/playground.png` });

    // Alex's DM is a different conversation: only what Trellis sent him there (his set-up checklist).
    await choosePersona('Alex Morgan');
    expect(await log().locator('.msg').count()).toBe(1);
    expect(await log().locator('.card-title').allInnerTexts()).toEqual(['Set up Riverside Partnership']);
    expect(await log().getByText('Welcome to').count()).toBe(0);
    await choosePersona('Jo Williams'); // a DM with nothing in it yet says whose it is
    expect(await log().locator('.msg').count()).toBe(0);
    expect(await text(log())).toContain('Only Jo Williams and the bot see this conversation');
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

  it("shows each persona's console in the side panel and for `menu`, and its buttons run as them", async () => {
    await choosePersona('Alex Morgan');
    await chooseWhere(/Direct message with Trellis/);
    const panel = page.locator('#overview');
    await panel.locator('.card-section-title', { hasText: 'Check-ins' }).waitFor();
    expect(await panel.locator('.card-section-title').allTextContents()).toEqual(['Check-ins', 'Partners', 'Protocols', 'Results', 'Your data']);
    expect(await panel.getByRole('button').allInnerTexts()).toEqual(
      expect.arrayContaining(['Schedule check-ins', 'Open one now', 'Invite code', 'Add a protocol', 'Trends', 'Dashboard', 'Export']),
    );
    // A click in the side panel runs its command as Alex, in his partnership.
    await panel.getByRole('button', { name: 'Invite code' }).click();
    const lastSays = (words: string) => page.waitForFunction((w) => [...document.querySelectorAll('#log .msg-bot')].at(-1)?.textContent?.includes(w), words);
    await lastSays(code);
    expect(await text(log().locator('.msg-click').last())).toContain('clicked Invite code');

    // `menu` typed in the chat shows the same, as a card whose buttons work.
    await type('menu');
    const menu = lastReply();
    expect(await menu.locator('.card-section-title').allTextContents()).toEqual(['Check-ins', 'Partners', 'Protocols', 'Results', 'Your data']);
    await menu.getByRole('button', { name: 'The register' }).click();
    await lastSays('The register is empty');
    await page.screenshot({ path: `${ARTIFACTS}/playground-console.png` });

    // Sam, a member, has none of the coordinator's buttons.
    await choosePersona('Sam Patel');
    await panel.locator('.card-section-title', { hasText: 'Results' }).waitFor();
    expect(await panel.locator('.card-section-title').allTextContents()).toEqual(['Results', 'Your data']);
    expect(await panel.getByRole('button', { name: 'Open one now' }).count()).toBe(0);
    expect(pageErrors).toEqual([]);
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

describe('playground check-ins', () => {
  let code = '';
  let itemIds: string[] = [];
  let statements: string[] = [];
  const comment = 'Referrals between the trust and the council are slow.';
  const dialog = () => page.getByRole('dialog');
  /** Closed and removed (a closed dialog leaves the accessibility tree before its close event has run). */
  const dialogGone = () => page.locator('dialog').waitFor({ state: 'detached' });
  const groups = () => dialog().getByRole('group');
  const checkInCard = () =>
    log()
      .locator('.msg-bot')
      .filter({ has: page.locator('.card-title', { hasText: 'Riverside Partnership: check-in #1' }) });
  /** The option chosen in each statement's group, in order ('' when none). */
  const chosen = () => groups().evaluateAll((gs) => gs.map((g) => (g.querySelector('input:checked')?.closest('label')?.textContent ?? '').trim()));

  beforeAll(async () => {
    checkIns = await startTrellis();
    await page.close();
    await openPage(checkIns.url);
  });

  it("delivers a check-in to Sam's direct messages, where he answers it in a private form", async () => {
    // Alex sets up; Sam and Jo join.
    await choosePersona('Alex Morgan');
    await chooseWhere(/#partnership-room/);
    await type('setup Riverside Partnership');
    code = /Invite code: ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(await text(lastReply()))?.[1] ?? '';
    expect(code).not.toBe('');
    await type('org add City Council public');
    await type('org add Hope Trust voluntary');
    for (const [name, org] of [
      ['Sam Patel', 'City Council'],
      ['Jo Williams', 'Hope Trust'],
    ]) {
      await choosePersona(name!);
      await chooseWhere(/Direct message with Trellis/);
      await type(`join ${code} ${org}`);
      expect(await text(lastReply())).toContain(`Welcome to Riverside Partnership, ${name}`);
    }

    // Alex opens a check-in in the channel; his own arrives in his DM (a badge says so).
    await choosePersona('Alex Morgan');
    await chooseWhere(/#partnership-room/);
    await type('survey now');
    expect(await text(lastReply())).toMatch(/Check-in #1 is open until .*, sent privately to 3 members\./);
    await expect.poll(() => page.locator('#dm-badge').innerText()).toBe('1 new');
    expect(await text(log())).not.toContain('Answer (1 minute)'); // nothing about it in the channel

    const [p] = await checkIns!.store.partnerships();
    const [round] = await checkIns!.store.rounds(p!.id);
    itemIds = round!.itemIds;
    const bank = bankFor([]);
    statements = itemIds.map((id) => bank.item(id)!.text);

    // Sam's DM: the check-in is there, with its button.
    await choosePersona('Sam Patel');
    await chooseWhere(/Direct message with Trellis/);
    await checkInCard().waitFor();
    expect(await page.locator('#dm-badge').isHidden()).toBe(true);
    expect(await text(checkInCard())).toMatch(
      new RegExp(`${itemIds.length} short statements about how the partnership is working — about a minute\\. Open until .*\\. Your answers are anonymous\\.`),
    );
    const entries = await log().locator('.msg').count();

    // The button opens a modal dialog: the statements, nothing posted to the conversation.
    await checkInCard().getByRole('button', { name: 'Answer (1 minute)' }).click();
    await dialog().waitFor();
    expect(await page.getByRole('dialog', { name: 'Check-in #1' }).count()).toBe(1);
    expect(await dialog().evaluate((d) => (d as HTMLDialogElement).open && d.matches(':modal'))).toBe(true);
    expect(await text(dialog().locator('.form-intro'))).toContain('How is Riverside Partnership working?');
    expect(await dialog().locator('.form-intro strong').innerText()).toBe('Riverside Partnership');
    expect(await groups().count()).toBe(itemIds.length);
    expect(await groups().locator('legend').allInnerTexts()).toEqual(statements.map((s, i) => `${i + 1}\n${s}`));
    expect(
      await groups()
        .first()
        .getByRole('radio')
        .evaluateAll((rs) => rs.map((r) => r.closest('label')!.textContent)),
    ).toEqual(['Strongly agree', 'Agree', 'Neither agree nor disagree', 'Disagree', 'Strongly disagree', 'Prefer not to say']);
    expect(await chosen()).toEqual(itemIds.map(() => ''));
    expect(await page.evaluate(() => document.activeElement?.closest('dialog') !== null)).toBe(true); // focus moved in
    expect(await log().locator('.msg').count()).toBe(entries);

    // Tab stays inside the dialog.
    const submit = dialog().getByRole('button', { name: 'Submit' });
    await submit.focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Close');
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Submit');

    // Choose answers and write a comment.
    const answers = ['Strongly agree', 'Agree', 'Neither agree nor disagree', 'Disagree', 'Prefer not to say'];
    const mine = itemIds.map((_, i) => answers[i % answers.length]!);
    for (let i = 0; i < itemIds.length; i++) await groups().nth(i).getByRole('radio', { name: mine[i], exact: true }).check();
    const box = dialog().getByRole('textbox', { name: /Anything else about how the partnership is working/ });
    await box.fill(comment);
    expect(await box.getAttribute('maxlength')).toBe('1000');
    expect(await dialog().locator('.counter').innerText()).toBe(`${comment.length} / 1000`);
    expect(await text(dialog().locator('.field-hint'))).toContain('never with your name');
    expect(await chosen()).toEqual(mine);
    await dialog()
      .locator('.form-body')
      .evaluate((b) => b.scrollTo(0, 0));
    await page.mouse.move(0, 0);
    await page.screenshot({ path: `${ARTIFACTS}/playground-checkin.png` });

    await submit.click();
    await dialogGone();
    // The reply comes privately to the DM; the check-in itself becomes "Answered".
    expect(await lastReply().locator('.card.tone-success').count()).toBe(1);
    expect(await text(lastReply().locator('.card-text'))).toMatch(/^✓ ?Thanks — your answers are in\. You can change them until /);
    await expect.poll(() => text(checkInCard())).toMatch(/Answered\. You can change your answers until /);
    expect(await checkInCard().locator('.edited').innerText()).toBe('(updated)');
    expect(await checkInCard().getByRole('button').allInnerTexts()).toEqual(['See or change my answers']);
    await page.screenshot({ path: `${ARTIFACTS}/playground-checkin-answered.png` });
    // Nothing Sam chose or wrote is in any conversation.
    for (const what of [comment, 'Strongly agree', 'Prefer not to say']) expect(await page.locator('body').innerText()).not.toContain(what);
    const sets = await checkIns!.store.answerSets(round!.id);
    expect(sets).toHaveLength(1);
    expect(sets[0]!.comment).toBe(comment);
    expect(Object.values(sets[0]!.values)).toEqual(
      mine.map((m) => ({ 'Strongly agree': 5, Agree: 4, 'Neither agree nor disagree': 3, Disagree: 2, 'Prefer not to say': null })[m]),
    );

    // Reopening shows his own answers; Esc closes it and focus goes back to the button.
    await checkInCard().getByRole('button', { name: 'See or change my answers' }).click();
    await dialog().waitFor();
    expect(await text(dialog().locator('.form-intro'))).toContain('These are the answers you gave');
    expect(await chosen()).toEqual(mine);
    expect(await dialog().getByRole('textbox').inputValue()).toBe(comment);
    await page.keyboard.press('Escape');
    await dialogGone();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('See or change my answers');
    expect(sets).toEqual(await checkIns!.store.answerSets(round!.id)); // closing changed nothing

    // The side panel offers the same, as Sam's own overview.
    const panelButton = page.locator('#overview').getByRole('button', { name: 'Riverside Partnership: see or change my answers' });
    await panelButton.click();
    await dialog().waitFor();
    expect(await chosen()).toEqual(mine);
    await dialog().getByRole('button', { name: 'Cancel' }).click();
    await dialogGone();
    expect(pageErrors).toEqual([]);
  });

  it('shows a missing answer beside its statement and keeps the form open with the choices made', async () => {
    await choosePersona('Jo Williams');
    await chooseWhere(/Direct message with Trellis/);
    await checkInCard().waitFor(); // seen: no badge once she moves on
    await chooseWhere(/#partnership-room/);
    expect(await page.locator('#dm-badge').isHidden()).toBe(true);
    // From the side panel, while in the channel.
    await page.locator('#overview').getByRole('button', { name: 'Riverside Partnership: answer check-in #1' }).click();
    await dialog().waitFor();
    const skipped = 1;
    for (let i = 0; i < itemIds.length; i++) if (i !== skipped) await groups().nth(i).getByRole('radio', { name: 'Agree', exact: true }).check();
    await dialog().getByRole('button', { name: 'Submit' }).click();

    const error = groups().nth(skipped).locator('.field-error');
    await error.waitFor();
    expect(await text(error)).toBe('! Choose an answer (or "Prefer not to say").');
    expect(await groups().nth(skipped).getAttribute('aria-describedby')).toBe(await error.getAttribute('id'));
    expect(await dialog().locator('.field-error:visible').count()).toBe(1);
    expect(await text(dialog().getByRole('alert').first())).toBe('Some answers need another look; nothing was recorded yet.');
    expect(await chosen()).toEqual(itemIds.map((_, i) => (i === skipped ? '' : 'Agree')));
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe(
      await groups().nth(skipped).locator('input').first().getAttribute('name'),
    );
    await page.screenshot({ path: `${ARTIFACTS}/playground-checkin-error.png` });
    const [p] = await checkIns!.store.partnerships();
    const [round] = await checkIns!.store.rounds(p!.id);
    expect(await checkIns!.store.answerSets(round!.id)).toHaveLength(1); // only Sam's

    // Answering it clears the error; submitting works.
    await groups().nth(skipped).getByRole('radio', { name: 'Disagree', exact: true }).check();
    expect(await dialog().locator('.field-error:visible').count()).toBe(0);
    await dialog().getByRole('button', { name: 'Submit' }).click();
    await dialogGone();
    expect(await checkIns!.store.answerSets(round!.id)).toHaveLength(2);
    // Jo is in the channel: the reply waits in her DM, which says so.
    await expect.poll(() => page.locator('#dm-badge').innerText()).toBe('1 new');
    expect(await text(log())).not.toContain('Thanks');
    await chooseWhere(/Direct message with Trellis/);
    expect(await text(lastReply())).toContain('Thanks — your answers are in.');
    await expect.poll(() => text(checkInCard())).toContain('Answered.');
    expect(pageErrors).toEqual([]);
  });

  it('renders statements typed by people as text, and fits a narrow screen', async () => {
    await choosePersona('Alex Morgan');
    await chooseWhere(/#partnership-room/);
    await type('survey close 1');
    expect(await text(lastReply())).toContain('Check-in #1 is closed: 2 of 3 answered (67%).');
    const evil = '<img src=x onerror="window.__pwned=1"> partners <b>share</b> data well';
    await type(`survey question add trust ${evil}`);
    expect(await lastReply().locator('.card.tone-success').count()).toBe(1);
    await type('survey healthcheck');
    expect(await text(lastReply())).toMatch(/Health check #2 \(all \d+ statements\) is open/);

    await page.setViewportSize({ width: 390, height: 844 });
    await choosePersona('Jo Williams');
    await chooseWhere(/Direct message with Trellis/);
    const card = log()
      .locator('.msg-bot')
      .filter({ has: page.locator('.card-title', { hasText: 'health check #2' }) });
    await card.getByRole('button', { name: 'Answer' }).click();
    await dialog().waitFor();
    expect(await page.getByRole('dialog', { name: 'Health check #2' }).count()).toBe(1);
    expect(await text(groups().locator('legend').filter({ hasText: 'onerror' }))).toMatch(new RegExp(`^\\d+ ${evil.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    expect(await dialog().locator('img, b').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

    // The sheet fills the narrow screen without sideways scrolling; Submit stays reachable.
    const box = (await dialog().boundingBox())!;
    expect(box.width).toBeLessThanOrEqual(390);
    expect(await dialog().evaluate((d) => d.scrollWidth - d.clientWidth)).toBeLessThanOrEqual(0);
    expect(
      await dialog()
        .locator('.form-body')
        .evaluate((b) => b.scrollWidth - b.clientWidth),
    ).toBeLessThanOrEqual(0);
    expect(await dialog().getByRole('button', { name: 'Submit' }).isVisible()).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}/playground-checkin-narrow.png` });
    await page.keyboard.press('Escape');
    await dialogGone();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(pageErrors).toEqual([]);
  });
});
