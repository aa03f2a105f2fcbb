// GET /metrics: not served without METRICS_TOKEN, refused without that bearer
// token, and after a partnership's worth of real Slack commands (names, an
// organisation, a check-in, a tick, Slack answering 429) every label value it
// shows is from the allow-list below: never a person, a partnership, an
// organisation, an id or any text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLATFORMS } from '../src/core/model.js';
import { startFakeSlack, type FakeSlack } from './helpers/fake-slack.js';
import { BOT_TOKEN, SIGNING_SECRET, slashCommand } from './helpers/slack-requests.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';
import { waitFor } from './helpers/wait-for.js';

const TOKEN = 'metrics-token-0123456789abcdef';
/** Every label a metric may carry, and the values it may take. */
const ALLOWED: Record<string, (value: string) => boolean> = {
  surface: (v) => ['slack', 'teams', 'playground', 'web', 'health', 'metrics'].includes(v),
  status: (v) => /^[1-5]\d\d$/.test(v),
  platform: (v) => (PLATFORMS as readonly string[]).includes(v),
  outcome: (v) => ['ok', 'error', 'sent', 'failed', 'retried'].includes(v),
  store: (v) => ['lowdb', 'memory', 'postgres'].includes(v),
  le: (v) => v === '+Inf' || Number.isFinite(Number(v)),
};

const scrape = (t: TestTrellis, authorization?: string) => fetch(`${t.url}/metrics`, authorization ? { headers: { authorization } } : {});

/** Sample lines: name, labels and value. */
function samples(text: string) {
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((line) => {
      const m = /^([a-z_:][a-z0-9_:]*)(?:\{(.*)\})? (\S+)$/i.exec(line);
      if (!m) throw new Error(`not a sample line: ${line}`);
      const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/([a-z_]+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, l[2]!]));
      return { name: m[1]!, labels, value: Number(m[3]) };
    });
}

describe('off without METRICS_TOKEN', () => {
  let t: TestTrellis;
  beforeAll(async () => {
    t = await startTrellis();
  });
  afterAll(() => t?.close());

  it('answers 404, whatever the token', async () => {
    expect((await scrape(t)).status).toBe(404);
    expect((await scrape(t, `Bearer ${TOKEN}`)).status).toBe(404);
  });
});

describe('with METRICS_TOKEN', () => {
  const PEOPLE = [
    { user_id: 'U0ALEX', user_name: 'alex', display: 'Alex Quokka' },
    { user_id: 'U0SAM', user_name: 'sam', display: 'Sam Wombat' },
    { user_id: 'U0DANA', user_name: 'dana', display: 'Dana Numbat' },
    { user_id: 'U0JO', user_name: 'jo', display: 'Jo Bilby' },
  ];
  const CHANNEL = { channel_id: 'C0RIVER', channel_name: 'riverside' };
  let slack: FakeSlack;
  let t: TestTrellis;
  let seq = 0;
  beforeAll(async () => {
    // Slack allows one post a second here, and Trellis paces to five: some posts are answered 429 and retried.
    slack = await startFakeSlack({ limits: { perMethodPerSecond: { 'chat.postMessage': 1 } }, retryAfterSeconds: 1 });
    for (const p of PEOPLE) slack.users.set(p.user_id, p.display);
    t = await startTrellis({ METRICS_TOKEN: TOKEN, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl });
  });
  afterAll(async () => {
    await t?.close();
    await slack?.close();
  });

  it('refuses a scrape without the bearer token, or with another (401), and shows nothing', async () => {
    for (const authorization of [undefined, TOKEN, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, 'Bearer ', `Basic ${TOKEN}`]) {
      const res = await scrape(t, authorization);
      expect(res.status, String(authorization)).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect(await res.text()).not.toContain('trellis_');
    }
  });

  it('after a real scenario, counts what happened with label values from the allow-list only', async () => {
    const run = async (who: (typeof PEOPLE)[number], where: Record<string, string>, text: string) => {
      const id = `r${++seq}`;
      const res = await slashCommand(t.url, { user_id: who.user_id, user_name: who.user_name, ...where, text, response_url: slack.responseUrl(id) });
      expect(res.status).toBe(200);
      return ((await waitFor(() => slack.responses.find((r) => r.id === id))).body as { text: string }).text;
    };
    const dm = (who: (typeof PEOPLE)[number]) => ({ channel_id: `D${who.user_id}`, channel_name: 'directmessage' });
    const [alex] = PEOPLE;
    const code = /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec(await run(alex!, CHANNEL, 'setup Riverside Zanzibar'))![1]!;
    await run(alex!, CHANNEL, 'org add Wombat Housing Trust public');
    for (const who of PEOPLE) await run(who, dm(who), `join ${code} Wombat Housing Trust`);
    await run(alex!, CHANNEL, 'set purpose Keep Kalimantan warm');
    expect(await run(alex!, CHANNEL, 'survey now')).toContain('is open');
    await t.tick();
    await fetch(`${t.url}/healthz`);
    await fetch(`${t.url}/slack/events`, { method: 'POST', body: 'unsigned' });

    const res = await scrape(t, `Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const all = samples(text);
    for (const { name, labels } of all) {
      expect(name).toMatch(/^trellis_/);
      for (const [label, value] of Object.entries(labels)) expect(ALLOWED[label]?.(value), `${name} ${label}="${value}"`).toBe(true);
    }
    for (const word of ['Riverside', 'riverside', 'Zanzibar', 'Wombat', 'Kalimantan', 'Quokka', 'U0ALEX', 'C0RIVER', code]) expect(text).not.toContain(word);

    const value = (name: string, labels: Record<string, string> = {}) =>
      all.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);
    expect(value('trellis_http_requests_total', { surface: 'slack', status: '200' })).toBeGreaterThanOrEqual(8);
    expect(value('trellis_http_requests_total', { surface: 'slack', status: '401' })).toBe(1);
    expect(value('trellis_http_requests_total', { surface: 'health', status: '200' })).toBe(1);
    expect(value('trellis_acks_total', { surface: 'slack' })).toBe(value('trellis_ack_duration_seconds_count', { surface: 'slack' }));
    expect(value('trellis_ack_duration_seconds_count', { surface: 'slack' })).toBeGreaterThanOrEqual(9);
    // Four check-ins and the channel's notice, delivered; Slack's 429s counted.
    expect(value('trellis_deliveries_total', { platform: 'slack', outcome: 'sent' })).toBeGreaterThanOrEqual(5);
    expect(value('trellis_rate_limited_total', { platform: 'slack' })).toBe(slack.rateLimited.length);
    expect(slack.rateLimited.length).toBeGreaterThan(0);
    expect(value('trellis_scheduler_ticks_total', { outcome: 'ok' })).toBe(1);
    expect(value('trellis_scheduler_tick_duration_seconds_count')).toBe(1);
    expect(value('trellis_store_commit_duration_seconds_count', { store: 'lowdb' })).toBeGreaterThan(0);
    const backlog = await t.store.outboxBacklog();
    expect(value('trellis_outbox_depth')).toBe(backlog.depth);
    if (backlog.oldestCreatedAt) expect(value('trellis_outbox_oldest_age_seconds')).toBeGreaterThan(0);
    else expect(value('trellis_outbox_oldest_age_seconds')).toBe(0);
    expect(value('trellis_journal_bytes')).toBeGreaterThan(0);
  });
});
