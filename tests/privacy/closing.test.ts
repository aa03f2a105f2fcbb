// `partnership close`, past its keeping period (its retention's closedMonths, 12 by default): nothing on
// disk names anyone who was in it — the lowdb data file and its journal
// (decrypted), and every PostgreSQL table, hold none of the members' user ids,
// display names or email address, none of the check-in comments, closing
// answers or concern words, and neither do the logs. The figures stay as they
// were, and a second tick changes nothing.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTrellis } from '../../src/core/trellis.js';
import { withDefaults } from '../../src/core/deps.js';
import type { Logger } from '../../src/core/logger.js';
import { isForm, type Message, type Reply } from '../../src/core/message.js';
import type { Caller, Place } from '../../src/core/request.js';
import { emailUserId, EMAIL_WORKSPACE } from '../../src/core/email-identity.js';
import { loadHistory } from '../../src/core/trends/history.js';
import { openConcern } from '../../src/core/concerns/concern-seal.js';
import type { Store } from '../../src/store/store.js';
import { openLowdbStore } from '../../src/store/lowdb-store.js';
import { openPgStore } from '../../src/store/pg/pg-store.js';
import { corePorts } from '../helpers/core-ports.js';
import { fakeClock } from '../helpers/fake-clock.js';
import { fakeMessenger } from '../helpers/fake-messenger.js';
import { describePg, truncateAll, useThrowawayDb } from '../helpers/pg.js';
import { databaseText, lowdbText } from '../helpers/stored-text.js';

const SECRET = 'closing-privacy-secret-0123456789abcdef';
/** No rewrite of its own accord: only an erasure empties the journal here. */
const NEVER = { idleMs: 3_600_000, minJournalBytes: 1 << 30 };
const DAY = 86_400_000;
const alex: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-ALEXMORGAN', displayName: 'Alex Morgan' };
const sam: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-SAMPATEL', displayName: 'Sam Patel' };
const kim: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-KIMOSEI', displayName: 'Kim Osei' };
const chris: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-CHRISEVANS', displayName: 'Chris Evans' };
const JO_EMAIL = 'jo.quartermaine@example.org';
const jo: Caller = { platform: 'email', workspace: EMAIL_WORKSPACE, userId: emailUserId(SECRET, JO_EMAIL), displayName: 'Jo Quartermaine' };
const channel: Place = { conversationId: 'C1', kind: 'channel', label: '#riverside' };
const dm: Place = { conversationId: 'D1', kind: 'personal' };
const COMMENT = 'Meetings overrun every single week';
const CONCERN = 'Decisions are taken before the meetings';
const LEARNT = 'Share the data before the pilot';
const THANKS = 'The clerks at the town hall';
const people = [alex, sam, kim, jo, chris];
const TRACES = [...people.flatMap((c) => [c.userId, c.displayName]), JO_EMAIL, COMMENT, CONCERN, LEARNT, THANKS];

const msg = (r: Reply): Message => {
  if (isForm(r)) throw new Error('expected a message');
  return r;
};

