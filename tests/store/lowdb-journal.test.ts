// The lowdb store's journal: commits append sealed lines beside the data file;
// the file is rewritten whole only when writes pause, when the journal outgrows
// it, and on close. A crash at any moment loses nothing that was acknowledged,
// and a journal that is damaged, foreign or sealed under another secret is
// refused with both files left as they were.
import { copyFileSync, existsSync, mkdtempSync, renameSync } from 'node:fs';
import { appendFile, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AnswerSet } from '../../src/core/model.js';
import type { Outgoing } from '../../src/core/ports/outbox.js';
import { journalFileFor, openLowdbStore, type Compaction } from '../../src/store/lowdb-store.js';
import { TEST_SECRET } from '../helpers/start-trellis.js';
import { seal, unseal } from '../../src/core/seal.js';
import { crashCopy, previousJournalOf } from '../helpers/crash-copy.js';
import { waitFor } from '../helpers/wait-for.js';
import { partnership } from './records.js';

const NEVER: Compaction = { idleMs: 3_600_000, minJournalBytes: 1 << 30 };
const tempFile = () => join(mkdtempSync(join(tmpdir(), 'trellis-journal-')), 'trellis.json');
const previousOf = previousJournalOf;
/** The changes the journal holds: none once the file has taken them all in. */
const journalLines = async (file: string) =>
  existsSync(journalFileFor(file)) ? (await readFile(journalFileFor(file), 'utf8')).trimEnd().split('\n').length - 1 : 0;
const bothFiles = async (file: string) => [await readFile(file, 'utf8'), await readFile(journalFileFor(file), 'utf8')];
const answer = (n: number, over: Partial<AnswerSet> = {}): AnswerSet => ({
  roundId: 'r1',
  key: n.toString(16).padStart(64, '0'),
  values: { 'trust-1': 4 },
  comment: `Comment number ${n} from a member`,
  ...over,
});
const outgoing = (id: string): Outgoing => ({
  id,
  platform: 'slack',
  kind: 'private',
  status: 'pending',
  attempts: 0,
  notBefore: '2026-11-23T09:00:00.000Z',
  createdAt: '2026-11-23T09:00:00.000Z',
  sealed: 'x',
});

async function seeded(compaction = NEVER) {
  const file = tempFile();
  const store = await openLowdbStore(file, TEST_SECRET, compaction);
  await store.savePartnership(partnership());
  await store.close(); // compacted: everything so far is in the file, the journal is empty
  return { file, store: await openLowdbStore(file, TEST_SECRET, compaction) };
}

/** The files as a crash would leave them just after two answers were acknowledged (in the journal only). */
async function crashedAfterTwoAnswers(): Promise<string> {
  const { file, store } = await seeded();
  await store.saveAnswerSet(answer(1));
  await store.saveAnswerSet(answer(2));
  const copy = crashCopy(file);
  await store.close();
  return copy;
}

