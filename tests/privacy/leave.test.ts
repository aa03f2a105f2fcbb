// After `leave` (and `member remove`), nothing on disk names the person: the
// lowdb data file and its journal (decrypted), and every PostgreSQL table, hold
// none of their user id, display name or email address, nor does anything the
// core logged during the whole run. Their answers stay in the figures (the
// trends reply and the export CSV are the same before and after), and the
// stored answer sets are byte-identical before and after, so no difference
// between two backups shows which sets were theirs.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTrellis } from '../../src/core/trellis.js';
import { isForm, type Message, type Reply } from '../../src/core/message.js';
import type { Caller, Place } from '../../src/core/request.js';
import { emailUserId, EMAIL_WORKSPACE } from '../../src/core/email-identity.js';
import type { Store } from '../../src/store/store.js';
import { openLowdbStore } from '../../src/store/lowdb-store.js';
import { openPgStore } from '../../src/store/pg/pg-store.js';
import { corePorts } from '../helpers/core-ports.js';
import { fakeClock } from '../helpers/fake-clock.js';
import { fakeMessenger } from '../helpers/fake-messenger.js';
import { describePg, truncateAll, useThrowawayDb } from '../helpers/pg.js';
import { databaseBackup, lowdbBackup } from '../helpers/stored-text.js';

const SECRET = 'leave-privacy-secret-0123456789abcdef';
/** No rewrite of its own accord: only an erasure empties the journal here. */
const NEVER = { idleMs: 3_600_000, minJournalBytes: 1 << 30 };
const alex: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-ALEX', displayName: 'Alex Morgan' };
const sam: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-SAMPATEL', displayName: 'Sam Patel' };
const kim: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-KIM', displayName: 'Kim Osei' };
const lee: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-LEE', displayName: 'Lee Novak' };
const JO_EMAIL = 'jo.quartermaine@example.org';
const jo: Caller = { platform: 'email', workspace: EMAIL_WORKSPACE, userId: emailUserId(SECRET, JO_EMAIL), displayName: 'Jo Quartermaine' };
const channel: Place = { conversationId: 'C1', kind: 'channel', label: '#riverside' };
const dm: Place = { conversationId: 'D1', kind: 'personal' };
/** What names the two who go, as a store keeps it (Jo's address is kept only sealed: that seal is added below). */
const TRACES = [sam.userId, sam.displayName, jo.userId, jo.displayName];

const msg = (r: Reply): Message => {
  if (isForm(r)) throw new Error('expected a message');
  return r;
};

/** Two rounds (one closed, for trends; one open, with invitations pending), then Sam leaves and Jo is removed. */
async function scenario(store: Store, backup: () => Promise<{ all: string; answerSets: string }>) {
  // Everything the core logs, as the server's logger would write it.
  const logged: string[] = [];
  const log = {
    warn: (msg: string, meta?: object) => logged.push(JSON.stringify({ msg, ...meta })),
    error: (msg: string, meta?: object) => logged.push(JSON.stringify({ msg, ...meta })),
  };
  const trellis = createTrellis({ ...corePorts(store), clock: fakeClock('2026-11-23T08:00:00Z'), messenger: fakeMessenger(), secret: SECRET, log });
  const say = async (c: Caller, text: string, place: Place = channel) => msg(await trellis.command({ caller: c, place, text }));
  const click = async (c: Caller, label: string, reply: Message) => {
    const b = reply.buttons!.find((x) => x.label === label)!;
    return msg(await trellis.action({ caller: c, place: dm, actionId: b.actionId, value: b.value }));
  };
  const answer = async (c: Caller) => {
    const round = (await store.rounds((await store.partnerships())[0]!.id)).at(-1)!;
    const r = await trellis.action({ caller: c, place: dm, actionId: 'survey-open', value: round.id });
    if (!isForm(r)) throw new Error(r.text);
    const values = Object.fromEntries(r.form.fields.filter((x) => x.kind === 'choice').map((x, i) => [x.id, String((i % 5) + 1)]));
    expect((await trellis.submit({ caller: c, actionId: r.form.submitActionId, context: r.form.context, values })).tone).toBe('success');
  };
  await say(alex, 'setup Riverside');
  await say(alex, 'org add City Council public');
  const code = (await store.partnerships())[0]!.inviteCode;
  for (const c of [alex, sam, kim, lee]) await say(c, `join ${code} City Council`, dm);
  await say(alex, `member add ${JO_EMAIL} City Council`);
  await say(alex, 'set threshold 3');
  await say(alex, 'survey now');
  for (const c of [alex, sam, kim, lee, jo]) await answer(c);
  await say(alex, 'survey close');
  await say(alex, 'survey now');
  await answer(sam);
  await trellis.settled();
  const trends = (await say(alex, 'trends')).text;
  /** The export CSV, through the coordinator's signed link. */
  const csv = async () => {
    const token = /\/export\/(\S+)/.exec((await say(alex, 'export', dm)).text)![1]!;
    const file = await trellis.exportCsv(token);
    if (!file.ok) throw new Error(file.message);
    return file.csv;
  };
  const csvBefore = await csv();
  expect(csvBefore.split('\n').length).toBeGreaterThan(1);
  const before = await backup();
  const sealedAddress = (await store.membershipsOf(jo))[0]!.contact!;
  const traces = [...TRACES, sealedAddress];
  // The check below can see them before.
  for (const t of traces) expect(before.all).toContain(t);

  expect((await click(sam, 'Leave', await say(sam, 'leave', dm))).tone).toBe('success');
  expect((await click(alex, 'Remove', await say(alex, 'member remove Jo Quartermaine'))).tone).toBe('success');
  await trellis.settled();

  const after = await backup();
  for (const t of [...traces, JO_EMAIL]) expect(after.all, t).not.toContain(t);
  expect(after.answerSets).toBe(before.answerSets);
  expect((await say(alex, 'trends')).text).toBe(trends);
  expect(await csv()).toBe(csvBefore);
  for (const t of [...traces, JO_EMAIL]) expect(logged.join('\n'), t).not.toContain(t);
}

describe('leaving, on the lowdb store', () => {
  it('leaves no trace of the person in the data file or the journal; answer sets and trends unchanged', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'trellis-leave-')), 'trellis.json');
    const store = await openLowdbStore(file, SECRET, NEVER);
    await scenario(store, () => lowdbBackup(file, SECRET));
    await store.close();
  });
});

describePg('leaving, on PostgreSQL', () => {
  const db = useThrowawayDb();
  it('leaves no trace of the person in any table; answer sets and trends unchanged', async () => {
    await truncateAll(db.url);
    const store = await openPgStore(db.url);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await scenario(store, () => databaseBackup(client));
    } finally {
      await client.end();
      await store.close();
    }
  });
});
