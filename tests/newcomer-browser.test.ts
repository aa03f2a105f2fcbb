// The newcomer's walk-through, in a real headless Chromium against a real
// server: load the demo and see trends and breakdowns by clicking only; then,
// on an empty playground, run a whole cycle — set-up, check-in, results,
// protocol review, concern — without typing a single command: only the `menu`
// chip, the side panel's console, buttons in messages, and forms.
import { mkdir } from 'node:fs/promises';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './helpers/browser.js';
import { fakeClock } from './helpers/fake-clock.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';

const ARTIFACTS = 'tests/artifacts';

let browser: Browser;
let page: Page;
let pageErrors: string[] = [];
/** What the page sent to /playground/command: only chips may send any (the test types no command). */
let commandTexts: string[] = [];

const log = () => page.locator('#log');
const panel = () => page.locator('#overview');
const dialogGone = () => page.locator('dialog').waitFor({ state: 'detached' });
const lastReply = () => log().locator('.msg-bot, .msg-error').last();
const text = async (l: Locator) => (await l.innerText()).replace(/\s+/g, ' ').trim();
const card = (title: string | RegExp) =>
  log()
    .locator('.msg-bot')
    .filter({ has: page.locator('.card-title', { hasText: title }) });
const chooseWhere = (name: RegExp) => page.getByRole('radio', { name }).check();
const room = () => chooseWhere(/#partnership-room/);
const dm = () => chooseWhere(/Direct message with Trellis/);

async function openPage(url: string) {
  pageErrors = [];
  commandTexts = [];
  page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'en-GB' });
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(m.text());
  });
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/playground/command')) commandTexts.push(String(JSON.parse(r.postData() ?? '{}').text));
  });
  await page.goto(`${url}/`);
  await page.locator('body[data-ready="true"]').waitFor();
}

/** Acts as this person, once their side panel has been fetched afresh. */
async function choosePersona(name: string) {
  const radio = page.getByRole('radio', { name: new RegExp(`^${name}`) });
  if (await radio.isChecked()) return;
  await Promise.all([page.waitForResponse((r) => r.url().includes('/playground/overview?persona=')), radio.check()]);
}

/** Clicks a button and waits until the last Trellis reply says `words`. */
async function clickFor(button: Locator, words: string | RegExp) {
  await button.click();
  await expect.poll(() => text(lastReply()), { timeout: 10_000 }).toMatch(words);
}

/** Clicks a button that opens a private form, and returns its dialog. */
async function openForm(button: Locator, title: string | RegExp) {
  await button.click();
  const form = page.getByRole('dialog', { name: title });
  await form.waitFor();
  return form;
}

/** Submits a form and waits until it has gone and the last Trellis reply says `words`. */
async function submit(form: Locator, label: string, words: string | RegExp) {
  await form.getByRole('button', { name: label, exact: true }).click();
  await dialogGone();
  await expect.poll(() => text(lastReply()), { timeout: 10_000 }).toMatch(words);
}

