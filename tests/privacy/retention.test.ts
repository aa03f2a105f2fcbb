// Retention on disk: once a partnership's periods have passed, the scheduler's
// tick leaves none of a closed concern's words (its text and the friend's reply)
// and none of a closed check-in's comments in the lowdb data file, its journal
// (decrypted) or any PostgreSQL table, with every seal the secret opens opened
// for the search. Before the period nothing goes; the published figures (trends,
// the CSV export, the concern heads the themes count) stay as they were; a second
// tick changes nothing; and a partnership with shorter settings expires earlier.
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTrellis } from '../../src/core/trellis.js';
import { isForm, type Form, type Message, type Reply } from '../../src/core/message.js';
import type { Caller, Place } from '../../src/core/request.js';
import { unseal } from '../../src/core/seal.js';
import { themeLines } from '../../src/core/concerns/themes.js';
import { addDays, addMonths } from '../../src/core/time.js';
import type { Store } from '../../src/store/store.js';
import { journalFileFor, openLowdbStore } from '../../src/store/lowdb-store.js';
import { openPgStore } from '../../src/store/pg/pg-store.js';
import { corePorts } from '../helpers/core-ports.js';
import { fakeClock } from '../helpers/fake-clock.js';
import { fakeMessenger } from '../helpers/fake-messenger.js';
import { describePg, truncateAll, useThrowawayDb } from '../helpers/pg.js';
import { databaseText, lowdbText } from '../helpers/stored-text.js';

const SECRET = 'retention-privacy-secret-0123456789abcdef';
/** No rewrite of its own accord: only an erasure empties the journal here. */
const NEVER = { idleMs: 3_600_000, minJournalBytes: 1 << 30 };
const alex: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-ALEX', displayName: 'Alex Morgan' };
const sam: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-SAM', displayName: 'Sam Patel' };
const kim: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-KIM', displayName: 'Kim Osei' };
const chris: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-CHRIS', displayName: 'Chris Evans' };
const channel: Place = { conversationId: 'C1', kind: 'channel', label: '#riverside' };
const dm: Place = { conversationId: 'D1', kind: 'personal' };
const START = '2026-11-23T09:00:00Z';
const CONCERN_TEXT = 'Decisions-are-made-before-meetings-by-the-two-biggest-partners';
const REPLY_TEXT = 'Which-steering-group-meetings-do-you-mean';
const COMMENT = 'Minutes-arrive-three-weeks-late-every-time';

/** What a store holds, as one string to search: every seal the secret opens is opened into it. */
type Dump = () => Promise<string>;

/** Appends the opened form of every sealed value in `text` (concern bodies, relays, queued messages). */
function withSealsOpened(text: string): string {
  const opened = [...text.matchAll(/[A-Za-z0-9+/]{40,}={0,2}/g)].flatMap(([s]) =>
    ['concern-body', 'relay', 'outbox'].flatMap((purpose) => {
      const v = unseal<unknown>(SECRET, purpose, s);
      return v === undefined ? [] : [JSON.stringify(v)];
    }),
  );
  return text + opened.join('');
}

const msg = (r: Reply): Message => {
  if (isForm(r)) throw new Error(`expected a message, got the form ${r.form.title}`);
  return r;
};
const form = (r: Reply): Form => {
  if (!isForm(r)) throw new Error(`expected a form: ${r.text}`);
  return r.form;
};

/**
 * Riverside: a concern raised, answered and resolved, and a check-in answered with comments and
 * closed; then the clock goes past each period. `settings`: `set retention` lines run first.
 */
