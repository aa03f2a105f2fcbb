// Concern and reply text sealed at rest, as an operator holding the files or
// the database would look for it: a concern and replies go through the
// playground's HTTP API; then every file in the data directory (data file,
// journal, anything beside them) and every PostgreSQL row is searched for the
// words. Concerns stored in the clear by an earlier version are sealed at the
// next start, without losing a word, and stay readable to their critical friend.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Form, Message } from '../src/core/message.js';
import type { StoredConcern } from '../src/core/model.js';
import { FRIEND_OPEN, REPORTER_OPEN } from '../src/core/concerns/concern-forms.js';
import { sealRelay } from '../src/core/concerns/relay.js';
import type { Store } from '../src/store/store.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { startServer } from '../src/server.js';
import { openPgStore } from '../src/store/pg/pg-store.js';
import { describePg, useThrowawayDb } from './helpers/pg.js';
import { startTrellis, TEST_SECRET } from './helpers/start-trellis.js';
import { formText } from './helpers/form-text.js';

type Persona = 'alex' | 'sam' | 'chris';
const CONCERN = 'The lead agency rewrites the minutes: marker-heron-4410';
const HELP = 'An agreed minute-taker: marker-stint-5521';
const REPLY = 'Which meetings? marker-crake-6632';
const ANSWER = 'The steering group: marker-smew-7743';
const ORG = 'Harbour Housing';
const LEGACY = 'Written before sealing: marker-rail-8854';
const WORDS = ['marker-heron-4410', 'marker-stint-5521', 'marker-crake-6632', 'marker-smew-7743'];

/** A server on `store` with the playground; the same HTTP API whichever store is underneath. */
function client(url: string) {
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    return (await res.json()) as { reply?: Message; form?: Form };
  };
  const say = async (persona: Persona, text: string, where = 'personal') => post('/playground/command', { persona, text, where });
  const open = async (persona: Persona, actionId: string, value: string) =>
    (await post('/playground/action', { persona, actionId, value, where: 'personal' })).form!;
  const submit = async (persona: Persona, form: Form, values: Record<string, string>) =>
    (await post('/playground/submit', { persona, actionId: form.submitActionId, context: form.context, values })).reply!;
  return { say, open, submit };
}

/** Sets up a partnership with Chris as critical friend; Sam raises a concern (naming his organisation), Chris replies, Sam answers. */
async function converse(url: string, store: Store, tick: () => Promise<void>): Promise<string> {
  const { say, open, submit } = client(url);
  const code = /Invite code: \*([A-Z0-9]{4}-[A-Z0-9]{4})\*/.exec((await say('alex', 'setup Riverside', 'channel')).reply!.text)![1]!;
  await say('alex', `org add ${ORG} voluntary`, 'channel');
  await say('sam', `join ${code} ${ORG}`);
  await say('chris', `join ${code} independent`);
  await say('alex', 'role Chris Evans critical-friend', 'channel');
  const raised = await submit('sam', (await say('sam', 'concern')).form!, {
    category: 'roles',
    happening: CONCERN,
    help: HELP,
    organisation: 'yes',
    consent: 'no',
  });
  expect(raised.tone).toBe('success');
  await tick();
  const [p] = await store.partnerships();
  const id = (await store.concerns(p!.id))[0]!.id;
  expect((await submit('chris', await open('chris', FRIEND_OPEN, id), { reply: REPLY, status: 'acknowledged' })).tone).toBe('success');
  expect((await submit('sam', await open('sam', REPORTER_OPEN, id), { reply: ANSWER, close: 'open' })).tone).toBe('success');
  // The server still reads it all to those entitled.
  const read = formText(await open('chris', FRIEND_OPEN, id));
  for (const w of [...WORDS, `someone at ${ORG}`]) expect(read).toContain(w);
  return id;
}

/** A concern as an earlier version stored it: its text and organisation in the clear. */
const legacyConcern = (partnershipId: string, relay: string): StoredConcern => ({
  id: 'legacy-1',
  partnershipId,
  pseudonym: 'C-LGCY',
  category: 'power',
  organisation: ORG,
  mayAskToEscalate: false,
  messages: [{ from: 'reporter', text: LEGACY, day: '2026-11-02' }],
  status: 'open',
  month: '2026-11',
  threshold: 5,
  relay,
});

async function filesIn(dir: string): Promise<string> {
  const names = await readdir(dir);
  return (await Promise.all(names.map((n) => readFile(join(dir, n), 'utf8').catch(() => '')))).join('\n');
}

