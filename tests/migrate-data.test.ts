// migrate-data: a lowdb file, built through the Store API, arrives in
// PostgreSQL record for record; a second run, or a running Trellis, changes nothing.
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Store } from '../src/store/store.js';
import type { AnswerSet, Protocol, Round } from '../src/core/model.js';
import type { Outgoing } from '../src/core/ports/outbox.js';
import { migrateData } from '../src/migrate-data.js';
import { openLowdbStore } from '../src/store/lowdb-store.js';
import { openPgStore } from '../src/store/pg/pg-store.js';
import { createThrowawayDb, describePg } from './helpers/pg.js';
import { partnership } from './store/records.js';
import { TEST_SECRET } from './helpers/start-trellis.js';

const run = promisify(execFile);
const hex = (n: number) => n.toString(16).padStart(64, '0');
const PARTNERSHIPS = ['p1', 'p2', 'p3'];

/** A file with some of everything, written as Trellis would write it. */
async function buildFile(file: string): Promise<void> {
  const store = await openLowdbStore(file, TEST_SECRET);
  for (const [i, id] of PARTNERSHIPS.entries()) {
    await store.savePartnership(
      partnership({
        id,
        name: `Partnership ${id}`,
        inviteCode: `CODE-${i}`,
        homes: [{ platform: i % 2 ? 'teams' : 'slack', workspace: i % 2 ? 'tenant-1' : 'T0001', conversationId: `C${i}`, label: `#home-${i}` }],
      }),
    );
    await store.saveOrganisation({ id: `${id}-o1`, partnershipId: id, name: 'City Council', sector: 'public' });
    await store.saveOrganisation({ id: `${id}-o2`, partnershipId: id, name: 'Food Bank', sector: 'voluntary' });
    for (const u of ['U1', 'U2', 'U3']) {
      await store.saveMember({
        id: `${id}-${u}`,
        partnershipId: id,
        platform: 'slack',
        workspace: 'T0001',
        userId: u,
        displayName: `Person ${u}`,
        organisationId: `${id}-o1`,
        role: u === 'U1' ? 'coordinator' : 'member',
        joinedAt: '2026-11-23T09:00:00.000Z',
      });
    }
    await store.saveCustomItem({ id: `${id}-c1`, partnershipId: id, factor: 'trust', text: 'We share bad news early.' });
  }
  await store.saveConversation({
    platform: 'teams',
    key: '29:sam',
    reference: { serviceUrl: 'https://smba.example', conversation: { id: 'a:1' } },
    updatedAt: '2026-11-23T09:00:00.000Z',
  });
  await store.saveConversation({ platform: 'slack', key: 'U1', reference: { channel: 'D1' }, updatedAt: '2026-11-23T09:00:00.000Z' });
  for (let r = 1; r <= 4; r++) {
    const round: Round = {
      id: `r${r}`,
      partnershipId: r === 4 ? 'p2' : 'p1',
      number: r,
      kind: 'pulse',
      itemIds: ['trust-1', 'commit-1'],
      threshold: 5,
      openedAt: '2026-11-01T09:00:00.000Z',
      remindAt: '2026-11-03T09:00:00.000Z',
      closesAt: '2026-11-06T09:00:00.000Z',
    };
    await store.saveRound(r === 1 ? { ...round, closedAt: '2026-11-06T09:00:00.000Z', tally: { invited: 3, answered: 2 } } : round);
    if (r > 1)
      for (const u of ['U1', 'U2', 'U3'])
        await store.saveInvitation({
          roundId: `r${r}`,
          memberId: `p1-${u}`,
          ...(u === 'U1' ? { delivery: { platform: 'slack', channel: 'D1', ts: '1.2' } } : {}),
        });
  }
  // 50 answer sets, saved out of key order: the file keeps them in key order.
  for (let i = 0; i < 50; i++) {
    const n = (i * 37) % 50;
    const set: AnswerSet = {
      roundId: `r${(n % 4) + 1}`,
      key: hex(n * 7919),
      organisationId: 'p1-o1',
      sector: 'public',
      values: { 'trust-1': ((n % 5) + 1) as 1, 'commit-1': n % 7 === 0 ? null : 3 },
    };
    await store.saveAnswerSet(n % 10 === 0 ? { ...set, comment: 'More notice, please.', choices: { outcome: 'keep' } } : set);
  }
  const protocol: Protocol = {
    id: 'pr1',
    partnershipId: 'p1',
    ref: 1,
    title: 'Information sharing',
    kind: 'protocol',
    purpose: 'Share safely',
    partyOrgIds: ['p1-o1', 'p1-o2'],
    ownerMemberId: 'p1-U1',
    nextReview: '2027-01-31',
    status: 'active',
    reviews: [
      { id: 'rev1', startedAt: '2026-10-01T09:00:00.000Z', threshold: 5, closedAt: '2026-10-08T09:00:00.000Z', outcome: 'kept', summary: '3 of 4 said keep' },
    ],
    remindersFrom: '2026-11-01T00:00:00.000Z',
    createdAt: '2026-09-01T09:00:00.000Z',
  };
  await store.saveProtocol(protocol);
  await store.saveProtocol({
    ...protocol,
    id: 'pr2',
    ref: 2,
    title: 'Referrals',
    kind: 'mou',
    reviews: [],
    snoozedUntil: '2026-12-01',
    link: 'https://docs.example/mou',
  });
  await store.saveSentReminder({ key: 'pr1:2027-01-31:30', sentAt: '2026-12-31T09:00:00.000Z', late: false });
  await store.saveConcern({
    id: 'c1',
    partnershipId: 'p1',
    pseudonym: 'C-7F3K',
    category: 'power',
    mayAskToEscalate: true,
    messages: [
      { from: 'reporter', text: 'One partner decides everything.', day: '2026-11-20' },
      { from: 'friend', text: 'Thank you for raising it.', day: '2026-11-21' },
    ],
    status: 'open',
    month: '2026-11',
    threshold: 5,
    relay: 'sealed-relay-1',
    escalation: { status: 'requested', proposed: 'Raise it at the next meeting.' },
  });
  await store.saveConcern({
    id: 'c2',
    partnershipId: 'p2',
    pseudonym: 'C-9Q2M',
    category: 'other',
    organisation: 'Food Bank',
    mayAskToEscalate: false,
    messages: [],
    status: 'pending',
    deliverAt: '2026-11-23T09:05:00.000Z',
    month: '2026-11',
    threshold: 5,
    relay: 'sealed-relay-2',
  });
  await store.saveConcernQuota({ key: hex(42), count: 2 });
  const out: Outgoing = {
    id: 'out-1',
    platform: 'slack',
    kind: 'private',
    status: 'sent',
    attempts: 1,
    notBefore: '2026-11-23T09:00:00.000Z',
    owner: 'A',
    leaseUntil: '2026-11-23T09:00:30.000Z',
    createdAt: '2026-11-23T09:00:00.000Z',
    sealed: '',
  };
  await store.enqueueOutgoing(out);
  await store.enqueueOutgoing({ ...out, id: 'out-2', status: 'pending', attempts: 0, owner: undefined, leaseUntil: undefined, sealed: 'sealed-2' });
  await store.enqueueOutgoing({
    ...out,
    id: 'out-3',
    kind: 'update',
    replaces: 'out-1',
    status: 'failed',
    attempts: 5,
    error: 'channel_not_found',
    sealed: '',
  });
  await store.close();
}

