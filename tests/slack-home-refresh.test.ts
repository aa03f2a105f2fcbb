// App Home refreshes after a submission: coalesced per person, published off
// the ack's path, paced and retried after a 429. Signed requests into the real
// server, a fake Slack behind it; then the refresher alone, for its pacing.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HomeRefresher } from '../src/adapters/slack/app-home.js';
import type { Round } from '../src/core/model.js';
import { createLogger } from '../src/log.js';
import { startFakeSlack, type FakeSlack, type FakeSlackOptions } from './helpers/fake-slack.js';
import { slackCommands } from './helpers/slack-commands.js';
import { BOT_TOKEN, SIGNING_SECRET, fixture, interaction } from './helpers/slack-requests.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';

type Who = { user_id: string; user_name: string; display: string };
const ALEX: Who = { user_id: 'U0ALEX', user_name: 'alex', display: 'Alex Morgan' };
const SAM: Who = { user_id: 'U0SAM', user_name: 'sam', display: 'Sam Patel' };
const KIM: Who = { user_id: 'U0KIM', user_name: 'kim', display: 'Kim Osei' };
const RIVER = { channel_id: 'C0RIVER', channel_name: 'riverside' };
const HILL = { channel_id: 'C0HILL', channel_name: 'hillside' };
const dm = (w: Who) => ({ channel_id: `D${w.user_id}`, channel_name: 'directmessage' });
const json = (x: unknown) => JSON.stringify(x);

type Ack = { response_action: string; view?: { blocks: unknown[] } };

/** A real server and fake Slack with Riverside (Alex, Sam, Kim) and Hillside (Alex, Kim), each with a check-in open. */
interface World {
  slack: FakeSlack;
  trellis: TestTrellis;
  rounds: { river: Round; hill: Round };
}

async function startWorld(options?: FakeSlackOptions): Promise<World> {
  const slack = await startFakeSlack(options);
  for (const p of [ALEX, SAM, KIM]) slack.users.set(p.user_id, p.display);
  const trellis = await startTrellis({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl });
  const w = { slack, trellis };
  const { run } = slackCommands(() => w);
  const open = async (where: Record<string, string>, name: string, members: Who[]) => {
    const code = /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec((await run(ALEX, where, `setup ${name}`)).text)![1]!;
    expect((await run(ALEX, where, 'org add City Council public')).text).toContain('Added City Council');
    for (const who of members) expect((await run(who, dm(who), `join ${code} city council`)).text).toContain(`Welcome to *${name}*`);
    expect((await run(ALEX, where, 'survey now')).text).toContain('Check-in #1 is open');
    const p = (await trellis.store.partnerships()).find((x) => x.name === name)!;
    return (await trellis.store.rounds(p.id))[0]!;
  };
  const rounds = { river: await open(RIVER, 'Riverside Partnership', [SAM, KIM]), hill: await open(HILL, 'Hillside Partnership', [KIM]) };
  await trellis.drain();
  return { ...w, rounds };
}

/** The view_submission Slack sends when `who` answers every statement of `round` with `value`; resolves with our ack. */
async function submit(w: World, who: Who, round: Round, value: string): Promise<Ack> {
  const base = fixture<{ view: Record<string, unknown> } & Record<string, unknown>>('view-submission');
  const values = Object.fromEntries(
    round.itemIds.map((id) => [id, { value: { type: 'radio_buttons', selected_option: { text: { type: 'plain_text', text: value }, value } } }]),
  );
  const res = await interaction(w.trellis.url, {
    ...base,
    user: { id: who.user_id, username: who.user_name, name: who.user_name, team_id: 'T0001' },
    view: { ...base.view, private_metadata: json({ actionId: 'survey-submit', context: round.id }), state: { values } },
  });
  expect(res.status).toBe(200);
  const ack = (await res.json()) as Ack;
  expect(ack.response_action).toBe('update');
  expect(json(ack.view?.blocks)).toContain('Thanks — your answers are in');
  return ack;
}

const publishes = (w: World, who: Who, from = 0) => w.slack.calls.slice(from).filter((c) => c.method === 'views.publish' && c.body.user_id === who.user_id);
const rateLimited = (w: World, from = 0) => w.slack.rateLimited.slice(from).filter((c) => c.method === 'views.publish');
const closeWorld = async (w: World | undefined) => {
  await w?.trellis.close();
  await w?.slack.close();
};

/** Every line either server logged: no person's Slack id may appear in any of them. */
const allLogs: string[][] = [];
const USER_IDS = /U0(ALEX|SAM|KIM)/;

describe('App Home refresh after a submission', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld();
    allLogs.push(w.trellis.logs);
  });
  afterAll(() => closeWorld(w));

  it("publishes the person's App Home once, showing they can see or change their answers", async () => {
    const mark = w.slack.calls.length;
    await submit(w, SAM, w.rounds.river, '4');
    await w.trellis.drain();
    const [home, ...more] = publishes(w, SAM, mark);
    expect(more).toEqual([]);
    expect(json(home!.body.view)).toContain('Riverside Partnership: see or change my answers');
    expect(json(home!.body.view)).not.toContain('answer check-in #1');
  });

  it('after several submissions at once, publishes the latest state, computed at publish time', async () => {
    const mark = w.slack.calls.length;
    // Kim answers both partnerships and changes one answer, all at once.
    await Promise.all([submit(w, KIM, w.rounds.river, '4'), submit(w, KIM, w.rounds.hill, '3'), submit(w, KIM, w.rounds.river, '2')]);
    await w.trellis.drain();
    // Usually one publish; under a loaded machine a submission can outlast the quiet spell (coalescing itself is tested on HomeRefresher below).
    const all = publishes(w, KIM, mark);
    expect(all.length).toBeGreaterThan(0);
    const shown = json(all.at(-1)!.body.view);
    expect(shown).toContain('Riverside Partnership: see or change my answers');
    expect(shown).toContain('Hillside Partnership: see or change my answers');
    expect(shown).not.toContain('answer check-in #1');
  });

  it('acks the submission without waiting for the publish', async () => {
    let release = () => {};
    // Slack answers nothing until the ack is in: had the ack waited for any Slack call, it would never come.
    w.slack.held = new Promise<void>((r) => (release = r));
    try {
      const mark = w.slack.calls.length;
      await submit(w, SAM, w.rounds.river, '5');
      release();
      await w.trellis.drain();
      expect(publishes(w, SAM, mark)).toHaveLength(1);
    } finally {
      release();
      w.slack.held = undefined;
    }
  });
});