/** A round with comments, a concern, then the close, the closing check-in answered and closed, and 13 months on. */
async function scenario(store: Store, backup: () => Promise<string>) {
  const clock = fakeClock('2026-11-23T08:00:00Z');
  const logged: string[] = [];
  const log: Logger = { warn: (m, meta) => logged.push(m + JSON.stringify(meta ?? {})), error: (m, meta) => logged.push(m + JSON.stringify(meta ?? {})) };
  const messenger = fakeMessenger();
  const ports = { ...corePorts(store), clock, messenger, secret: SECRET, log, concernDelayMaxSeconds: 1 };
  const trellis = createTrellis(ports);
  const deps = withDefaults(ports);
  const say = async (c: Caller, text: string, place: Place = channel) => msg(await trellis.command({ caller: c, place, text }));
  const click = async (c: Caller, label: string, reply: Message) => {
    const b = reply.buttons!.find((x) => x.label === label)!;
    return msg(await trellis.action({ caller: c, place: dm, actionId: b.actionId, value: b.value }));
  };
  const roundId = async () => (await store.rounds((await store.partnerships())[0]!.id)).at(-1)!.id;
  const answer = async (c: Caller) => {
    const r = await trellis.action({ caller: c, place: dm, actionId: 'survey-open', value: await roundId() });
    if (!isForm(r)) throw new Error(r.text);
    const values = Object.fromEntries(r.form.fields.filter((x) => x.kind === 'choice').map((x, i) => [x.id, String((i % 5) + 1)]));
    expect((await trellis.submit({ caller: c, actionId: r.form.submitActionId, context: r.form.context, values: { ...values, comment: COMMENT } })).tone).toBe(
      'success',
    );
  };
  const figures = async () => JSON.stringify((await loadHistory(deps, (await store.partnerships())[0]!)).summaries);

  await say(alex, 'setup Riverside');
  await say(alex, 'org add City Council public');
  const code = (await store.partnerships())[0]!.inviteCode;
  for (const c of [alex, sam, kim]) await say(c, `join ${code} City Council`, dm);
  await say(chris, `join ${code} independent`, dm);
  await say(alex, `member add ${JO_EMAIL} City Council`);
  await say(alex, 'role Chris Evans critical-friend');
  await say(alex, 'set threshold 3');
  await say(alex, 'survey now');
  for (const c of [alex, sam, kim, jo]) await answer(c);
  await say(alex, 'survey close');
  const form = await trellis.command({ caller: sam, place: dm, text: 'concern' });
  if (!isForm(form)) throw new Error(form.text);
  await trellis.submit({
    caller: sam,
    actionId: form.form.submitActionId,
    context: form.form.context,
    values: { category: 'power', happening: CONCERN, help: '', organisation: 'yes', consent: 'no' },
  });
  clock.advance(3_600_000);
  await trellis.tick();

  expect((await click(alex, 'Close the partnership', await say(alex, 'partnership close'))).tone).toBe('success');
  for (const c of [alex, sam, kim])
    await trellis.submit({ caller: c, actionId: 'survey-submit', context: await roundId(), values: { 'closing-learnt': LEARNT, 'closing-thanks': THANKS } });
  clock.advance(6 * DAY);
  await trellis.tick();
  await trellis.settled();
  const trends = (await say(alex, 'trends')).text;
  const shown = await figures();
  const before = await backup();
  const sealedAddress = (await store.membershipsOf(jo))[0]!.contact!;
  // The concern's words and the way back to its reporter are kept sealed: the seals themselves must go.
  const concern = (await store.concerns((await store.partnerships())[0]!.id))[0]!;
  const sealed = [sealedAddress, concern.sealed!, concern.relay];
  // The check below can see them before (the address and the concern's words only sealed).
  for (const t of [...TRACES.filter((t) => t !== JO_EMAIL && t !== CONCERN), ...sealed]) expect(before, t).toContain(t);

  // A day short of the keeping period, nothing goes.
  clock.advance(Date.parse('2027-11-22T12:00:00Z') - clock.now().getTime());
  await trellis.tick();
  expect((await say(alex, 'trends')).text).toBe(trends);

  clock.advance(DAY);
  await trellis.tick();
  await trellis.settled();
  const after = await backup();
  for (const t of [...TRACES, ...sealed]) {
    expect(after, t).not.toContain(t);
    expect(logged.join('\n'), t).not.toContain(t);
  }
  // Nor does anything still sealed hold them: opened with the secret, the concern keeps its category and month alone.
  const opened = (await store.concerns((await store.partnerships())[0]!.id)).map((c) => openConcern(SECRET, c)!);
  expect(opened.map(({ messages, friendIds, organisation, status }) => ({ messages, friendIds, organisation, status }))).toEqual([
    { messages: [], friendIds: [], organisation: undefined, status: 'closed' },
  ]);
  expect(await figures()).toBe(shown);
  // The partnership, its organisation and its rounds stay.
  expect(after).toContain('Riverside');
  expect(after).toContain('City Council');
  expect((await store.partnerships())[0]!.erasedAt).toBe(clock.now().toISOString());

  const erased = () => messenger.posted.filter((m) => m.message.title === 'Riverside: personal data erased');
  expect(erased().map((m) => m.conversationId)).toEqual(['C1']);
  expect(erased()[0]!.message.text).toContain('Riverside closed on 23 Nov 2026');

  // Idempotent: a second tick changes nothing, and says nothing again.
  clock.advance(DAY);
  await trellis.tick();
  await trellis.settled();
  expect(await backup()).toBe(after);
  expect(erased()).toHaveLength(1);
}

describe('a closed partnership past its keeping period, on the lowdb store', () => {
  it('leaves no trace of anyone in the data file, the journal or the logs; the figures unchanged', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'trellis-closing-')), 'trellis.json');
    const store = await openLowdbStore(file, SECRET, NEVER);
    await scenario(store, () => lowdbText(file, SECRET));
    await store.close();
  });
});

describePg('a closed partnership past its keeping period, on PostgreSQL', () => {
  const db = useThrowawayDb();
  it('leaves no trace of anyone in any table or the logs; the figures unchanged', async () => {
    await truncateAll(db.url);
    const store = await openPgStore(db.url);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await scenario(store, async () => {
        return databaseText(client);
      });
    } finally {
      await client.end();
      await store.close();
    }
  });
});
