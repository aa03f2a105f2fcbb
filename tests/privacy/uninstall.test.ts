// After an uninstall's grace period, nothing on disk or in the logs names the
// people reached only through that workspace: the lowdb data file and its
// journal (decrypted), every PostgreSQL table, and every line logged hold none
// of their user ids or display names. Their answers stay in the figures: the
// stored answer sets are byte-identical before and after, and the trends and the
// export read the same.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTrellis } from '../../src/core/trellis.js';
import { isForm, type Message, type Reply } from '../../src/core/message.js';
import type { Caller, Place } from '../../src/core/request.js';
import type { Store } from '../../src/store/store.js';
import { createLogger } from '../../src/log.js';
import { openLowdbStore } from '../../src/store/lowdb-store.js';
import { openPgStore } from '../../src/store/pg/pg-store.js';
import { corePorts } from '../helpers/core-ports.js';
import { fakeClock } from '../helpers/fake-clock.js';
import { fakeMessenger } from '../helpers/fake-messenger.js';
import { describePg, truncateAll, useThrowawayDb } from '../helpers/pg.js';
import { databaseBackup, lowdbBackup } from '../helpers/stored-text.js';

const SECRET = 'uninstall-privacy-secret-0123456789abcd';
const NEVER = { idleMs: 3_600_000, minJournalBytes: 1 << 30 };
const DAY = 86_400_000;
const slack = (workspace: string, userId: string, displayName: string): Caller => ({ platform: 'slack', workspace, userId, displayName });
const alex = slack('T-RIVER', 'U-ALEX', 'Alex Morgan');
const kim = slack('T-RIVER', 'U-KIM', 'Kim Osei');
const lee = slack('T-RIVER', 'U-LEE', 'Lee Novak');
const sam = slack('T-HOPE', 'U-SAMPATEL', 'Sam Patel'); // in the workspace that goes
const pat = slack('T-HOPE', 'U-PATQUINN', 'Pat Quinn'); // in the workspace that goes; made critical friend once the check-in is answered
const channel: Place = { conversationId: 'C1', kind: 'channel', label: '#riverside' };
const dm: Place = { conversationId: 'D1', kind: 'personal' };
const TRACES = [sam.userId, sam.displayName, pat.userId, pat.displayName];

const msg = (r: Reply): Message => {
  if (isForm(r)) throw new Error('expected a message');
  return r;
};

/** A closed round everyone answered; T-HOPE removes Trellis; the grace period passes. */
async function scenario(store: Store, backup: () => Promise<{ all: string; answerSets: string }>) {
  const clock = fakeClock('2026-11-23T08:00:00Z');
  const logs: string[] = [];
  const log = createLogger({ level: 'debug', write: (l) => logs.push(l) });
  const trellis = createTrellis({ ...corePorts(store), clock, messenger: fakeMessenger(), secret: SECRET, log });
  const say = async (c: Caller, text: string, place: Place = channel) => msg(await trellis.command({ caller: c, place, text }));
  const answer = async (c: Caller) => {
    const round = (await store.rounds((await store.partnerships())[0]!.id)).at(-1)!;
    const r = await trellis.action({ caller: c, place: dm, actionId: 'survey-open', value: round.id });
    if (!isForm(r)) throw new Error(r.text);
    const values = Object.fromEntries(r.form.fields.filter((x) => x.kind === 'choice').map((x, i) => [x.id, String((i % 5) + 1)]));
    expect((await trellis.submit({ caller: c, actionId: r.form.submitActionId, context: r.form.context, values })).tone).toBe('success');
  };
  const figures = async () => {
    const token = /\/export\/(\S+)/.exec((await say(alex, 'export', dm)).text)![1]!;
    const csv = await trellis.exportCsv(token);
    expect(csv.ok).toBe(true);
    return { trends: (await say(alex, 'trends')).text, csv: csv.ok ? csv.csv : '' };
  };
  await say(alex, 'setup Riverside');
  await say(alex, 'org add City Council public');
  await say(alex, 'org add Hope Trust voluntary');
  const code = (await store.partnerships())[0]!.inviteCode;
  for (const c of [alex, kim, lee]) await say(c, `join ${code} City Council`, dm);
  for (const c of [sam, pat]) await say(c, `join ${code} Hope Trust`, dm);
  await say(alex, 'set threshold 3');
  await say(alex, 'survey now');
  for (const c of [alex, kim, lee, sam, pat]) await answer(c);
  await say(alex, 'survey close');
  await say(alex, 'role Pat Quinn critical-friend');
  await trellis.workspaceRemoved('slack', 'T-HOPE');
  clock.advance(30 * DAY - 60_000);
  await trellis.tick();
  await trellis.settled();

  const shown = await figures();
  const before = await backup();
  for (const t of TRACES) expect(before.all, t).toContain(t);

  clock.advance(60_000);
  await trellis.tick();
  await trellis.settled();
  expect((await store.members((await store.partnerships())[0]!.id)).map((m) => m.userId).sort()).toEqual(['U-ALEX', 'U-KIM', 'U-LEE']);

  const after = await backup();
  const logged = logs.join('\n');
  for (const t of TRACES) {
    expect(after.all, t).not.toContain(t);
    expect(logged, t).not.toContain(t);
  }
  expect(after.answerSets).toBe(before.answerSets);
  expect(await figures()).toEqual(shown);
}

describe('an uninstall past its grace period, on the lowdb store', () => {
  it('leaves no trace of its people in the data file, the journal or the logs; answer sets, trends and export unchanged', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'trellis-uninstall-')), 'trellis.json');
    const store = await openLowdbStore(file, SECRET, NEVER);
    await scenario(store, () => lowdbBackup(file, SECRET));
    await store.close();
  });
});

describePg('an uninstall past its grace period, on PostgreSQL', () => {
  const db = useThrowawayDb();
  it('leaves no trace of its people in any table or the logs; answer sets, trends and export unchanged', async () => {
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
