// The whole Trellis server (src/main.ts, Slack over HTTP, the lowdb file)
// killed with SIGKILL at random moments while people answer a check-in, a
// hundred times over: after every kill, every answer Slack was told was
// recorded ("Thanks — your answers are in") is in the data file. The server is
// bundled once (its packages stay in node_modules) so that each start is quick.
// A failure prints CRASH_SEED to run the same kills again.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { answerKey } from '../src/core/answering.js';
import { openLowdbStore } from '../src/store/lowdb-store.js';
import { startFakeSlack, type FakeSlack } from './helpers/fake-slack.js';
import { BOT_TOKEN, SIGNING_SECRET, fixture, interaction, slashCommand } from './helpers/slack-requests.js';
import { TEST_SECRET } from './helpers/start-trellis.js';
import { freePort, health } from './helpers/trellis-process.js';
import { waitFor } from './helpers/wait-for.js';
import { seededRandom } from './helpers/seeded-random.js';

// CRASH_KILLS: fewer kills for a quick local check.
const KILLS = Number(process.env.CRASH_KILLS ?? 100);
const PEOPLE = ['ana', 'ben', 'cat', 'dev', 'eli', 'fay'].map((name) => ({ id: `U0${name.toUpperCase()}`, name }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let work: string;
let bundle: string;
let slack: FakeSlack;
let port: number;
let url: string;
let server: ChildProcess | undefined;

function startServer(): { exited: Promise<number | null>; output: () => string } {
  let output = '';
  server = spawn(process.execPath, [bundle], {
    env: {
      PATH: process.env.PATH ?? '',
      TRELLIS_DATA: join(work, 'trellis.json'),
      TRELLIS_SECRET: TEST_SECRET,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      PORT: String(port),
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  server.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const child = server;
  return { exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))), output: () => output };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'trellis-crash-server-'));
  // Inside the project, so that the bundle finds node_modules.
  await mkdir('tests/artifacts', { recursive: true });
  bundle = join(await mkdtemp('tests/artifacts/crash-server-'), 'main.mjs');
  await build({
    entryPoints: ['src/main.ts'],
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: bundle,
    logLevel: 'error',
  });
  slack = await startFakeSlack();
  for (const p of PEOPLE) slack.users.set(p.id, p.name);
  port = await freePort();
  url = `http://127.0.0.1:${port}`;
}, 60_000);
afterAll(async () => {
  server?.kill('SIGKILL');
  await slack?.close();
  await rm(work, { recursive: true, force: true });
  await rm(join(bundle, '..'), { recursive: true, force: true });
});

it(`kills the server at ${KILLS} random moments while people answer; every answer acknowledged is in the data file after each`, async () => {
  const seed = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
  const random = seededRandom(seed);
  let seq = 0;
  const say = async (who: (typeof PEOPLE)[number], where: Record<string, string>, text: string) => {
    const id = `r${++seq}`;
    await slashCommand(url, { user_id: who.id, user_name: who.name, ...where, text, response_url: slack.responseUrl(id) });
    return ((await waitFor(() => slack.responses.find((r) => r.id === id), 10_000)).body as { text: string }).text;
  };
  const up = async () => {
    const s = startServer();
    await waitFor(async () => (await health(port))?.status === 'ok', 20_000).catch((err: Error) => {
      throw new Error(`${err.message}: the server did not come up.\n${s.output()}`);
    });
    return s;
  };

  // A partnership of six, and a check-in open to them all.
  let s = await up();
  const code = /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec(await say(PEOPLE[0]!, { channel_id: 'C0RIVER', channel_name: 'riverside' }, 'setup Riverside'))![1]!;
  for (const p of PEOPLE) await say(p, { channel_id: `D${p.id}`, channel_name: 'directmessage' }, `join ${code} independent`);
  expect(await say(PEOPLE[0]!, { channel_id: 'C0RIVER', channel_name: 'riverside' }, 'survey now')).toContain('is open');
  server!.kill('SIGTERM');
  expect(await s.exited).toBe(0);
  const file = join(work, 'trellis.json');
  const peek = await openLowdbStore(file, TEST_SECRET);
  const [p] = await peek.partnerships();
  const round = (await peek.rounds(p!.id))[0]!;
  const memberOf = new Map((await peek.members(p!.id)).map((m) => [m.userId, m.id]));
  await peek.close();

  /** What each person was last told was recorded: the number in their comment. */
  const acked = new Map<string, number>();
  const submit = async (who: (typeof PEOPLE)[number], n: number) => {
    const base = fixture<{ view: Record<string, unknown> } & Record<string, unknown>>('view-submission');
    const values = Object.fromEntries([
      ...round.itemIds.map((id) => [
        id,
        { value: { type: 'radio_buttons', selected_option: { text: { type: 'plain_text', text: '4' }, value: String(1 + (n % 5)) } } },
      ]),
      ['comment', { value: { type: 'plain_text_input', value: String(n) } }],
    ]);
    const view = { ...base.view, private_metadata: JSON.stringify({ actionId: 'survey-submit', context: round.id }), state: { values } };
    const res = await interaction(url, { ...base, user: { id: who.id, username: who.name, name: who.name, team_id: 'T0001' }, view });
    if (res.status === 200 && (await res.text()).includes('Thanks — your answers are in')) acked.set(who.id, n);
  };

  try {
    for (let kill = 1; kill <= KILLS; kill++) {
      s = await up();
      let stop = false;
      // Each person answers again and again, one submission in flight each.
      const load = PEOPLE.map(async (who) => {
        while (!stop) await submit(who, ++seq).catch(() => undefined);
      });
      await sleep(random() * 250);
      server!.kill('SIGKILL');
      await s.exited;
      stop = true;
      await Promise.all(load);
      // Opened as Trellis opens it (the lock of a killed process is taken over), then closed again.
      const store = await openLowdbStore(file, TEST_SECRET, undefined, { notice: () => undefined });
      try {
        for (const [userId, n] of acked) {
          const set = await store.answerSet(round.id, answerKey(TEST_SECRET, memberOf.get(userId)!, round.id));
          expect(Number(set?.comment ?? 0), `${userId}'s answer ${n} was acknowledged before kill ${kill}`).toBeGreaterThanOrEqual(n);
        }
      } finally {
        await store.close();
      }
    }
    expect(acked.size).toBe(PEOPLE.length);
  } catch (err) {
    throw new Error(`${(err as Error).message}\nRun again with CRASH_SEED=${seed}`, { cause: err });
  }
}, 900_000); // a hang guard, not a speed limit: 100 restarts take 4–7 minutes on a loaded 2-core machine
