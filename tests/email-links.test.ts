// People on neither platform, end to end through the real entry points: a
// coordinator adds Jo by email in the playground; Trellis emails her through
// a real SMTP server (in process); her links are followed in real headless
// Chromium; she answers a check-in and raises a concern on the web pages.
// Throughout: opening any emailed link changes nothing stored, a form is
// accepted once, forged and expired links are refused with a 4xx page, and
// her address and her words sit in no data file, log line or email.
import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Button, Form, Message } from '../src/core/message.js';
import { FRIEND_SUBMIT } from '../src/core/concerns/concern-forms.js';
import { launchChromium } from './helpers/browser.js';
import { captureFile, difference, found, personValues } from './helpers/backup-diff.js';
import { fakeClock } from './helpers/fake-clock.js';
import { startTrellis, TEST_SECRET, type TestTrellis } from './helpers/start-trellis.js';
import { linksIn, startSmtpInbox, type SmtpInbox } from './helpers/smtp-inbox.js';
import { linkMaker } from '../src/web/web-links.js';
import { commandButton } from '../src/core/message.js';

type Persona = 'alex' | 'chris';
type Answer = { reply?: Message; form?: Form };

const ADDRESS = 'jo.smith@example.org';
const KIM = 'kim.lee@example.org';
const SMTP_PASSWORD = 'smtp-password-7731-kittiwake';
const COMMENT = 'The referral meetings work well now marker-comment-4471';
const CONCERN = 'Our voices are not heard at the board marker-concern-9902';
const REPLY = 'Thank you; can you say more? marker-reply-3318';
const ANSWER = 'Yes, twice this month marker-answer-6604';
const MARKERS = ['marker-comment-4471', 'marker-concern-9902', 'marker-reply-3318', 'marker-answer-6604'];

const clock = fakeClock('2026-11-23T09:00:00Z');
let smtp: SmtpInbox;
let t: TestTrellis;
let browser: Browser;
let page: Page;
let code = '';

const post = async (path: string, body: unknown): Promise<Answer> => {
  const res = await fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return (await res.json()) as Answer;
};
const say = async (persona: Persona, text: string, where: 'channel' | 'personal' = 'channel') =>
  (await post('/playground/command', { persona, text, where })).reply!;
const mailTo = (address: string) => smtp.mailTo(address);

/** Everything stored, claims included: what an operator holding a backup sees. */
const snapshot = async () => JSON.stringify({ data: JSON.parse(await t.data()), claims: await t.claims() });

/** GETs `url` in Chromium with the stored state captured either side: it must not change. */
async function openChangesNothing(url: string): Promise<number> {
  await t.drain();
  const before = await snapshot();
  const res = await page.goto(url);
  const status = res!.status();
  await t.drain();
  expect(await snapshot()).toBe(before);
  return status;
}

beforeAll(async () => {
  smtp = await startSmtpInbox(SMTP_PASSWORD);
  t = await startTrellis(
    {
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Trellis <trellis@example.org>',
      TRELLIS_MAIL_PER_SECOND: '100',
      TRELLIS_CONCERN_DELAY_MAX_SECONDS: '0',
    },
    { clock },
  );
  browser = await launchChromium();
  // No JavaScript at all: the pages must work without it.
  page = await browser.newPage({ javaScriptEnabled: false });
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
  await smtp?.close();
});

