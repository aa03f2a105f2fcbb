// The signed dashboard in a real headless Chromium, with JavaScript off: the
// page must work (and look right) as plain HTML, CSS and inline SVG.
import { mkdir } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './helpers/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Button, ChoiceField, Form, Message } from '../src/core/message.js';
import { bankFor } from '../src/core/survey/bank.js';
import { fakeClock } from './helpers/fake-clock.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';

const ARTIFACTS = 'tests/artifacts';
const HOUR = 3_600_000;
const clock = fakeClock('2026-09-07T09:00:00Z');

let t: TestTrellis;
let browser: Browser;
let context: BrowserContext;
const problems: string[] = [];
const requested: string[] = [];

const postJson = (path: string, body: unknown) =>
  fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function command(persona: string, text: string, where: 'channel' | 'personal' = 'channel'): Promise<Message> {
  const res = await postJson('/playground/command', { persona, text, where });
  expect(res.status).toBe(200);
  return ((await res.json()) as { reply: Message }).reply;
}

/** Opens the open check-in from the persona's inbox and submits a value per statement. */
async function answer(persona: string, valueFor: (factor: string, i: number) => number): Promise<void> {
  const inbox = ((await (await fetch(`${t.url}/playground/inbox?persona=${persona}`)).json()) as { messages: { message: Message }[] }).messages;
  const button = inbox
    .map((m) => m.message.buttons?.find((b) => b.actionId === 'survey-open'))
    .filter((b): b is Button => !!b)
    .at(-1)!;
  const form = (
    (await (await postJson('/playground/action', { persona, actionId: button.actionId, value: button.value, where: 'personal' })).json()) as { form: Form }
  ).form;
  const bank = bankFor([]);
  const choices = form.fields.filter((f): f is ChoiceField => f.kind === 'choice');
  const values = Object.fromEntries(choices.map((f, i) => [f.id, String(Math.max(1, Math.min(5, valueFor(bank.item(f.id)!.factor, i))))]));
  const reply = (
    (await (await postJson('/playground/submit', { persona, actionId: form.submitActionId, context: form.context, values })).json()) as { reply: Message }
  ).reply;
  expect(reply.tone).toBe('success');
}

/** Fortnightly check-ins over two months; #2 has too few answers to show. */
const ROUNDS: { who: string[]; trustShift: number; commitmentShift: number }[] = [
  { who: ['alex', 'sam', 'dana', 'chris', 'jo'], trustShift: 0, commitmentShift: 0 },
  { who: ['sam', 'jo'], trustShift: 0, commitmentShift: 0 },
  { who: ['alex', 'sam', 'dana', 'chris', 'jo'], trustShift: 1, commitmentShift: 0 },
  { who: ['alex', 'sam', 'dana', 'chris', 'jo', 'priya'], trustShift: 1, commitmentShift: -1 },
];
const BASE: Record<string, number> = { alex: 4, sam: 3, dana: 4, chris: 3, jo: 5, priya: 4 };
const PUBLIC = ['sam', 'dana', 'chris'];

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  t = await startTrellis({}, { clock });
  const code = /Invite code: \*([A-Z0-9]{4}-[A-Z0-9]{4})\*/.exec((await command('alex', 'setup Riverside Employability <Partnership>')).text)![1]!;
  for (const org of ['City Council public', 'Health Trust public', 'Job Centre Plus public', 'Hope & Co Trust voluntary', 'Northside Residents community']) {
    expect((await command('alex', `org add ${org}`)).tone).toBe('success');
  }
  expect((await command('alex', 'set threshold 3')).tone).toBe('success');
  for (const [persona, org] of [
    ['sam', 'City Council'],
    ['dana', 'Job Centre Plus'],
    ['chris', 'Health Trust'],
    ['jo', 'Hope & Co Trust'],
    ['priya', 'Northside Residents'],
  ] as const) {
    expect((await command(persona, `join ${code} ${org}`, 'personal')).tone).toBe('success');
  }
  for (const [r, round] of ROUNDS.entries()) {
    expect((await command('alex', 'survey now')).tone).toBe('success');
    for (const p of round.who) {
      const publicDip = PUBLIC.includes(p) ? round.trustShift : -round.trustShift;
      await answer(p, (factor, i) =>
        factor === 'trust'
          ? BASE[p]! - publicDip - (i % 2)
          : factor === 'commitment'
            ? BASE[p]! + round.commitmentShift + (r % 2)
            : BASE[p]! - ((i + r) % 3) + 1,
      );
    }
    expect((await command('alex', `survey close ${r + 1}`)).text).toMatch(new RegExp(`^Check-in #${r + 1} is closed: ${round.who.length} of 6 answered`));
    clock.advance(14 * 24 * HOUR);
  }
  browser = await launchChromium();
  // No JavaScript at all: the page must not need it.
  context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
  context.on('request', (r) => requested.push(r.url()));
  context.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
  });
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function open(url: string, viewport = { width: 1280, height: 900 }): Promise<{ page: Page; status: number }> {
  const page = await context.newPage();
  page.setDefaultTimeout(8_000);
  await page.setViewportSize(viewport);
  const res = await page.goto(url);
  return { page, status: res!.status() };
}

