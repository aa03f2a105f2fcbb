// Digests, alerts and charts in the playground, end to end: commands, clicks
// and form submits through its HTTP API; the digest in the room feed
// (GET /playground/room) with its chart as server-drawn SVG; alerts in the
// coordinator's and the critical friend's inboxes only; and the page showing
// the chart as an image in #partnership-room, in a real headless Chromium.
import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './helpers/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Form, Message } from '../src/core/message.js';
import type { Round } from '../src/core/model.js';
import { fakeClock } from './helpers/fake-clock.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';

type Where = 'channel' | 'personal';
type Posted = { id: string; at: string; message: Message; chartSvg?: string; chartAlt?: string };

const PERSONAS = { alex: 'Alex Morgan', sam: 'Sam Patel', dana: 'Dana Brooks', jo: 'Jo Williams', priya: 'Priya Shah', chris: 'Chris Evans' } as const;
type Persona = keyof typeof PERSONAS;
const ORGS = ['City Council', 'Hope Trust'];
const JO_COMMENT = 'Shared home visits are saving everyone time: marker-puffin-5150';
const DANA_COMMENT = 'We were left out of the budget talks: marker-otter-8823';
const SAM_COMMENT = 'Just two of us this time: marker-gecko-4410';
const DAY = 24 * 3_600_000;
const ARTIFACTS = 'tests/artifacts';

const clock = fakeClock('2026-11-23T09:00:00Z');
let t: TestTrellis;

const postJson = async (path: string, body: unknown) => {
  const res = await fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return (await res.json()) as { reply?: Message; form?: Form; chartSvg?: string; chartAlt?: string };
};
const command = async (persona: Persona, text: string, where: Where = 'channel') => postJson('/playground/command', { persona, text, where });
const getJson = async <T>(path: string): Promise<T> => {
  const res = await fetch(`${t.url}${path}`);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
};
const feed = async () => (await getJson<{ room: string; messages: Posted[] }>('/playground/room')).messages;
/** The room's posts but the announcement of its critical friend (every change of critical friend is announced there). */
const room = async () => (await feed()).filter((p) => p.message.title !== 'Riverside: critical friend');
const inbox = async (persona: Persona) => (await getJson<{ messages: Posted[] }>(`/playground/inbox?persona=${persona}`)).messages;
const fullText = (m: Message) => [m.title, m.text, ...(m.fields ?? []).map((f) => `${f.label}: ${f.value}`), ...(m.items ?? [])].join('\n');

async function answer(persona: Persona, roundId: string, value: string, comment?: string) {
  const { form } = await postJson('/playground/action', { persona, actionId: 'survey-open', value: roundId, where: 'personal' });
  const values = Object.fromEntries(form!.fields.map((f) => [f.id, f.kind === 'choice' ? value : (comment ?? '')]));
  const { reply } = await postJson('/playground/submit', { persona, actionId: form!.submitActionId, context: form!.context, values });
  expect(reply!.text).toMatch(/^Thanks — your answers are in/);
}

async function round(answers: [Persona, string, string?][]): Promise<Round> {
  clock.advance(DAY);
  expect((await command('alex', 'survey now')).reply!.text).toContain('is open');
  const [p] = await t.store.partnerships();
  const latest = (await t.store.rounds(p!.id)).sort((a, b) => b.number - a.number)[0]!;
  for (const [persona, value, comment] of answers) await answer(persona, latest.id, value, comment);
  return latest;
}

const alertsOf = async (persona: Persona) => (await inbox(persona)).filter((m) => m.message.title?.startsWith('Trellis alert'));

async function expectNobodyIn(text: string) {
  const [p] = await t.store.partnerships();
  for (const m of await t.store.members(p!.id)) for (const s of [m.id, m.userId, m.displayName, m.displayName.split(' ')[0]!]) expect(text).not.toContain(s);
  for (const org of ORGS) expect(text).not.toContain(org);
}

function expectSvg(posted: { chartSvg?: string; chartAlt?: string }, alt: string) {
  expect(posted.chartSvg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*>/);
  expect(posted.chartSvg).toContain('Trust and commitment (0–100)');
  expect(posted.chartSvg).not.toMatch(/<script|on\w+=/i);
  expect(posted.chartAlt).toContain(alt);
}

beforeAll(async () => {
  t = await startTrellis({}, { clock });
});
afterAll(async () => {
  await t?.close();
});