describe('lowdb: concern and reply text sealed at rest', () => {
  it('leaves no word of a concern or a reply, nor the organisation, in the data file, its journal or anything beside them', async () => {
    const t = await startTrellis({ TRELLIS_CONCERN_DELAY_MAX_SECONDS: '0' });
    try {
      await converse(t.url, t.store, t.tick);
      const live = await filesIn(t.dir); // the journal, before any compaction
      const compacted = await t.data();
      await t.stop();
      const stopped = await filesIn(t.dir); // the data file once compacted on a clean stop
      for (const text of [live, compacted, stopped]) for (const w of WORDS) expect(text).not.toContain(w);
      // The organisation is in the register, of course, but not beside the concern that named it.
      expect(JSON.stringify(JSON.parse(compacted).concerns)).not.toContain(ORG);
      expect(JSON.parse(compacted).concerns[0].sealed).toMatch(/^[A-Za-z0-9+/=]{40,}$/);
    } finally {
      await t.close();
    }
  });

  it('seals a concern stored in the clear by an earlier version at the next start, and its critical friend still reads it all', async () => {
    const first = await startTrellis({ TRELLIS_CONCERN_DELAY_MAX_SECONDS: '0' });
    await converse(first.url, first.store, first.tick);
    const [p] = await first.store.partnerships();
    const sam = (await first.store.membershipsOf({ platform: 'playground', workspace: 'playground', userId: 'pg-sam' }))[0]!;
    await first.store.saveConcern(
      legacyConcern(p!.id, sealRelay(TEST_SECRET, { platform: 'playground', workspace: 'playground', userId: 'pg-sam', memberId: sam.id })),
    );
    await first.stop();
    expect(await readFile(first.dataFile, 'utf8')).toContain(LEGACY);

    const t = await startTrellis({ TRELLIS_CONCERN_DELAY_MAX_SECONDS: '0' }, { dir: first.dir });
    try {
      const data = await t.data();
      expect(data).not.toContain('marker-rail-8854');
      expect(JSON.stringify(JSON.parse(data).concerns)).not.toContain(ORG);
      expect((JSON.parse(data).concerns as StoredConcern[]).every((c) => c.sealed && !c.messages && !c.organisation)).toBe(true);
      const { open } = client(t.url);
      const read = formText(await open('chris', FRIEND_OPEN, 'legacy-1'));
      expect(read).toContain(LEGACY);
      expect(read).toContain(`someone at ${ORG}`);
      expect(formText(await open('sam', REPORTER_OPEN, 'legacy-1'))).toContain(LEGACY);
    } finally {
      await t.close();
    }
  });
});

describePg('PostgreSQL: concern and reply text sealed at rest', () => {
  const db = useThrowawayDb();

  async function startOnPg() {
    const store = await openPgStore(db.url);
    const config = loadConfig({ DATABASE_URL: db.url, TRELLIS_SECRET: TEST_SECRET, TRELLIS_CONCERN_DELAY_MAX_SECONDS: '0', LOG_LEVEL: 'error' });
    const log = createLogger({ level: 'error', secrets: [TEST_SECRET], write: () => undefined });
    const running = await startServer({ config, store, storeKind: 'postgres', clock: { now: () => new Date() }, log, secret: TEST_SECRET, schedule: false }, 0);
    return {
      store,
      running,
      close: async () => {
        await running.close();
        await store.close();
      },
    };
  }

  /** Every row of every table, as text. */
  async function dump(only?: string): Promise<string> {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      const { rows: all } = await c.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'`);
      const tables = all.filter((t) => !only || t.name === only);
      const parts: string[] = [];
      for (const t of tables) parts.push(JSON.stringify((await c.query(`SELECT * FROM ${t.name}`)).rows));
      return parts.join('\n');
    } finally {
      await c.end();
    }
  }

  let concernId = '';
  beforeAll(async () => {
    const s = await startOnPg();
    try {
      concernId = await converse(s.running.url, s.store, s.running.tick);
    } finally {
      await s.close();
    }
  });

  it('leaves no word of a concern or a reply, nor the organisation, in any row', async () => {
    const rows = await dump();
    expect(rows).toContain(concernId);
    for (const w of WORDS) expect(rows).not.toContain(w);
    expect(await dump('concerns')).not.toContain(ORG);
  });

  it('seals a concern stored in the clear by an earlier version at the next start, and its critical friend still reads it', async () => {
    const store = await openPgStore(db.url);
    const [p] = await store.partnerships();
    const sam = (await store.membershipsOf({ platform: 'playground', workspace: 'playground', userId: 'pg-sam' }))[0]!;
    await store.saveConcern(
      legacyConcern(p!.id, sealRelay(TEST_SECRET, { platform: 'playground', workspace: 'playground', userId: 'pg-sam', memberId: sam.id })),
    );
    await store.close();
    expect(await dump()).toContain('marker-rail-8854');

    const s = await startOnPg();
    try {
      expect(await dump()).not.toContain('marker-rail-8854');
      expect(formText(await client(s.running.url).open('chris', FRIEND_OPEN, 'legacy-1'))).toContain(LEGACY);
    } finally {
      await s.close();
    }
  });
});