const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('dashboard in Chromium', () => {
  let url = '';

  it('renders the charts, the rounds and the breakdowns without JavaScript or any other request', async () => {
    const reply = await command('alex', 'dashboard', 'personal');
    url = /(http:\/\/localhost:\d+\/dashboard\/\S+)$/m.exec(reply.text)![1]!;
    const trends = await command('alex', 'trends');
    // "Trust fell clearly, from 80 to 55 — …": the figure now is the one after "to" (or the only one, at a first reading).
    const trust = /^Trust (?:\D+ from [\d.]+ to |stayed at )?(\d+(?:\.\d+)?) /m.exec(trends.text)![1]!;
    const commitment = /^Commitment (?:\D+ from [\d.]+ to |stayed at )?(\d+(?:\.\d+)?) /m.exec(trends.text)![1]!;

    const { page, status } = await open(url);
    expect(status).toBe(200);
    await expect(page.title()).resolves.toBe('Riverside Employability <Partnership> — Trellis dashboard');
    await expect(page.locator('h1').innerText()).resolves.toBe('Riverside Employability <Partnership>');
    const header = norm(await page.locator('header').innerText());
    expect(header).toContain('Figures shown only for groups of 3 or more');
    expect(header).toContain('Link expires 3 Nov 2026, 09:00');

    // The headline and participation charts, drawn and visible, each with lines and points.
    const charts = page.locator('section.chart svg');
    await expect(charts.count()).resolves.toBe(2);
    for (let i = 0; i < 2; i++) {
      const svg = charts.nth(i);
      expect(await svg.isVisible()).toBe(true);
      const box = (await svg.boundingBox())!;
      expect(box.width).toBeGreaterThan(400);
      expect(box.height).toBeGreaterThan(150);
      expect(await svg.locator('polyline').count()).toBeGreaterThan(0);
      expect(await svg.locator('circle').count()).toBeGreaterThanOrEqual(3);
      expect(await svg.locator('polyline').first().isVisible()).toBe(true);
    }
    // #2 had two answers: each line breaks there rather than inventing a value, so
    // trust and commitment each draw #3–#4 as a line and #1, #3, #4 as points.
    const headline = charts.nth(0);
    await expect(headline.getAttribute('aria-label')).resolves.toBe('Trust and commitment (0–100)');
    await expect(headline.locator('polyline').count()).resolves.toBe(2);
    await expect(headline.locator('circle').count()).resolves.toBe(6);
    // Every factor, in parts small enough for each legend to fit on its chart.
    const factorCharts = page.locator('section.wide svg');
    expect(await factorCharts.count()).toBeGreaterThanOrEqual(2);
    for (const svg of await factorCharts.all()) {
      expect(await svg.isVisible()).toBe(true);
      expect(await svg.locator('circle').count()).toBeGreaterThan(0);
      const svgBox = (await svg.boundingBox())!;
      for (const legend of await svg.locator('text[font-size="12"]').all()) {
        const b = (await legend.boundingBox())!;
        expect(b.x + b.width, (await legend.textContent()) ?? '').toBeLessThanOrEqual(svgBox.x + svgBox.width);
      }
    }

    // The rounds table: newest first, the same trust figure as the chat, — where suppressed.
    const rows = page.locator('#rounds tbody tr');
    await expect(rows.count()).resolves.toBe(4);
    const cells = async (i: number) => (await rows.nth(i).locator('td').allInnerTexts()).map(norm);
    expect(await cells(0)).toEqual(['Check-in #4', '19 Oct 2026', '6 / 6', '100%', trust, commitment]);
    expect(await cells(2)).toEqual(['Check-in #2', '21 Sept 2026', '2 / 6', '33%', '—', '—']);
    expect((await cells(3))[0]).toBe('Check-in #1');
    expect(norm(await page.locator('#rounds').innerText())).toContain('— fewer than 3 people answered, so no figure is shown for that round.');
    // The headline card agrees.
    expect(norm(await page.locator('.stat').first().innerText())).toMatch(new RegExp(`^TRUST ${trust.replace('.', '\\.')} / 100`, 'i'));

    // Breakdowns by sector: public (3 people) shown, the rest hidden together.
    const sector = page.locator('table[data-by="sector"] tbody tr');
    const sectorRows = (await sector.allInnerTexts()).map(norm);
    expect(sectorRows.find((r) => r.startsWith('Public'))).toMatch(/^Public \d+(\.\d)? \(3\)/);
    expect(sectorRows.filter((r) => /—/.test(r)).length).toBeGreaterThanOrEqual(2);
    expect(norm(await page.locator('#breakdowns').innerText())).toContain('— hidden: fewer than 3 people in that group answered');
    expect(norm(await page.locator('table[data-by="organisation"]').innerText())).toContain('Hope & Co Trust');

    await page.screenshot({ path: `${ARTIFACTS}/dashboard.png`, fullPage: true });
    // And on a phone: nothing wider than the screen but the tables' own scroll areas.
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(overflow).toBeLessThanOrEqual(390);
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-narrow.png`, fullPage: true });
    await page.close();

    // Only the page itself was requested: no fonts, scripts, images or styles from elsewhere.
    expect(requested.filter((r) => !r.endsWith('/favicon.ico'))).toEqual([url]);
    expect(problems).toEqual([]);
  });

  it('shows an expired link as a clear refusal page', async () => {
    clock.advance(25 * HOUR);
    const { page, status } = await open(url, { width: 1280, height: 700 });
    expect(status).toBe(410);
    await expect(page.locator('h1').innerText()).resolves.toBe('This link has expired');
    const body = norm(await page.locator('body').innerText());
    expect(body).toMatch(/This link expired on \w{3}, \d{2} \w{3} 2026 \d{2}:\d{2}:\d{2} GMT\. Ask Trellis for a new one\./);
    expect(body).toContain('To get a fresh one, type dashboard where you talk to Trellis');
    expect(await page.locator('svg, table').count()).toBe(0);
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-expired.png` });
    await page.close();
  });
});