describe('App Home refresh under Slack’s rate limit', () => {
  let w: World;
  beforeAll(async () => {
    // One views.publish a second: the second of two refreshes in a row meets a 429 with Retry-After: 1.
    w = await startWorld({ limits: { perMethodPerSecond: { 'views.publish': 1 } } });
    allLogs.push(w.trellis.logs);
  });
  afterAll(() => closeWorld(w));

  it('retries a rate-limited publish after Retry-After, and every Home lands', async () => {
    const mark = { calls: w.slack.calls.length, limited: w.slack.rateLimited.length };
    await Promise.all([submit(w, SAM, w.rounds.river, '4'), submit(w, KIM, w.rounds.river, '3')]);
    await w.trellis.drain();
    for (const who of [SAM, KIM]) {
      const [home, ...more] = publishes(w, who, mark.calls);
      expect(more).toEqual([]);
      expect(json(home!.body.view)).toContain('Riverside Partnership: see or change my answers');
    }
    expect(rateLimited(w, mark.limited).length).toBeGreaterThanOrEqual(1);
    // The fake accepts the second publish only once a second has passed since the first: both Homes
    // landing after at most two 429s means the refresher waited out Retry-After instead of hammering.
    expect(rateLimited(w, mark.limited).length).toBeLessThanOrEqual(2);
    expect(w.trellis.logs.filter((l) => l.includes('slack app home failed'))).toEqual([]);
  });
});

describe('App Home refresh logs', () => {
  it('never logs a user id', () => {
    const lines = allLogs.flat();
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.filter((l) => USER_IDS.test(l))).toEqual([]);
  });
});

describe('HomeRefresher', () => {
  const quiet = { quietMs: 0, maxWaitMs: 0 };
  const silent = () => createLogger({ level: 'error', write: () => undefined });

  // Fake timers (Date.now included) for the pacing and the quiet spell: exact, however loaded the machine.
  const timed = async (check: () => Promise<void>) => {
    vi.useFakeTimers();
    try {
      await check();
    } finally {
      vi.useRealTimers();
    }
  };

  it('publishes a burst at once, then at the sustained pace', () =>
    timed(async () => {
      const at: number[] = [];
      const homes = new HomeRefresher(async () => void at.push(Date.now()), silent(), { ...quiet, perMinute: 600, burst: 3 });
      const t0 = Date.now();
      for (const u of ['U1', 'U2', 'U3', 'U4', 'U5', 'U6']) homes.refresh(u);
      const idle = homes.idle();
      await vi.runAllTimersAsync();
      await idle;
      // The burst at once; then, at 600 a minute, one every 100 ms.
      expect(at.map((t) => t - t0)).toEqual([0, 0, 0, 100, 200, 300]);
      await homes.stop();
    }));

  it('coalesces repeated requests for one person into one publish', async () => {
    const published: string[] = [];
    const homes = new HomeRefresher(async (u) => void published.push(u), silent(), { quietMs: 50 });
    for (const u of ['U1', 'U2', 'U1', 'U1', 'U2']) homes.refresh(u);
    await homes.idle();
    expect(published).toEqual(['U1', 'U2']);
    await homes.stop();
  });

  it('waits for a quiet spell after the last request', () =>
    timed(async () => {
      const at: number[] = [];
      const homes = new HomeRefresher(async () => void at.push(Date.now()), silent(), { quietMs: 150 });
      const t0 = Date.now();
      homes.refresh('U1');
      await vi.advanceTimersByTimeAsync(100);
      homes.refresh('U2');
      await vi.advanceTimersByTimeAsync(149);
      expect(at).toEqual([]);
      const idle = homes.idle();
      await vi.runAllTimersAsync();
      await idle;
      expect(at.map((t) => t - t0)).toEqual([250, 250]);
      await homes.stop();
    }));

  it('reports a failed publish without the user id and goes on with the others', async () => {
    const lines: string[] = [];
    const published: string[] = [];
    const homes = new HomeRefresher(
      async (u) => {
        if (u === 'U0FAIL') throw new Error('An API error occurred: invalid_blocks');
        published.push(u);
      },
      createLogger({ level: 'debug', write: (l) => lines.push(l) }),
      quiet,
    );
    homes.refresh('U0FAIL');
    homes.refresh('U0OK');
    await homes.idle();
    expect(published).toEqual(['U0OK']);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('slack app home failed');
    expect(lines[0]).not.toContain('U0FAIL');
    await homes.stop();
  });

  it('drops a refresh a direct publish covers, and stop() leaves nothing pending', async () => {
    const published: string[] = [];
    const homes = new HomeRefresher(async (u) => void published.push(u), silent(), { quietMs: 10_000 });
    homes.refresh('U1');
    homes.drop('U1');
    await homes.idle();
    homes.refresh('U2');
    await homes.stop();
    await homes.idle();
    homes.refresh('U3');
    await homes.idle();
    expect(published).toEqual([]);
  });
});