/** Everything a Store answers about the data above, in the order it answers it. */
async function readAll(store: Store) {
  const rounds = ['r1', 'r2', 'r3', 'r4'];
  return {
    partnerships: await store.partnerships(),
    byInvite: await Promise.all(['CODE-0', 'CODE-2'].map((c) => store.partnershipByInvite(c))),
    byHome: await Promise.all([store.partnershipByHome('teams', 'C1'), store.partnershipByHome('slack', 'C2')]),
    perPartnership: await Promise.all(
      PARTNERSHIPS.map(async (id) => ({
        partnership: await store.partnership(id),
        organisations: await store.organisations(id),
        members: await store.members(id),
        rounds: await store.rounds(id),
        customItems: await store.customItems(id),
        protocols: await store.protocols(id),
        concerns: await store.concerns(id),
      })),
    ),
    memberships: await store.membershipsOf({ platform: 'slack', workspace: '', userId: 'U2' }),
    conversations: await Promise.all([store.conversation('teams', '29:sam'), store.conversation('slack', 'U1')]),
    rounds: await Promise.all(rounds.map((r) => store.round(r))),
    invitations: await Promise.all(rounds.map((r) => store.invitations(r))),
    answerSets: await Promise.all(rounds.map((r) => store.answerSets(r))),
    oneAnswerSet: await store.answerSet('r1', hex(0)),
    protocols: await Promise.all(['pr1', 'pr2'].map((p) => store.protocol(p))),
    concerns: await Promise.all(['c1', 'c2'].map((c) => store.concern(c))),
    quota: await store.concernQuota(hex(42)),
    reminders: [await store.reminderSent('pr1:2027-01-31:30'), await store.reminderSent('pr1:2027-01-31:7')],
    outgoing: await Promise.all(['out-1', 'out-2', 'out-3'].map((o) => store.outgoing(o))),
  };
}