const consoleButton = (name: string) => panel().getByRole('button', { name, exact: true });

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe('loads the demo and sees results', () => {
  let t: TestTrellis;
  beforeAll(async () => {
    t = await startTrellis();
    await openPage(t.url);
  });
  afterAll(async () => {
    await page?.close();
    await t?.close();
  });

  it('shows trends with a chart, the by-sector figures and a protocol due, by clicking only', async () => {
    await page.getByRole('button', { name: 'Load a demo partnership' }).click();
    await expect.poll(() => text(page.locator('#demo-status')), { timeout: 30_000 }).toContain('Demo partnership loaded');
    expect(await page.getByRole('radio', { name: /^Alex Morgan/ }).isChecked()).toBe(true);

    // The `menu` chip shows Alex's console in the room, with the same jobs as the side panel.
    await room();
    await clickFor(page.getByRole('button', { name: 'menu', exact: true }), /What you can do now/);
    expect(await lastReply().locator('.card-section-title').allTextContents()).toEqual(expect.arrayContaining(['Check-ins', 'Protocols', 'Results']));

    // Trends, from the menu's own button: real figures and a chart.
    await clickFor(lastReply().getByRole('button', { name: 'Trends', exact: true }), /trends/);
    const trends = lastReply();
    expect(await text(trends)).toMatch(/Trust \w+ \w+, from [\d.]+ to [\d.]+/);
    expect(await text(trends)).toMatch(/Participation in check-in #\d+: \d+ of \d+ \(\d+%\)/);
    const chart = trends.locator('img.chart-img');
    await chart.waitFor();
    expect(await chart.getAttribute('src')).toMatch(/^data:image\/svg\+xml/);

    // The breakdown by sector, from the side panel: a figure and a count per sector.
    await clickFor(consoleButton('By sector'), /by sector and organisation/);
    const sectors = await lastReply().locator('ul.items li').allInnerTexts();
    expect(sectors.find((s) => s.startsWith('Trust by sector'))).toMatch(
      /^Trust by sector: community [\d.]+ \(\d+\) · public [\d.]+ \(\d+\) · voluntary [\d.]+ \(\d+\)$/,
    );

    // A protocol is due: the console says which, and starts its review with one click.
    const protocols = panel()
      .locator('section, .card-section')
      .filter({ has: page.locator('.card-section-title', { hasText: 'Protocols' }) })
      .last();
    expect(await text(protocols)).toMatch(/Due for review: P-\d+/);
    const start = protocols.getByRole('button', { name: /^Start review P-\d+$/ }).first();
    const ref = (await start.innerText()).replace('Start review ', '');
    await clickFor(protocols.getByRole('button', { name: 'The register', exact: true }), /P-\d+/);
    expect(await text(lastReply())).toMatch(new RegExp(`${ref} .* — review (due|overdue)`));
    await clickFor(start, new RegExp(`Review of ${ref} .* started: \\d+ members? of the parties asked privately`));

    await page.screenshot({ path: `${ARTIFACTS}/newcomer-demo.png`, fullPage: true });
    expect(commandTexts).toEqual(['menu']);
    expect(pageErrors).toEqual([]);
  }, 90_000);
});

describe('runs a whole cycle without typing a command', () => {
  const clock = fakeClock('2026-11-23T09:00:00Z'); // a Monday; the partnership's "today" is 2026-11-23
  const MEMBERS = [
    ['Rosa Diaz', 'City Council'],
    ['Ken Ito', 'Hope Trust'],
    ['Maya Roy', 'City Council'],
    ['Tom Hale', 'Hope Trust'],
  ] as const;
  const FRIEND = 'Fern Adler';
  const HAPPENING = 'Decisions about referrals are made before the meetings.';
  const REPLY = 'Thank you for telling me. When did this last happen?';
  let t: TestTrellis;
  let code = '';
  let pseudonym = '';

  beforeAll(async () => {
    t = await startTrellis({}, { clock });
    await openPage(t.url);
  });
  afterAll(async () => {
    await page?.close();
    await t?.close();
  });

  it('sets up a partnership from the `menu` chip, then the checklist and console forms', async () => {
    await choosePersona('Alex Morgan');
    await room();
    await clickFor(page.getByRole('button', { name: 'menu', exact: true }), /not in a partnership yet/);
    const setup = await openForm(lastReply().getByRole('button', { name: 'Set up a partnership here' }), 'Set up a partnership');
    await setup.getByLabel('Name of the partnership').fill('Riverside Partnership');
    await setup.getByRole('button', { name: 'Set up', exact: true }).click();
    await dialogGone();
    // A form opened by a button answers privately: the confirmation and the checklist wait in Alex's DM.
    await expect.poll(() => page.locator('#dm-badge').innerText()).toBe('2 new');
    await dm();
    expect(await text(card('Partnership created'))).toMatch(/Riverside Partnership .*Invite code: [A-Z0-9]{4}-[A-Z0-9]{4}/);
    expect(await text(panel().locator('.partnership-name'))).toBe('Riverside Partnership');

    // The checklist: its buttons add an organisation and choose his own.
    const checklist = card('Set up Riverside Partnership');
    await checklist.waitFor();
    const addOrg = await openForm(checklist.getByRole('button', { name: 'Add an organisation' }), 'Add an organisation');
    await addOrg.getByLabel('Name').fill('City Council');
    await addOrg.getByRole('group', { name: 'Sector' }).getByRole('radio', { name: 'Public' }).check();
    await submit(addOrg, 'Add', /Added City Council \(public\) to Riverside Partnership/);
    // The second from the console's Partners section.
    const addOrg2 = await openForm(consoleButton('Add an organisation'), 'Add an organisation');
    await addOrg2.getByLabel('Name').fill('Hope Trust');
    await addOrg2.getByRole('group', { name: 'Sector' }).getByRole('radio', { name: 'Voluntary' }).check();
    await submit(addOrg2, 'Add', /Added Hope Trust \(voluntary\) to Riverside Partnership/);

    const mine = await openForm(checklist.getByRole('button', { name: 'Choose my organisation' }), 'Your organisation');
    await mine.getByRole('radio', { name: 'City Council' }).check();
    await submit(mine, 'Save', /your organisation is now City Council/);
    expect(await text(panel().locator('.partnership-detail'))).toContain('coordinator, City Council');
    expect(await text(checklist)).toMatch(/2 of 5 done/);
  }, 90_000);

  it('adds people with the invite code the console shows, and chooses a critical friend and a schedule by forms', async () => {
    await clickFor(consoleButton('Invite code'), /Invite code for Riverside Partnership/);
    code = /([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(await text(lastReply()))![1]!;

    if (!(await page.locator('#add-person').getAttribute('open'))) await page.getByText('Add a person').click();
    const add = page.locator('#add-person-form');
    for (const [name, org] of [...MEMBERS, [FRIEND, 'independent']] as const) {
      await add.getByLabel('Name').fill(name);
      await add.getByLabel('Organisation').fill(org);
      await add.getByLabel('Invite code').fill(code);
      await add.getByRole('button', { name: 'Add and join' }).click();
      await expect.poll(() => text(page.locator('#add-person-status'))).toContain(`Welcome to Riverside Partnership, ${name}`);
      await expect.poll(() => page.getByRole('radio', { name: new RegExp(`^${name}`) }).isChecked()).toBe(true);
    }

    await choosePersona('Alex Morgan');
    await dm();
    const role = await openForm(consoleButton('Change a role'), 'Change a role');
    await role
      .getByRole('group', { name: 'Member' })
      .getByRole('radio', { name: new RegExp(`^${FRIEND}`) })
      .check();
    await role.getByRole('group', { name: 'Role' }).getByRole('radio', { name: 'Critical friend' }).check();
    await submit(role, 'Change', new RegExp(`${FRIEND}.*critical friend`));

    const schedule = await openForm(consoleButton('Schedule check-ins'), 'Check-in schedule');
    await schedule.getByRole('group', { name: 'How often' }).getByRole('radio', { name: 'Weekly' }).check();
    await schedule.getByRole('group', { name: /^Day/ }).getByRole('radio', { name: 'Thursday' }).check();
    await submit(schedule, 'Save', /Check-ins for Riverside Partnership: every Thursday at 09:00 \(Europe\/London\)\. The next opens 26 Nov 2026, 09:00\./);
    const checklist = card('Set up Riverside Partnership');
    expect(await text(checklist)).toContain('Riverside Partnership is set up: every step is done.');

    // The critical friend's console is theirs: concerns, no check-in.
    await choosePersona(FRIEND);
    await panel().locator('.card-section-title', { hasText: 'Concerns' }).waitFor();
    expect(await panel().getByRole('button', { name: 'Open one now' }).count()).toBe(0);
  }, 120_000);

  it('opens a check-in from the console; everyone answers from "To answer"; closing it posts the digest; Trends shows figures', async () => {
    await choosePersona('Alex Morgan');
    await room();
    await clickFor(consoleButton('Open one now'), /Check-in #1 is open until .*, sent privately to 5 members\./);

    for (const who of ['Alex Morgan', ...MEMBERS.map(([name]) => name)]) {
      await choosePersona(who);
      await dm();
      const answer = await openForm(panel().getByRole('button', { name: 'Riverside Partnership: answer check-in #1' }), 'Check-in #1');
      const groups = answer.getByRole('group');
      const n = await groups.count();
      expect(n).toBeGreaterThan(0);
      for (let i = 0; i < n; i++) await groups.nth(i).getByRole('radio', { name: 'Agree', exact: true }).check();
      await submit(answer, 'Submit', /Thanks — your answers are in/);
      await expect.poll(() => panel().getByRole('button', { name: 'Riverside Partnership: see or change my answers' }).count()).toBe(1);
    }

    await choosePersona('Alex Morgan');
    await dm();
    await clickFor(consoleButton('Close it now'), /Check-in #1 is closed: 5 of 5 answered \(100%\)\./);
    await room();
    const digest = card('Riverside Partnership: check-in #1 results');
    await digest.waitFor();
    expect(await text(digest)).toMatch(/Trust \d+/);

    await clickFor(consoleButton('Trends'), /trends/);
    const trends = lastReply();
    expect(await text(trends)).toMatch(/Trust \d+(\.\d+)?/);
    expect(await text(trends)).toContain('Participation in check-in #1: 5 of 5 (100%).');
    await trends.locator('img.chart-img').waitFor();
  }, 180_000);

  it('adds a protocol, starts its review from the console, a party member answers, and Alex closes it by form', async () => {
    await choosePersona('Alex Morgan');
    await dm();
    const add = await openForm(consoleButton('Add a protocol'), 'Add a protocol');
    await add.getByLabel('Title').fill('Referral pathway');
    await add.getByRole('group', { name: 'Kind' }).getByRole('radio', { name: 'Protocol' }).check();
    await add.getByLabel('Purpose').fill('How the council and Hope Trust refer families to each other.');
    await add.getByRole('group', { name: 'Parties (organisations)' }).getByRole('checkbox', { name: 'Hope Trust' }).check();
    await add.getByRole('group', { name: 'Owner' }).getByRole('radio', { name: 'Alex Morgan' }).check();
    await add.getByLabel('Review every (months, 1–60)').fill('6');
    await add.getByLabel('Next review date').fill('2026-11-30');
    await submit(add, 'Save', /Added P-1 Referral pathway: next review 30 Nov 2026\./);

    await expect.poll(() => text(panel())).toContain('Due for review: P-1.');
    await clickFor(consoleButton('Start review P-1'), /Review of P-1 Referral pathway started: 2 members of the parties asked privately\./);
    await expect.poll(() => text(panel())).toContain('Under review: P-1.');

    await choosePersona('Ken Ito');
    await dm();
    const review = card('Review: Referral pathway');
    await review.waitFor();
    const form = await openForm(review.getByRole('button', { name: 'Give your view' }), 'Review P-1');
    const groups = form.getByRole('group');
    for (let i = 0; i < 4; i++) await groups.nth(i).getByRole('radio', { name: 'Agree', exact: true }).check();
    await groups.nth(4).getByRole('radio', { name: 'Keep it as it is' }).check();
    await submit(form, 'Submit', /your view is in/);

    await choosePersona('Alex Morgan');
    await dm();
    const close = await openForm(consoleButton('Close a review'), 'Close a review');
    expect(await close.getByRole('group', { name: 'Protocol' }).getByRole('radio', { name: 'P-1 Referral pathway' }).isChecked()).toBe(true);
    await close.getByRole('group', { name: 'Outcome' }).getByRole('radio', { name: 'Kept as it is' }).check();
    await submit(close, 'Close review', /Review of P-1 closed: kept\..*Next review 23 May 2027\./);
    await expect.poll(() => panel().getByRole('button', { name: 'Close a review' }).count()).toBe(0);
  }, 120_000);

  it('lets a member raise a concern from the console; the critical friend replies from theirs; the member reads the reply', async () => {
    await choosePersona('Rosa Diaz');
    await dm();
    const raise = await openForm(consoleButton('Raise a concern'), 'Raise a concern');
    await raise.getByRole('group', { name: 'What is it about?' }).getByRole('radio').first().check();
    await raise.getByLabel('What is happening?').fill(HAPPENING);
    await submit(raise, 'Send', /Your reference is C-[A-Z0-9]{4}/);
    pseudonym = /Your reference is (C-[A-Z0-9]{4})/.exec(await text(lastReply()))![1]!;

    await choosePersona(FRIEND);
    await dm();
    await expect.poll(() => text(panel())).toContain('1 open conversation, 1 waiting for your reply.');
    const read = await openForm(consoleButton(`Open ${pseudonym}`), `Concern ${pseudonym}`);
    expect(await text(read.locator('.thread'))).toContain(HAPPENING);
    expect(await read.innerText()).not.toContain('Rosa');
    await read.getByLabel('Your reply (optional)').fill(REPLY);
    await submit(read, 'Send', `Sent to the person behind ${pseudonym}.`);

    await choosePersona('Rosa Diaz');
    await dm();
    await card(`Your concern ${pseudonym}`).waitFor();
    const conversation = await openForm(page.locator('#conversations').getByRole('button', { name: 'Read and answer' }), `Concern ${pseudonym}`);
    const turns = conversation.locator('.thread .turn');
    expect(await turns.locator('.turn-who').allInnerTexts()).toEqual(['You', 'Critical friend']);
    expect(await text(turns.nth(1))).toContain(REPLY);
    await page.screenshot({ path: `${ARTIFACTS}/newcomer-cycle.png`, fullPage: true });
    await conversation.getByRole('button', { name: 'Cancel' }).click();
    await dialogGone();

    // No command was typed: the one request of a typed kind was the `menu` chip's.
    expect(commandTexts).toEqual(['menu']);
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