describe('email members and their web links', () => {
  let invitationLink = '';
  let checkInLink = '';

  it('adds Jo by email: a member named by a keyed hash, her address sealed, and one invitation emailed', async () => {
    const created = await say('alex', 'setup Riverside');
    code = /Invite code: \*([A-Z0-9]{4}-[A-Z0-9]{4})\*/.exec(created.text)![1]!;
    await say('alex', 'org add City Council public');
    expect(await say('alex', 'member add not-an-address City Council', 'personal')).toMatchObject({
      tone: 'error',
      text: expect.stringContaining('not an email address'),
    });
    expect(await say('alex', `member add ${ADDRESS} Nowhere Trust`, 'personal')).toMatchObject({
      tone: 'error',
      text: expect.stringContaining('no organisation called'),
    });
    await say('chris', `join ${code} independent`, 'personal');
    await say('alex', 'role Chris Evans critical-friend');

    const added = await say('alex', `member add Jo.Smith@Example.org City Council`, 'personal');
    expect(added).toMatchObject({ tone: 'success', text: expect.stringContaining('Added Jo Smith to Riverside by email') });
    await t.drain();
    // The same address again is the same person: nothing changes, nothing more is sent.
    const before = await snapshot();
    expect(await say('alex', `member add ${ADDRESS} City Council`, 'personal')).toMatchObject({
      tone: 'info',
      text: expect.stringContaining('already in Riverside'),
    });
    await t.drain();
    expect(await snapshot()).toBe(before);

    expect(mailTo(ADDRESS)).toHaveLength(1);
    const [invitation] = mailTo(ADDRESS);
    expect(invitation!.subject).toBe("You're invited to Riverside on Trellis");
    invitationLink = linksIn(invitation!)[0]!;
    expect(invitationLink).toMatch(new RegExp(`^${t.url}/w/`));
    // A non-member with a non-coordinator's word cannot add anyone.
    expect(await say('chris', `member add someone@example.org City Council`, 'personal')).toMatchObject({
      tone: 'error',
      text: expect.stringContaining('Only coordinators'),
    });
  });

  it('opens the invitation on GET without changing anything: her own page, with a link to raise a concern', async () => {
    expect(await openChangesNothing(invitationLink)).toBe(200);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Trellis');
    const headers = (await fetch(invitationLink)).headers;
    expect(headers.get('content-security-policy')).toBe(
      "default-src 'none'; style-src 'self' 'unsafe-inline'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    );
    expect([headers.get('cache-control'), headers.get('referrer-policy'), headers.get('x-frame-options')]).toEqual(['no-store', 'no-referrer', 'DENY']);
    expect(await page.locator('main').innerText()).toContain('Riverside — member, City Council');
    expect(await page.getByRole('link', { name: 'Raise a concern' }).count()).toBe(1);
  });

  it('emails the check-in as a content-free notice whose link opens the private form on GET, changing nothing', async () => {
    // Kim, also by email, will not answer: she is the one reminded.
    expect((await say('alex', `member add ${KIM} City Council`, 'personal')).tone).toBe('success');
    expect((await say('alex', 'survey now')).tone).toBe('success');
    await t.drain();
    const checkIn = mailTo(ADDRESS).find((m) => m.subject === 'Riverside: check-in #1')!;
    expect(checkIn).toBeDefined();
    expect(checkIn.text).not.toContain('statement');
    checkInLink = linksIn(checkIn)[0]!;
    expect(await openChangesNothing(checkInLink)).toBe(200);
    const legends = page.locator('fieldset legend');
    expect(await legends.count()).toBeGreaterThan(1);
    expect(await page.getByLabel('Anything else about how the partnership is working? (optional)').count()).toBe(1);
  });

  it('shows each missing answer beside its field, and records nothing (but the spent form token)', async () => {
    const before = await t.data();
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.waitForLoadState();
    expect(await page.locator('.summary[role=alert]').count()).toBe(1);
    const errors = page.locator('fieldset p.error');
    expect(await errors.count()).toBe(await page.locator('fieldset').count());
    expect(await errors.first().innerText()).toContain('Choose an answer');
    // For a person to look at: the form as an email member sees it, its errors beside their fields.
    await mkdir('tests/artifacts', { recursive: true });
    await page.screenshot({ path: 'tests/artifacts/email-check-in-errors.png', fullPage: true });
    await t.drain();
    expect(await t.data()).toBe(before);
  });

  it('records the answers once, from the form POST, and the stored diff of that answer names nobody', async () => {
    const fieldsets = page.locator('fieldset');
    for (let i = 0; i < (await fieldsets.count()); i++) await fieldsets.nth(i).getByLabel('Agree', { exact: true }).check();
    await page.getByLabel('Anything else about how the partnership is working? (optional)').fill(COMMENT);
    let body = '';
    page.once('request', (r) => {
      if (r.method() === 'POST') body = r.postData() ?? '';
    });
    await t.drain();
    const before = JSON.parse(await t.data());
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.waitForLoadState();
    expect(await page.locator('main').innerText()).toContain('Thanks — your answers are in.');
    await t.drain();
    const after = JSON.parse(await t.data());
    const changed = difference(captureFile(JSON.stringify(before)), captureFile(JSON.stringify(after)));
    expect(changed.length).toBeGreaterThan(0);
    const jo = (after.members as { userId: string; displayName: string }[]).find((m) => m.displayName === 'Jo Smith')!;
    expect(found(changed.join('\n'), personValues(after, [ADDRESS, jo.userId]))).toEqual([]);

    // The same POST again (a replay, the back button): refused, nothing more recorded.
    const replayBefore = await t.data();
    const replay = await fetch(checkInLink, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', host: new URL(t.url).host },
      body,
    });
    expect(replay.status).toBe(409);
    expect(await replay.text()).toContain('already sent');
    // A POST with no per-form token (a cross-site form) is refused too.
    const forged = await fetch(checkInLink, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: body.replace(/_csrf=[^&]+/, '_csrf=x'),
    });
    expect(forged.status).toBe(403);
    await t.drain();
    expect(await t.data()).toBe(replayBefore);
  });

  it('reminds by email only the email member who has not answered', async () => {
    const checkIns = (to: string) => mailTo(to).filter((m) => m.subject === 'Riverside: check-in #1');
    const reminders = (to: string) => mailTo(to).filter((m) => m.subject === 'Reminder — Riverside: check-in #1');
    expect([checkIns(ADDRESS).length, checkIns(KIM).length]).toEqual([1, 1]);
    clock.advance(49 * 3_600_000);
    await t.tick();
    expect([reminders(ADDRESS).length, reminders(KIM).length]).toEqual([0, 1]);
  });

  it('shows a button that changes something on GET and acts only on its POST, once', async () => {
    const jo = (JSON.parse(await t.data()) as { members: { displayName: string; userId: string; organisationId?: string }[] }).members.find(
      (m) => m.displayName === 'Jo Smith',
    )!;
    const person = { platform: 'email' as const, workspace: 'email', userId: jo.userId };
    const join = linkMaker(TEST_SECRET, () => t.url, clock)(person, commandButton('Join as independent', `join ${code} independent`));
    expect(await openChangesNothing(join)).toBe(200);
    expect(await page.locator('main').innerText()).toContain('Nothing has been done yet');
    expect(jo.organisationId).toBeDefined();
    const claimsBefore = new Set((await t.claims()).map((c) => JSON.stringify(c)));
    await page.getByRole('button', { name: 'Join as independent' }).click();
    // Leaving an organisation is asked first (the POST's page); its Confirm is a personal link of its own, GET-safe like the rest.
    await page.getByText('Move to independent (no organisation)?').waitFor();
    // The POST claimed its form's nonce: wait for that write, so the snapshots below see only what a GET might do
    // (a new claim, not a count: under load older claims may expire in the same write).
    await expect.poll(async () => (await t.claims()).some((c) => !claimsBefore.has(JSON.stringify(c)))).toBe(true);
    expect((await t.store.membershipsOf(person))[0]!.organisationId).toBeDefined();
    const confirm = await page.getByRole('link', { name: 'Confirm' }).getAttribute('href');
    expect(await openChangesNothing(new URL(confirm!, t.url).href)).toBe(200);
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('your organisation is now independent').waitFor();
    const after = (await t.store.membershipsOf(person))[0]!;
    expect(after.organisationId).toBeUndefined();
    // Back to City Council for what follows, from the coordinator's side.
    await say('alex', `member add ${ADDRESS} City Council`, 'personal');
  });

  it('refuses forged and altered links with a clear 403 page', async () => {
    for (const bad of [`${checkInLink}x`, checkInLink.replace(/\/w\/./, '/w/A'), `${t.url}/w/nothing.here`]) {
      expect(await openChangesNothing(bad)).toBe(403);
      expect(await page.locator('main').innerText()).toContain('This link is not valid');
    }
  });

  it('raises a concern from her page; the reply reaches her as a content-free email, the thread only behind its link', async () => {
    await page.goto(invitationLink);
    await page.getByRole('link', { name: 'Raise a concern' }).click();
    await page.waitForLoadState();
    await page.getByRole('radio', { name: 'Communication failures' }).check();
    await page.getByLabel('What is happening?').fill(CONCERN);
    await page.getByRole('button', { name: 'Send' }).click();
    await page.waitForLoadState();
    expect(await page.locator('section').first().getAttribute('class')).toContain('tone-success');
    await t.tick();

    const inbox = (await (await fetch(`${t.url}/playground/inbox?persona=chris`)).json()) as { messages: { message: Message }[] };
    const note = inbox.messages.map((m) => m.message).find((m) => m.title?.startsWith('Concern C-'))!;
    const open = note.buttons!.find((b: Button) => b.opensForm)!;
    const friendForm = (await post('/playground/action', { persona: 'chris', actionId: open.actionId, value: open.value, where: 'personal' })).form!;
    expect(JSON.stringify(friendForm)).toContain('marker-concern-9902');
    expect(JSON.stringify(friendForm)).not.toContain('Jo');
    const sent = await post('/playground/submit', {
      persona: 'chris',
      actionId: FRIEND_SUBMIT,
      context: friendForm.context,
      values: { reply: REPLY, status: 'open' },
    });
    expect(sent).toBeDefined();
    await t.drain();

    const notice = mailTo(ADDRESS).find((m) => /^Your concern C-/.test(m.subject ?? ''))!;
    expect(notice).toBeDefined();
    const [threadLink] = linksIn(notice);
    expect(await openChangesNothing(threadLink!)).toBe(200);
    expect(await page.locator('ol.thread').innerText()).toContain(REPLY.split('\n')[0]);

    // She answers back from the page; the critical friend reads it in their own form, still not knowing who she is.
    await page.getByLabel('Your answer (optional)').fill(ANSWER);
    await page.getByRole('button', { name: 'Send' }).click();
    await page.waitForLoadState();
    expect(await page.locator('section').first().getAttribute('class')).toContain('tone-success');
    const again = (await post('/playground/action', { persona: 'chris', actionId: open.actionId, value: open.value, where: 'personal' })).form!;
    expect(JSON.stringify(again.thread)).toContain('marker-answer-6604');
    expect(JSON.stringify(again)).not.toMatch(/Jo|Smith|email/i);
  });

  it('changes nothing when any link in any email is opened, however often', async () => {
    const links = smtp.mail.flatMap(linksIn);
    expect(links.length).toBeGreaterThanOrEqual(3);
    for (const link of links) expect(await openChangesNothing(link)).toBe(200);
    for (const m of smtp.mail) {
      expect(m.from?.value[0]).toEqual({ name: 'Trellis', address: 'trellis@example.org' });
      expect(m.headers.get('auto-submitted')).toBe('auto-generated');
    }
  });

  it('refuses the check-in link once the round has closed, and every link once it has expired', async () => {
    await say('alex', 'survey close 1');
    await t.drain();
    expect(await openChangesNothing(checkInLink)).toBe(410);
    expect(await page.locator('main').innerText()).toContain('closed');
    clock.advance(15 * 24 * 3_600_000);
    expect(await openChangesNothing(invitationLink)).toBe(410);
    expect(await page.locator('main').innerText()).toContain('expired');
  });

  it('keeps her address and her words out of the data file, the logs and every email', async () => {
    const data = await t.data();
    expect(data).not.toContain(ADDRESS);
    expect(data.toLowerCase()).not.toContain('example.org');
    // A check-in's comment is filed, unlinked, with the answers (as from chat); a concern's words and replies only sealed.
    for (const marker of MARKERS.slice(1)) expect(data).not.toContain(marker);
    const logs = t.logs.join('\n');
    expect(logs).not.toContain(ADDRESS);
    expect(logs).not.toContain(SMTP_PASSWORD);
    for (const marker of MARKERS) expect(logs).not.toContain(marker);
    expect(smtp.mail.length).toBeGreaterThanOrEqual(3);
    for (const m of smtp.mail) for (const marker of MARKERS) expect(`${m.subject}\n${m.text}\n${m.html}`).not.toContain(marker);
  });
});