describe('lowdb journal', () => {
  it('appends commits to the journal, leaves the file alone, and a crash copy holds every acknowledged change', async () => {
    const { file, store } = await seeded();
    const before = await readFile(file, 'utf8');
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.saveAnswerSet(answer(i))));
    await store.saveInvitation({ roundId: 'r1', memberId: 'm-7' });
    expect(await readFile(file, 'utf8')).toBe(before);
    const journal = await readFile(journalFileFor(file), 'utf8');
    // Grouped: 51 changes in far fewer lines than 51 (one line per commit, after the header).
    expect(journal.trimEnd().split('\n').length - 1).toBeLessThan(51);

    const copy = await openLowdbStore(crashCopy(file), TEST_SECRET, NEVER);
    expect(await copy.answerSets('r1')).toEqual(await store.answerSets('r1'));
    expect(await copy.answerSets('r1')).toHaveLength(50);
    expect(await copy.invitation('r1', 'm-7')).toEqual({ roundId: 'r1', memberId: 'm-7' });
    await copy.close();
    await store.close();
  });

  it('seals every line: no answer, comment, member or ordering shows in the journal', async () => {
    const { file, store } = await seeded();
    await store.saveInvitation({ roundId: 'r1', memberId: 'member-alex' });
    await store.saveAnswerSet(answer(1, { comment: 'Our partner never shares bad news' }));
    const journal = await readFile(journalFileFor(file), 'utf8');
    for (const leak of ['member-alex', 'shares bad news', 'trust-1', 'roundId', answer(1).key]) expect(journal).not.toContain(leak);
    const [header, ...lines] = journal.trimEnd().split('\n');
    expect(Object.keys(JSON.parse(header!))).toEqual(['journal', 'base', 'check', 'reaches']);
    for (const line of lines) expect(line).toMatch(/^[A-Za-z0-9+/]+=*$/);
    await store.close();
  });

  it('replays calls that depend on the state (claims, settling, pruning, compacting a round) to the same state', async () => {
    const { file, store } = await seeded();
    for (const id of ['a', 'b', 'c']) await store.enqueueOutgoing(outgoing(id));
    const claimed = await store.claimOutgoing(new Date('2026-11-23T10:00:00.000Z'), 'owner-1', 60_000, 2);
    await store.settleOutgoing({ ...claimed[0]!, status: 'sent', sealed: '' }, 'owner-1');
    await store.pruneOutgoing(new Date('2026-11-24T00:00:00.000Z'));
    await store.saveRound({
      id: 'r1',
      partnershipId: 'p1',
      number: 1,
      kind: 'pulse',
      itemIds: ['trust-1'],
      threshold: 5,
      openedAt: '2026-11-01T09:00:00.000Z',
      remindAt: '2026-11-03T09:00:00.000Z',
      closesAt: '2026-11-06T09:00:00.000Z',
      closedAt: '2026-11-06T09:00:00.000Z',
    });
    await store.saveInvitation({ roundId: 'r1', memberId: 'm1' });
    await store.compactRound('r1', { invited: 1, answered: 1 });

    const copy = await openLowdbStore(crashCopy(file), TEST_SECRET, NEVER);
    for (const id of ['a', 'b', 'c']) expect(await copy.outgoing(id)).toEqual(await store.outgoing(id));
    expect(await copy.outgoing('a')).toBeUndefined(); // sent and pruned
    expect((await copy.outgoing('b'))?.attempts).toBe(1); // claimed once, not twice
    expect(await copy.round('r1')).toEqual(await store.round('r1'));
    expect(await copy.invitations('r1')).toEqual([]);
    await copy.close();
    await store.close();
  });

  it('compacts once writes pause: the file then holds everything and the journal only its header', async () => {
    const { file, store } = await seeded({ idleMs: 100, minJournalBytes: 1 << 30 });
    await store.saveAnswerSet(answer(1));
    await waitFor(async () => JSON.parse(await readFile(file, 'utf8')).answerSets.length === 1, 5_000);
    await waitFor(async () => !existsSync(previousOf(file)) && (await journalLines(file)) === 0, 5_000);
    await store.close();
  });

  it('rewrites the file beside the commits, busy or not, once the journal outgrows it', async () => {
    const { file, store } = await seeded({ idleMs: 3_600_000, minJournalBytes: 0 });
    const inFile = async () => JSON.parse(await readFile(file, 'utf8')).answerSets.length as number;
    let n = 0;
    while ((await inFile()) === 0 && n < 20) {
      await store.saveAnswerSet(answer(n++));
      await waitFor(() => !existsSync(previousOf(file)), 5_000); // a rewrite under way has landed
    }
    // Appended until the journal held more than the (small) file; then the file was written whole.
    expect(n).toBeGreaterThan(1);
    expect(n).toBeLessThan(20);
    const copy = await openLowdbStore(crashCopy(file), TEST_SECRET, NEVER);
    expect(await copy.answerSets('r1')).toHaveLength(n);
    await copy.close();
    await store.close();
  });

  it('a crash while the file is being rewritten loses nothing: the journal it takes in is kept as .prev until it lands', async () => {
    const { file, store } = await seeded({ idleMs: 3_600_000, minJournalBytes: 0 });
    const saved: string[] = [];
    let caught = 0;
    for (let i = 0; i < 12; i++) {
      await store.saveAnswerSet(answer(i));
      saved.push(answer(i).key);
      const copy = crashCopy(file);
      if (existsSync(previousOf(copy))) caught++;
      const after = await openLowdbStore(copy, TEST_SECRET, NEVER);
      expect((await after.answerSets('r1')).map((a) => a.key).sort()).toEqual([...saved].sort());
      await after.close();
      expect(existsSync(previousOf(copy))).toBe(false); // taken in on opening
    }
    expect(caught).toBeGreaterThan(0); // some copies caught a rewrite under way
    await store.close();
  });

  it('takes in a .prev left alone by a crash just after the journal was set aside', async () => {
    const copy = await crashedAfterTwoAnswers();
    renameSync(journalFileFor(copy), previousOf(copy)); // renamed; the fresh journal not yet started
    const reopened = await openLowdbStore(copy, TEST_SECRET, NEVER);
    expect(await reopened.answerSets('r1')).toHaveLength(2);
    expect(existsSync(previousOf(copy))).toBe(false);
    await reopened.saveAnswerSet(answer(3));
    await reopened.close();
    const again = await openLowdbStore(copy, TEST_SECRET, NEVER);
    expect(await again.answerSets('r1')).toHaveLength(3);
    await again.close();
    // The same after a clean close: a .prev holding nothing new is dropped on opening too.
    renameSync(journalFileFor(copy), previousOf(copy));
    const last = await openLowdbStore(copy, TEST_SECRET, NEVER);
    expect(existsSync(previousOf(copy))).toBe(false);
    expect(await last.answerSets('r1')).toHaveLength(3);
    await last.close();
  });

  it('leaves out a last line cut short by a crash (never acknowledged), then starts a clean journal', async () => {
    const copy = await crashedAfterTwoAnswers();
    await appendFile(journalFileFor(copy), 'QUJDREVG'); // part of a line: no newline, does not unseal
    const reopened = await openLowdbStore(copy, TEST_SECRET, NEVER);
    expect(await reopened.answerSets('r1')).toHaveLength(2);
    await reopened.saveAnswerSet(answer(3));
    await reopened.close();
    const again = await openLowdbStore(copy, TEST_SECRET, NEVER);
    expect(await again.answerSets('r1')).toHaveLength(3);
    await again.close();
  });

  it('does not apply a change twice when the journal still holds changes the file has taken in', async () => {
    const { file, store } = await seeded();
    await store.enqueueOutgoing(outgoing('a'));
    await store.claimOutgoing(new Date('2026-11-23T10:00:00.000Z'), 'owner-1', 60_000, 1);
    const oldJournal = await readFile(journalFileFor(file));
    await store.close(); // compacts: the file now holds those changes, and says up to which one
    await writeFile(journalFileFor(file), oldJournal); // as if the crash came before the journal was started afresh
    const reopened = await openLowdbStore(file, TEST_SECRET, NEVER);
    expect((await reopened.outgoing('a'))?.attempts).toBe(1);
    await reopened.close();
  });

  it.each([
    [
      'damaged in the middle',
      async (j: string) => {
        const lines = (await readFile(j, 'utf8')).split('\n');
        lines[1] = `x${lines[1]!.slice(1)}`;
        await writeFile(j, lines.join('\n'));
      },
      /journal .* is damaged at line 2 of .*\. Trellis has changed neither it nor the data file/,
    ],
    ['sealed under another secret', async () => undefined, /sealed under a different TRELLIS_SECRET/, 'another-secret-0123456789abcdef0123456789'],
  ])('refuses a journal %s and changes neither file', async (_name, damage, message, secret = TEST_SECRET) => {
    const copy = await crashedAfterTwoAnswers();
    await damage(journalFileFor(copy));
    const before = await bothFiles(copy);
    await expect(openLowdbStore(copy, secret, NEVER)).rejects.toThrow(message);
    expect(await bothFiles(copy)).toEqual(before);
    expect((await readdir(join(copy, '..'))).sort()).toEqual(['trellis.json', 'trellis.json.journal']); // no lock left behind
  });

  it('refuses a journal that starts after the data file ends (a file restored from an older backup) and changes neither', async () => {
    const { file, store } = await seeded();
    const backup = await readFile(file, 'utf8');
    await store.saveAnswerSet(answer(1));
    await store.close(); // the file moves on; the journal starts afresh after it
    const reopened = await openLowdbStore(file, TEST_SECRET, NEVER);
    await reopened.saveAnswerSet(answer(2));
    const copy = crashCopy(file);
    await reopened.close();
    await writeFile(copy, backup);
    const before = await bothFiles(copy);
    await expect(openLowdbStore(copy, TEST_SECRET, NEVER)).rejects.toThrow(/starts after the data file ends .*restored from an older backup/);
    expect(await bothFiles(copy)).toEqual(before);
  });

  it('refuses the journal of another data file and changes neither', async () => {
    const one = await seeded();
    await one.store.saveAnswerSet(answer(1));
    const other = await seeded();
    await other.store.saveAnswerSet(answer(2));
    const copy = crashCopy(one.file);
    copyFileSync(journalFileFor(other.file), journalFileFor(copy));
    const before = await bothFiles(copy);
    await expect(openLowdbStore(copy, TEST_SECRET, NEVER)).rejects.toThrow(/belongs to another copy of the data file/);
    expect(await bothFiles(copy)).toEqual(before);
    await one.store.close();
    await other.store.close();
  });
});

