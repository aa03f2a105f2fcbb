// The lowdb store keeps its claims (requests already acted on) in the data file
// and its journal: a claim outlives a crash and a restart, expires when it was
// due to (not later for having been replayed), and expired ones are dropped.
import { mkdtempSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLowdbStore, type Compaction } from '../../src/store/lowdb-store.js';
import { STATE_VERSION } from '../../src/store/state-schema.js';
import { crashCopy } from '../helpers/crash-copy.js';
import { TEST_SECRET } from '../helpers/start-trellis.js';
import { partnership } from './records.js';

const NEVER: Compaction = { idleMs: 3_600_000, minJournalBytes: 1 << 30 };
const tempFile = () => join(mkdtempSync(join(tmpdir(), 'trellis-claims-')), 'trellis.json');
const claimsIn = async (file: string) => (JSON.parse(await readFile(file, 'utf8')) as { claims: { key: string; until: string }[] }).claims;

describe('lowdb claims', () => {
  it('outlive a crash (from the journal) and a clean restart (from the file): durable with the change the request then made', async () => {
    const file = tempFile();
    const store = await openLowdbStore(file, TEST_SECRET, NEVER);
    expect(await store.claimOnce('k-durable', 600_000)).toBe(true);
    // The request acts: its change is acknowledged only once durable, and its claim went into the journal ahead of it.
    await store.savePartnership(partnership());

    // A crash now: the claim is only in the journal.
    const crashed = await openLowdbStore(crashCopy(file), TEST_SECRET, NEVER);
    expect(await crashed.claimOnce('k-durable', 600_000)).toBe(false);
    expect(await crashed.claimOnce('k-other', 600_000)).toBe(true);
    await crashed.close();

    await store.close();
    expect((await claimsIn(file)).map((c) => c.key)).toEqual(['k-durable']);
    const reopened = await openLowdbStore(file, TEST_SECRET, NEVER);
    expect(await reopened.claimOnce('k-durable', 600_000)).toBe(false);
    await reopened.close();
  });

  it('expire when they were due, replayed or not, and expired ones leave the file', async () => {
    const file = tempFile();
    const store = await openLowdbStore(file, TEST_SECRET, NEVER);
    expect(await store.claimOnce('k-short', 40)).toBe(true);
    await new Promise((r) => setTimeout(r, 60));
    const replayed = await openLowdbStore(crashCopy(file), TEST_SECRET, NEVER);
    // Expired in the replayed store too: its expiry is the one recorded, not "now + TTL" at replay.
    expect(await replayed.claimOnce('k-short', 600_000)).toBe(true);
    await replayed.close();

    expect(await store.claimOnce('k-next', 600_000)).toBe(true);
    await store.close();
    expect((await claimsIn(file)).map((c) => c.key)).toEqual(['k-next']);
  });

  it('upgrades a version-4 file to one with an empty claims list', async () => {
    const file = tempFile();
    const v4 = {
      version: 4,
      partnerships: [partnership()],
      organisations: [],
      members: [],
      conversations: [],
      rounds: [],
      invitations: [],
      answerSets: [],
      customItems: [],
      protocols: [],
      sentReminders: [],
      concerns: [],
      concernQuotas: [],
      outgoing: [],
    };
    await writeFile(file, JSON.stringify(v4));
    const store = await openLowdbStore(file, TEST_SECRET, NEVER);
    expect(await store.claimOnce('k-after-upgrade', 600_000)).toBe(true);
    await store.close();
    const data = JSON.parse(await readFile(file, 'utf8')) as { version: number; claims: { key: string }[] };
    expect(data.version).toBe(STATE_VERSION);
    expect(data.claims.map((c) => c.key)).toEqual(['k-after-upgrade']);
  });
});
