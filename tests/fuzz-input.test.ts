// Fuzzing the two entry points with what an authenticated sender could get
// wrong: thousands of real fixtures, each mutated by a seeded PRNG (a field
// dropped, nulled or given another JSON type, the body cut short, the wrong
// type at the top), signed as Slack signs them or posted as Teams activities.
// No answer may be a 5xx, no promise may reject unhandled, and the stored data
// may not change (conversation references aside: a valid activity without
// its optional `locale` rightly refreshes where the bot can write).
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from './helpers/fake-slack.js';
import { startFakeTeamsConnector, type FakeTeamsConnector } from './helpers/fake-teams-connector.js';
import { BOT_TOKEN, SIGNING_SECRET, sign } from './helpers/slack-requests.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';
import { seededRandom } from './helpers/seeded-random.js';

const SEED = 0x7e11;
const PER_PLATFORM = 1500;
const IN_FLIGHT = 8;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** A seeded generator, with the two draws the mutations use. */
function prng(seed: number) {
  const next = seededRandom(seed);
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]! };
}
type Rng = ReturnType<typeof prng>;

const fixtures = (dir: 'slack' | 'teams') =>
  readdirSync(new URL(`./fixtures/${dir}/`, import.meta.url))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({
      name: f.replace(/\.json$/, ''),
      body: JSON.parse(readFileSync(new URL(`./fixtures/${dir}/${f}`, import.meta.url), 'utf8')) as Record<string, Json>,
    }));

/** Every path to a value inside `x` (the root excluded). */
function paths(x: Json, at: (string | number)[] = []): (string | number)[][] {
  if (x === null || typeof x !== 'object') return [];
  const keys: (string | number)[] = Array.isArray(x) ? x.map((_, i) => i) : Object.keys(x);
  return keys.flatMap((k) => [[...at, k], ...paths((x as Record<string | number, Json>)[k]!, [...at, k])]);
}

const OTHER_TYPES = (v: Json): Json[] =>
  ([null, 0, -1, 1e308, true, '', 'x', [], {}, [v], { v }] as Json[]).filter((o) => typeof o !== typeof v || Array.isArray(o) !== Array.isArray(v));

/** One mutation, in place: drop a field, null it, or give it another JSON type. */
function mutate(root: Json, rng: Rng): void {
  const all = paths(root);
  if (all.length === 0) return;
  const path = rng.pick(all);
  const parent = path.slice(0, -1).reduce<Json>((o, k) => (o as Record<string | number, Json>)[k]!, root) as Record<string | number, Json>;
  const key = path.at(-1)!;
  const op = rng.int(3);
  if (op === 0) {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  } else if (op === 1) parent[key] = null;
  else parent[key] = rng.pick(OTHER_TYPES(parent[key]!));
}

/** The body as sent: mutated one to three times, or replaced at the top by another JSON type; sometimes cut short. */
function mutated(body: Json, rng: Rng): { json?: Json; text?: string } {
  const copy = structuredClone(body);
  const roll = rng.next();
  if (roll < 0.08) return { json: rng.pick(OTHER_TYPES(copy)) };
  for (let i = 1 + rng.int(3); i > 0; i--) mutate(copy, rng);
  if (roll > 0.92) {
    const text = JSON.stringify(copy);
    return { text: text.slice(0, rng.int(text.length)) };
  }
  return { json: copy };
}

let slack: FakeSlack;
let connector: FakeTeamsConnector;
let trellis: TestTrellis;
const unhandled: unknown[] = [];
const onUnhandled = (err: unknown) => void unhandled.push(err);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
  slack = await startFakeSlack();
  connector = await startFakeTeamsConnector();
  trellis = await startTrellis({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    TEAMS_ALLOW_UNAUTHENTICATED: 'true',
  });
});
afterAll(async () => {
  await trellis?.close();
  await slack?.close();
  await connector?.close();
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUnhandled);
});

/** Sends `count` requests made by `make` (a body and how to send it), a few at a time; how many got each status, and the bodies that got a 5xx. */
async function flood(count: number, make: (i: number) => [string, () => Promise<Response>]) {
  const statuses = new Map<number, number>();
  const failed: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const [body, send] = make(next++);
      const res = await send();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500) failed.push(`${res.status} ${body.slice(0, 2000)}`);
      await res.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return { statuses, failed };
}

/** The stored data, with each conversation reference reduced to its key. */
const snapshot = async () => {
  const data = JSON.parse(await trellis.data()) as Record<string, unknown> & { conversations: { key: string }[] };
  return { ...data, conversations: data.conversations.map((c) => c.key).sort() };
};

describe('fuzzed input past authentication', () => {
  it(`${PER_PLATFORM} mutated signed Slack requests: no 5xx, nothing stored`, async () => {
    const rng = prng(SEED);
    const bases = fixtures('slack').map(({ name, body }) => ({
      name,
      body: { ...body, ...('response_url' in body ? { response_url: slack.responseUrl(`fuzz-${name}`) } : {}) } as Record<string, Json>,
    }));
    const before = await snapshot();
    const { statuses, failed } = await flood(PER_PLATFORM, (i) => {
      const { name, body } = rng.pick(bases);
      // Fresh ids, so that de-duplication does not hide what a new request would do.
      const fresh: Record<string, Json> = {
        ...body,
        ...('event_id' in body ? { event_id: `EvFUZZ${i}` } : {}),
        ...('trigger_id' in body ? { trigger_id: `trigger-fuzz-${i}` } : {}),
      };
      const { json, text } = mutated(fresh, rng);
      const command = name === 'slash-command';
      const event = 'event_id' in body;
      const raw = text ?? JSON.stringify(json);
      const sent = command
        ? json && typeof json === 'object' && !Array.isArray(json)
          ? new URLSearchParams(Object.entries(json).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString()
          : `command=${encodeURIComponent(raw)}`
        : event
          ? raw
          : new URLSearchParams({ payload: raw }).toString();
      const contentType = event ? 'application/json' : 'application/x-www-form-urlencoded';
      return [sent, () => fetch(`${trellis.url}/slack/events`, { method: 'POST', headers: { 'content-type': contentType, ...sign(sent) }, body: sent })];
    });
    await trellis.drain();
    expect(failed).toEqual([]);
    expect(statuses.get(400)).toBeGreaterThan(PER_PLATFORM / 10); // the mutations do reach the checks
    expect(unhandled).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it(`${PER_PLATFORM} mutated Teams activities: no 5xx, nothing stored`, async () => {
    const rng = prng(SEED + 1);
    const bases = fixtures('teams').map(({ name, body }) => ({
      name,
      body: {
        ...body,
        serviceUrl: connector.serviceUrl,
        ...(typeof body.text === 'string' ? { text: body.text.replace(/setup Riverside Partnership|join \S+ .*/, 'help') } : {}),
      } as Record<string, Json>,
    }));
    // Each conversation's reference is stored once as it really comes; what is compared is everything else.
    for (const { body } of bases)
      await fetch(`${trellis.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await trellis.drain();
    const before = await snapshot();
    const { statuses, failed } = await flood(PER_PLATFORM, (i) => {
      const { body } = rng.pick(bases);
      const { json, text } = mutated({ ...body, id: `fuzz-${i}` }, rng);
      const sent = text ?? JSON.stringify(json);
      return [sent, () => fetch(`${trellis.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: sent })];
    });
    await trellis.drain();
    expect(failed).toEqual([]);
    expect(statuses.get(400)).toBeGreaterThan(PER_PLATFORM / 10);
    expect(unhandled).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });
});