describe('retention entries in the journal', () => {
  it('replays an erased concern and dropped comments left in the journal by a crash, then writes them into the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trellis-retention-journal-'));
    const file = join(dir, 'trellis.json');
    const store = await openLowdbStore(file, TEST_SECRET, NEVER);
    const head = { id: 'c1', partnershipId: 'p1', pseudonym: 'C-7F3K', category: 'power' as const, mayAskToEscalate: false, month: '2026-01', threshold: 5 };
    await store.savePartnership(partnership());
    await store.saveConcern({ ...head, status: 'closed', relay: 'sealed-relay', sealed: 'sealed-words' });
    const set: AnswerSet = { roundId: 'r1', key: 'a'.repeat(64), values: { 'trust-1': 4 }, comment: 'Minutes come late.' };
    await store.saveAnswerSet(set);
    // As a crash between the journal's append and the rewrite would leave them: the next group commit, by hand.
    const lines = (await readFile(journalFileFor(file), 'utf8')).trimEnd().split('\n').slice(1);
    const last = unseal<{ from: number; changes: unknown[] }>(TEST_SECRET, 'journal', lines.at(-1)!)!;
    const erased = { ...head, status: 'closed' as const, relay: 'erased', sealed: 'sealed-nothing' };
    await appendFile(
      journalFileFor(file),
      `${seal(TEST_SECRET, 'journal', {
        from: last.from + last.changes.length,
        changes: [
          ['eraseConcernText', erased],
          ['dropComments', 'r1'],
        ],
      })}\n`,
    );
    const copy = crashCopy(file);
    await store.close();
    const again = await openLowdbStore(copy, TEST_SECRET, NEVER);
    expect(await again.concern('c1')).toEqual(erased);
    const { comment: _c, ...dropped } = set;
    expect(await again.answerSets('r1')).toEqual([dropped]);
    // Opening took the replayed changes into the file: neither the old seal nor the comment is on disk.
    const onDisk = (await readFile(copy, 'utf8')) + (await readFile(journalFileFor(copy), 'utf8'));
    expect(onDisk).not.toContain('sealed-words');
    expect(onDisk).not.toContain('Minutes come late.');
    await again.close();
  });
});