async function scenario(store: Store, dump: Dump, settings: { concerns: number; comments: number }, unchanged: () => Promise<string>) {
  const clock = fakeClock(START);
  const trellis = createTrellis({ ...corePorts(store), clock, messenger: fakeMessenger(), secret: SECRET, random: () => 0 });
  const say = async (c: Caller, text: string, place: Place = channel) => trellis.command({ caller: c, place, text });
  const submit = async (c: Caller, f: Form, values: Record<string, string>) =>
    msg(await trellis.submit({ caller: c, actionId: f.submitActionId, context: f.context, values }));
  await say(alex, 'setup Riverside');
  await say(alex, 'org add City Council public');
  const p = (await store.partnerships())[0]!;
  for (const c of [alex, sam, kim]) await say(c, `join ${p.inviteCode} City Council`, dm);
  await say(chris, `join ${p.inviteCode} independent`, dm);
  await say(alex, 'set threshold 3');
  await say(alex, 'role Chris Evans critical-friend');
  if (settings.concerns !== 12) expect(msg(await say(alex, `set retention concerns ${settings.concerns} months`)).tone).toBe('success');
  if (settings.comments !== 24) expect(msg(await say(alex, `set retention comments ${settings.comments} months`)).tone).toBe('success');

  const raised = form(await say(sam, 'concern', dm));
  await submit(sam, raised, { category: 'power', happening: CONCERN_TEXT, help: 'An agreed agenda', organisation: 'yes', consent: 'yes' });
  await trellis.tick(); // delivered at once: random() is 0
  const id = (await store.concerns(p.id))[0]!.id;
  const read = form(await trellis.action({ caller: chris, place: dm, actionId: 'concern-friend-open', value: id }));
  expect((await submit(chris, read, { reply: REPLY_TEXT, status: 'resolved' })).tone).toBe('success');

  await say(alex, 'survey now');
  const round = (await store.rounds(p.id))[0]!;
  for (const c of [alex, sam, kim]) {
    const f = form(await trellis.action({ caller: c, place: dm, actionId: 'survey-open', value: round.id }));
    const values = Object.fromEntries(f.fields.filter((x) => x.kind === 'choice').map((x, i) => [x.id, String((i % 5) + 1)]));
    expect((await submit(c, f, { ...values, comment: COMMENT })).tone).toBe('success');
  }
  await say(alex, 'survey close');
  await trellis.settled();

  /** What is published: the trends, the CSV export, and the themes with the concern heads they count. */
  const published = async () => {
    const token = /\/export\/(\S+)/.exec(msg(await say(alex, 'export', dm)).text)![1]!;
    const csv = await trellis.exportCsv(token);
    if (!csv.ok) throw new Error(csv.message);
    const heads = (await store.concerns(p.id)).map(({ category, month, threshold, status, pseudonym }) => ({ category, month, threshold, status, pseudonym }));
    const themes = themeLines(await store.concerns(p.id), 'month', p);
    return JSON.stringify({ trends: msg(await say(alex, 'trends')).text, csv: csv.csv, heads, themes });
  };
  const figures = await published();
  const tickAt = async (day: string) => {
    clock.set(`${day}T12:00:00Z`);
    await trellis.tick();
  };
  const words = async () => {
    const all = await dump();
    return { concern: all.includes(CONCERN_TEXT), reply: all.includes(REPLY_TEXT), comment: all.includes(COMMENT) };
  };

  // The search sees them while they are kept.
  expect(await words()).toEqual({ concern: true, reply: true, comment: true });
  const closedOn = START.slice(0, 10);
  await tickAt(addMonths(closedOn, settings.concerns - 1));
  await tickAt(addDays(addMonths(closedOn, settings.concerns), -1));
  expect(await words()).toEqual({ concern: true, reply: true, comment: true });

  await tickAt(addMonths(closedOn, settings.concerns));
  expect(await words()).toEqual({ concern: false, reply: false, comment: true });

  await tickAt(addDays(addMonths(closedOn, settings.comments), -1));
  expect(await words()).toEqual({ concern: false, reply: false, comment: true });
  await tickAt(addMonths(closedOn, settings.comments));
  expect(await words()).toEqual({ concern: false, reply: false, comment: false });
  expect(await published()).toBe(figures);

  // Idempotent: a second tick writes nothing at all.
  const before = await unchanged();
  await trellis.tick();
  expect(await unchanged()).toBe(before);
}

async function onLowdb(settings: { concerns: number; comments: number }) {
  const file = join(await mkdtemp(join(tmpdir(), 'trellis-retention-')), 'trellis.json');
  const store = await openLowdbStore(file, SECRET, NEVER);
  await scenario(
    store,
    async () => withSealsOpened(await lowdbText(file, SECRET)),
    settings,
    // The data file byte for byte, and the journal's size: nothing appended.
    async () => `${await readFile(file, 'utf8')}\n${(await stat(journalFileFor(file))).size}`,
  );
  await store.close();
}

describe('retention, on the lowdb store', () => {
  it('erases concern text after 12 months and comments after 24 from the data file and the journal, and nothing before', () =>
    onLowdb({ concerns: 12, comments: 24 }));
  it('expires earlier for a partnership with shorter settings', () => onLowdb({ concerns: 2, comments: 3 }));
});

describePg('retention, on PostgreSQL', () => {
  const db = useThrowawayDb();
  const onPg = async (settings: { concerns: number; comments: number }) => {
    await truncateAll(db.url);
    const store = await openPgStore(db.url);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const everything = async () => {
      return databaseText(client);
    };
    try {
      await scenario(store, async () => withSealsOpened(await everything()), settings, everything);
    } finally {
      await client.end();
      await store.close();
    }
  };
  it('erases concern text after 12 months and comments after 24 from every table, and nothing before', () => onPg({ concerns: 12, comments: 24 }));
  it('expires earlier for a partnership with shorter settings', () => onPg({ concerns: 2, comments: 3 }));
});