describe('playground digests, alerts and charts', () => {
  it('sets up a small partnership in the room: four members, a critical friend, threshold 3', async () => {
    const created = (await command('alex', 'setup Riverside')).reply!;
    const code = /Invite code: \*([A-Z0-9]{4}-[A-Z0-9]{4})\*/.exec(created.text)![1]!;
    await command('alex', 'org add City Council public');
    await command('alex', 'org add Hope Trust voluntary');
    for (const [persona, org] of [
      ['sam', 'City Council'],
      ['dana', 'Hope Trust'],
      ['jo', 'Hope Trust'],
      ['chris', 'City Council'],
    ] as const) {
      expect((await command(persona, `join ${code} ${org}`, 'personal')).reply!.tone).toBe('success');
    }
    expect((await command('alex', 'role <@pg-chris> critical-friend')).reply!.text).toContain('Chris Evans is now a critical friend');
    expect((await command('alex', 'set threshold 3')).reply!.tone).toBe('success');
    expect((await feed()).map((p) => p.message.text)).toEqual([expect.stringContaining('Chris Evans is now a critical friend of Riverside')]);
    expect(await room()).toEqual([]);
  });

  it('posts the first digest to the room feed on `survey close`, with figures, a comment, a question and an SVG chart', async () => {
    await round([
      ['alex', '5'],
      ['sam', '4'],
      ['dana', '5'],
      ['jo', '4', JO_COMMENT],
    ]);
    expect((await command('alex', 'survey close')).reply!.text).toContain('Check-in #1 is closed: 4 of 4 answered');
    const posts = await room();
    expect(posts).toHaveLength(1);
    const [digest] = posts;
    expect(digest!.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(digest!.message).toMatchObject({ title: 'Riverside: check-in #1 results', audience: 'conversation' });
    const text = fullText(digest!.message);
    expect(text).toContain('*Trust 87.5 — the first reading*');
    expect(text).toContain('*Commitment 87.5 — the first reading*');
    expect(text).toContain('Participation: 4 of 4 (100%).');
    expect(text).toContain('To discuss at your next meeting:');
    expect(digest!.message.items).toEqual([`“${JO_COMMENT}”`]);
    expectSvg(digest!, 'Trust: #1 87.5');
    await expectNobodyIn(JSON.stringify(digest));
    expect(await alertsOf('alex')).toHaveLength(0);
  });

  it('posts the second digest when the window ends, with the drop in plain words, and alerts only the coordinator and the critical friend', async () => {
    const r = await round([
      ['alex', '1'],
      ['sam', '2'],
      ['dana', '1', DANA_COMMENT],
      ['jo', '2'],
    ]);
    clock.set(new Date(new Date(r.closesAt).getTime() + 60_000).toISOString());
    await t.tick();
    const digest = (await room())[1]!;
    const text = fullText(digest.message);
    expect(digest.message.title).toBe('Riverside: check-in #2 results');
    expect(text).toMatch(/Trust fell clearly, from 87\.5 to 12\.5 since #1 — more than chance would explain/);
    expect(text).toMatch(/Commitment fell clearly, from 87\.5 to 12\.5 since #1 — more than chance would explain/);
    expect(text).not.toContain('interval'); // the figures are the dashboard's; chat says what they mean
    expect(text).toContain('Participation: 4 of 4 (100%)');
    expect(digest.message.items).toEqual([`“${DANA_COMMENT}”`]);
    expectSvg(digest, 'Trust: #1 87.5, #2 12.5');
    await expectNobodyIn(JSON.stringify(digest));

    for (const persona of ['alex', 'chris'] as const) {
      const alerts = await alertsOf(persona);
      expect(alerts).toHaveLength(1);
      const a = fullText(alerts[0]!.message);
      expect(a).toMatch(/Trust fell clearly, from 87\.5 to 12\.5 — more than chance would explain\./);
      expect(a).toContain('below your floor of 50');
      expect(a).not.toContain(DANA_COMMENT);
      await expectNobodyIn(JSON.stringify(alerts[0]));
    }
    for (const persona of ['sam', 'dana', 'jo', 'priya'] as const) expect(await alertsOf(persona)).toHaveLength(0);
  });

  it('shows no figures, no comments and no chart for a round with fewer than 3 answers, and alerts nobody', async () => {
    await round([
      ['sam', '1', SAM_COMMENT],
      ['dana', '1'],
    ]);
    await command('alex', 'survey close 3');
    const digest = (await room())[2]!;
    const text = fullText(digest.message);
    expect(digest.message.title).toBe('Riverside: check-in #3 results');
    expect(text).toContain('Participation: 2 of 4 (50%)');
    expect(text).toContain('Fewer than 3 people answered, so no results are shown');
    expect(text).not.toMatch(/Trust|Commitment|\d+\.5|interval/);
    expect(JSON.stringify(digest)).not.toContain(SAM_COMMENT);
    expect(digest.chartSvg).toBeUndefined();
    expect(digest.message.chart).toBeUndefined();
    for (const persona of ['alex', 'chris'] as const) expect(await alertsOf(persona)).toHaveLength(1);
  });

  it("sends the chart with a `trends` reply, and with the Trends button's", async () => {
    const typed = await command('sam', 'trends');
    expect(typed.reply!.title).toBe('Riverside: trends');
    expectSvg(typed, 'Trust: #1 87.5, #2 12.5, #3 not shown');
    const clicked = await postJson('/playground/action', { persona: 'jo', actionId: 'run', value: 'trends', where: 'channel' });
    expectSvg(clicked, 'Trust: #1 87.5');
    // A reply without a chart carries no chart fields.
    expect(Object.keys(await command('sam', 'status'))).toEqual(['reply']);
  });
});

describe('playground page: digests and charts in #partnership-room', () => {
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    page.setDefaultTimeout(8_000);
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => void (m.type() === 'error' && pageErrors.push(m.text())));
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("shows the room's digests in the channel, each chart an <img> of an SVG data URL, loaded, never inline markup", async () => {
    await page.goto(`${t.url}/`);
    await page.locator('body[data-ready="true"]').waitFor();
    await page.getByRole('radio', { name: /^Sam Patel/ }).check();
    const log = page.locator('#log');
    await log.getByText('Riverside: check-in #3 results').waitFor();
    for (const n of [1, 2, 3]) expect(await log.getByText(`Riverside: check-in #${n} results`).count()).toBe(1);

    const charts = log.locator('img.chart-img');
    expect(await charts.count()).toBe(2); // round 3 had too few answers for a chart
    for (const img of await charts.all()) {
      expect(await img.getAttribute('src')).toMatch(/^data:image\/svg\+xml;charset=utf-8,%3Csvg%20xmlns/);
      expect(await img.getAttribute('alt')).toMatch(/^Trust and commitment \(0–100\)\. Trust: #1 87\.5/);
      await page.waitForFunction((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0, await img.elementHandle());
    }
    // The SVG never became part of the page: no <svg> inside a message card.
    expect(await log.locator('.card svg').count()).toBe(0);
    expect(await log.getByText(`“${JO_COMMENT}”`).count()).toBe(1);
    // The digests stay put across polls: no duplicates.
    await page.waitForTimeout(2_300);
    expect(await log.getByText('Riverside: check-in #2 results').count()).toBe(1);
    await log.locator('.msg-bot').filter({ hasText: 'Riverside: check-in #2 results' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${ARTIFACTS}/playground-digest.png` });
  });

  /** Types a command, presses Enter, and waits until Trellis has answered it. */
  async function type(text: string) {
    const before = await page.locator('#log .msg-bot, #log .msg-error').count();
    const input = page.getByPlaceholder('Type a command, e.g. help');
    await input.fill(text);
    await input.press('Enter');
    await page.waitForFunction(
      (n) => document.querySelectorAll('#log .msg-bot, #log .msg-error').length > n && !document.querySelector('#log .msg-pending'),
      before,
    );
  }

  it('shows the chart inline in a reply to `trends`', async () => {
    await type('trends');
    const reply = page.locator('#log .msg-bot').last();
    expect(await reply.locator('.card-title').innerText()).toBe('Riverside: trends');
    const img = reply.locator('img.chart-img');
    await page.waitForFunction((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0, await img.elementHandle());
    expect(await img.getAttribute('alt')).toContain('#3 not shown');
    expect(pageErrors).toEqual([]);
  });

  it("shows the digest that `survey close` posts above the command's reply, as Slack and Teams do", async () => {
    await page.getByRole('radio', { name: /^Alex Morgan/ }).check();
    await type('survey now');
    const [p] = await t.store.partnerships();
    const open = (await t.store.rounds(p!.id)).find((r) => !r.closedAt)!;
    for (const persona of ['alex', 'sam', 'dana'] as const) await answer(persona, open.id, '4');
    await type('survey close');
    const bots = page.locator('#log .msg-bot');
    expect(await bots.last().innerText()).toContain(`Check-in #${open.number} is closed: 3 of 4 answered`);
    const digest = bots.nth((await bots.count()) - 2);
    expect(await digest.locator('.card-title').innerText()).toBe(`Riverside: check-in #${open.number} results`);
    await page.waitForFunction(
      (el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0,
      await digest.locator('img.chart-img').elementHandle(),
    );
    expect(pageErrors).toEqual([]);
  });
});