const root = join(import.meta.dirname, '..');
// tsx itself rather than npx, whose own warnings would land on stderr.
const cli = (args: string[]) =>
  run(join(root, 'node_modules/.bin/tsx'), ['src/migrate-data.ts', ...args], { cwd: root, env: { ...process.env, TRELLIS_SECRET: TEST_SECRET } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
  );

describePg('migrate-data', () => {
  let file: string;
  let expected: Awaited<ReturnType<typeof readAll>>;
  const drops: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    file = join(await mkdtemp(join(tmpdir(), 'trellis-migrate-')), 'trellis.json');
    await buildFile(file);
    const source = await openLowdbStore(file, TEST_SECRET);
    expected = await readAll(source);
    await source.close();
  });
  afterAll(async () => {
    await Promise.all(drops.map((drop) => drop()));
  });

  it('copies every record, equal through the Store API, and counts them back', async () => {
    const db = await createThrowawayDb();
    drops.push(db.drop);
    const lines: string[] = [];
    const counts = await migrateData(file, db.url, TEST_SECRET, (l) => lines.push(l));
    expect(counts).toMatchObject({
      partnerships: 3,
      organisations: 6,
      members: 9,
      conversations: 2,
      rounds: 4,
      invitations: 9,
      answerSets: 50,
      customItems: 3,
      protocols: 2,
      sentReminders: 1,
      concerns: 2,
      concernQuotas: 1,
      outgoing: 3,
    });
    expect(lines.join('\n')).toMatch(/answer_sets\s+50\s+50/);

    const copy = await openPgStore(db.url);
    expect(await readAll(copy)).toEqual(expected);
    expect(expected.answerSets.flat()).toHaveLength(50);
    await copy.close();
  });

  it('runs from the command line, then refuses a database that already holds data', async () => {
    const db = await createThrowawayDb();
    drops.push(db.drop);
    const first = await cli(['--from', file, '--to', db.url]);
    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout).toMatch(/partnerships\s+3\s+3/);

    const second = await cli(['--from', file, '--to', db.url]);
    expect(second.code).toBe(1);
    expect(second.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^migrate-data: The database .* already holds data \(3 partnerships, .*Nothing was changed\.$/),
    ]);
    const copy = await openPgStore(db.url);
    expect((await copy.counts()).answerSets).toBe(50);
    await copy.close();
  });

  it('refuses while a running Trellis holds the data file', async () => {
    const db = await createThrowawayDb();
    drops.push(db.drop);
    const running = await openLowdbStore(file, TEST_SECRET); // this test process stands in for Trellis
    try {
      const result = await cli(['--from', file, '--to', db.url]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/in use by another Trellis process .*Stop Trellis, then run migrate-data again/);
    } finally {
      await running.close();
    }
    const copy = await openPgStore(db.url);
    expect((await copy.counts()).partnerships).toBe(0);
    await copy.close();
  });
});
