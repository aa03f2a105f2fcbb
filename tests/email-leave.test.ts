// An email member's rights, end to end through the real entry points: Jo is
// added by email in the playground, Trellis emails her through a real SMTP
// server, and real headless Chromium (no JavaScript) follows her links. From
// her page she sees her data and leaves: every GET changes nothing, the one
// POST erases her, a replay of it changes nothing, and afterwards her links
// open a plain "You have left" page. Kim, removed by the coordinator, is told by
// email. Neither's
// id, name or address is left in the data file or the logs.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../src/core/message.js';
import { emailUserId } from '../src/core/email-identity.js';
import { unseal } from '../src/core/seal.js';
import { OUTBOX_SEAL } from '../src/delivery/outbox-messenger.js';
import { launchChromium } from './helpers/browser.js';
import { fakeClock } from './helpers/fake-clock.js';
import { linksIn, startSmtpInbox, type SmtpInbox } from './helpers/smtp-inbox.js';
import { startTrellis, TEST_SECRET, type TestTrellis } from './helpers/start-trellis.js';

const JO = 'jo.quartermaine@example.org';
const KIM = 'kim.okonkwo@example.org';
const SMTP_PASSWORD = 'smtp-password-2291-guillemot';

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
const say = (text: string) => post('/playground/command', { persona: 'alex', text, where: 'personal' });

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

/** What names an email person as Trellis keeps them: the keyed hash of the address, the name made from it, the address. */
const tracesOf = (address: string, name: string) => [address, emailUserId(TEST_SECRET, address), name, name.split(' ')[1]!];
const JO_TRACES = tracesOf(JO, 'Jo Quartermaine');
const KIM_TRACES = tracesOf(KIM, 'Kim Okonkwo');

/** Which of `traces` appear, case-insensitively, in `text`. */
const foundIn = (text: string, traces: string[]) => traces.filter((x) => text.toLowerCase().includes(x.toLowerCase()));

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

describe('an email member sees her data and leaves from her own page', () => {
  let overview = '';
  let leaveBody = '';
  let leaveAction = '';

  it('adds Jo and Kim by email; both are in the data file before', async () => {
    await post('/playground/command', { persona: 'alex', text: 'setup Riverside', where: 'channel' });
    await say('org add City Council public');
    expect((await say(`member add ${JO} City Council`)).tone).toBe('success');
    expect((await say(`member add ${KIM} City Council`)).tone).toBe('success');
    await t.drain();
    overview = linksIn(smtp.mailTo(JO)[0]!)[0]!;
    // The search below would find them: the hash and the name are stored (the address only sealed).
    expect(foundIn(await t.data(), [...JO_TRACES, ...KIM_TRACES])).toEqual([
      JO_TRACES[1],
      JO_TRACES[2],
      JO_TRACES[3],
      KIM_TRACES[1],
      KIM_TRACES[2],
      KIM_TRACES[3],
    ]);
  });

  it('shows "My data" on her page, which opens her own data and changes nothing', async () => {
    expect(await openChangesNothing(overview)).toBe(200);
    const main = page.locator('main');
    expect(await main.getByRole('heading', { level: 2, name: 'Your data' }).count()).toBe(1);
    const myData = await page.getByRole('link', { name: 'My data' }).getAttribute('href');
    expect(await openChangesNothing(myData!)).toBe(200);
    const text = await main.innerText();
    expect(text).toContain(`Your email address: ${JO}`);
    expect(text).toContain('Riverside: member of City Council (public), as Jo Quartermaine');
    expect(text).not.toContain(KIM);
  });

  it('asks first, on GET, with the same wording as in chat, and changes nothing', async () => {
    expect(await openChangesNothing(overview)).toBe(200);
    const leave = await page.getByRole('link', { name: 'Leave Riverside' }).getAttribute('href');
    expect(await openChangesNothing(leave!)).toBe(200);
    const text = await page.locator('main').innerText();
    expect(text).toContain('Leave Riverside?');
    expect(text).toContain('Your past answers stay in the partnership’s figures, linked to no one');
    expect(text).toContain('This cannot be undone');
    // Its answer is the form on this page, a POST; "Stay" only shows where things stand.
    expect(await page.getByRole('button', { name: 'Leave' }).getAttribute('class')).toBe('danger');
    const stay = await page.getByRole('link', { name: 'Stay' }).getAttribute('href');
    expect(await openChangesNothing(stay!)).toBe(200);
    expect(await page.locator('main').innerText()).toContain('Riverside');
    await page.goto(leave!);
    leaveAction = new URL((await page.locator('form').getAttribute('action'))!, t.url).href;
  });

  it('erases her on the POST: nothing of her is left in the data file or the logs', async () => {
    page.once('request', (r) => {
      if (r.method() === 'POST') leaveBody = r.postData() ?? '';
    });
    await page.getByRole('button', { name: 'Leave' }).click();
    await page.getByText('You have left Riverside.').waitFor();
    await t.drain();
    expect(foundIn(await t.data(), JO_TRACES)).toEqual([]);
    expect(foundIn(t.logs.join('\n'), JO_TRACES)).toEqual([]);
    expect((await t.store.membershipsOf({ platform: 'email', workspace: 'email', userId: emailUserId(TEST_SECRET, JO) })).length).toBe(0);
  });

  it('changes nothing when the POST is replayed, and her links open a plain "You have left" page, never a 5xx', async () => {
    await t.drain();
    const before = await snapshot();
    const replay = await fetch(leaveAction, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: leaveBody });
    expect(replay.status).toBe(410);
    expect(await replay.text()).toContain('You have left Trellis');
    await t.drain();
    expect(await snapshot()).toBe(before);
    for (const link of smtp.mailTo(JO).flatMap(linksIn)) {
      expect(await openChangesNothing(link)).toBe(410);
      expect(await page.locator('main').innerText()).toContain('You are no longer in any partnership on Trellis');
    }
  });

  it('tells Kim by email when the coordinator removes her, then erases her; her links open the same plain page', async () => {
    const ask = await say('member remove Kim Okonkwo');
    const remove = ask.buttons!.find((b) => b.label === 'Remove')!;
    const done = await post('/playground/action', { persona: 'alex', actionId: remove.actionId, value: remove.value, where: 'personal' });
    expect(done.tone).toBe('success');
    await t.drain();
    // Told at the address taken when the note was queued: by the time it went, the member's sealed address was erased.
    const told = smtp.mailTo(KIM).at(-1)!;
    expect(told.subject).toBe('Riverside');
    const [link] = linksIn(told);
    expect(await openChangesNothing(link!)).toBe(410);
    expect(foundIn(await t.data(), KIM_TRACES)).toEqual([]);
    // Nor, opened with the secret, in the outbox: the address pinned to her note went with it once sent.
    const outgoing = (JSON.parse(await t.data()) as { outgoing: { sealed: string }[] }).outgoing;
    const opened = outgoing.map((o) => JSON.stringify(o.sealed ? unseal(TEST_SECRET, OUTBOX_SEAL, o.sealed) : null));
    expect(opened.length).toBeGreaterThan(0);
    expect(foundIn(opened.join('\n'), [KIM, JO])).toEqual([]);
    expect(foundIn(t.logs.join('\n'), [...JO_TRACES, ...KIM_TRACES])).toEqual([]);
    for (const link of smtp.mailTo(KIM).flatMap(linksIn)) expect(await openChangesNothing(link)).toBe(410);
  });
});
