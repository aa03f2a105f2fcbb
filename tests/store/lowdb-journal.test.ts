// The lowdb store's journal: commits append sealed lines beside the data file;
// the file is rewritten whole only when writes pause, when the journal outgrows
// it, and on close. A crash at any moment loses nothing that was acknowledged,
// and a journal that is damaged, foreign or sealed under another secret is
// refused with both files left as they were.
import { copyFileSync, mkdtempSync } from 'node:fs';
import { appendFile, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AnswerSet, Outgoing } from '../../src/core/model.js';
import { journalFileFor, openLowdbStore, type Compaction } from '../../src/store/lowdb-store.js';
import { TEST_SECRET } from '../helpers/start-trellis.js';
import { waitFor } from '../helpers/wait-for.js';
import { partnership } from './store-contract.js';

const NEVER: Compaction = { idleMs: 3_600_000, minJournalBytes: 1 << 30 };
const tempFile = () => join(mkdtempSync(join(tmpdir(), 'trellis-journal-')), 'trellis.json');
/** The two files exactly as they are now, as a crash at this moment would leave them. */
function crashCopy(file: string): string {
  const copy = join(mkdtempSync(join(tmpdir(), 'trellis-crash-')), basename(file));
  copyFileSync(file, copy);
  copyFileSync(journalFileFor(file), journalFileFor(copy));
  return copy;
}
const bothFiles = async (file: string) => [await readFile(file, 'utf8'), await readFile(journalFileFor(file), 'utf8')];
const answer = (n: number, over: Partial<AnswerSet> = {}): AnswerSet => ({ roundId: 'r1', key: n.toString(16).padStart(64, '0'), values: { 'trust-1': 4 }, comment: `Comment number ${n} from a member`, ...over });
const outgoing = (id: string): Outgoing => ({ id, platform: 'slack', kind: 'private', status: 'pending', attempts: 0, notBefore: '2026-11-23T09:00:00.000Z', createdAt: '2026-11-23T09:00:00.000Z', sealed: 'x' });

async function seeded(compaction = NEVER) {
  const file = tempFile();
  const store = await openLowdbStore(file, TEST_SECRET, compaction);
  await store.savePartnership(partnership());
  await store.close(); // compacted: everything so far is in the file, the journal is empty
  return { file, store: await openLowdbStore(file, TEST_SECRET, compaction) };
}

describe('lowdb journal', () => {
  it('appends commits to the journal, leaves the file alone, and a crash copy holds every acknowledged change', async () => {
    const { file, store } = await seeded();
    const before = await readFile(file, 'utf8');
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.saveAnswerSet(answer(i))));
    await store.saveInvitation({ roundId: 'r1', memberId: 'm-7', answered: true });
    expect(await readFile(file, 'utf8')).toBe(before);
    const journal = await readFile(journalFileFor(file), 'utf8');
    // Grouped: 51 changes in far fewer lines than 51 (one line per commit, after the header).
    expect(journal.trimEnd().split('\n').length - 1).toBeLessThan(51);

    const copy = await openLowdbStore(crashCopy(file), TEST_SECRET, NEVER);
    expect(await copy.answerSets('r1')).toEqual(await store.answerSets('r1'));
    expect(await copy.answerSets('r1')).toHaveLength(50);
    expect(await copy.invitation('r1', 'm-7')).toEqual({ roundId: 'r1', memberId: 'm-7', answered: true });
    await copy.close();
    await store.close();
  });

  it('seals every line: no answer, comment, member or ordering shows in the journal', async () => {
    const { file, store } = await seeded();
    await store.saveInvitation({ roundId: 'r1', memberId: 'member-alex', answered: true });
    await store.saveAnswerSet(answer(1, { comment: 'Our partner never shares bad news' }));
    const journal = await readFile(journalFileFor(file), 'utf8');
    for (const leak of ['member-alex', 'shares bad news', 'trust-1', 'r1', answer(1).key]) expect(journal).not.toContain(leak);
    const [header, ...lines] = journal.trimEnd().split('\n');
    expect(Object.keys(JSON.parse(header!))).toEqual(['journal', 'check']);
    for (const line of lines) expect(line).toMatch(/^[A-Za-z0-9+/]+=*$/);
    await store.close();
  });

  it('replays calls that depend on the state (claims, settling, pruning, compacting a round) to the same state', async () => {
    const { file, store } = await seeded();
    for (const id of ['a', 'b', 'c']) await store.enqueueOutgoing(outgoing(id));
    const claimed = await store.claimOutgoing(new Date('2026-11-23T10:00:00.000Z'), 'owner-1', 60_000, 2);
    await store.settleOutgoing({ ...claimed[0]!, status: 'sent', sealed: '' }, 'owner-1');
    await store.pruneOutgoing(new Date('2026-11-24T00:00:00.000Z'));
    await store.saveRound({ id: 'r1', partnershipId: 'p1', number: 1, kind: 'pulse', itemIds: ['trust-1'], openedAt: '2026-11-01T09:00:00.000Z', remindAt: '2026-11-03T09:00:00.000Z', closesAt: '2026-11-06T09:00:00.000Z', closedAt: '2026-11-06T09:00:00.000Z' });
    await store.saveInvitation({ roundId: 'r1', memberId: 'm1', answered: true });
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
    await waitFor(async () => (await readFile(journalFileFor(file), 'utf8')).trimEnd().split('\n').length === 1, 5_000);
    await store.close();
  });

  it('compacts at the next commit, busy or not, once the journal outgrows the file', async () => {
    const { file, store } = await seeded({ idleMs: 3_600_000, minJournalBytes: 0 });
    const inFile = async () => JSON.parse(await readFile(file, 'utf8')).answerSets.length as number;
    let n = 0;
    while ((await inFile()) === 0 && n < 20) await store.saveAnswerSet(answer(n++));
    // Appended until the journal held more than the (small) file, then the whole file was written.
    expect(n).toBeGreaterThan(1);
    expect(n).toBeLessThan(20);
    expect(await inFile()).toBe(n);
    expect((await readFile(journalFileFor(file), 'utf8')).trimEnd().split('\n')).toHaveLength(1);
    await store.close();
  });

  it('leaves out a last line cut short by a crash (never acknowledged), then starts a clean journal', async () => {
    const { file, store } = await seeded();
    await store.saveAnswerSet(answer(1));
    await store.saveAnswerSet(answer(2));
    const copy = crashCopy(file);
    await store.close();
    await appendFile(journalFileFor(copy), 'QUJDREVG'); // part of a line: no newline, does not unseal
    const reopened = await openLowdbStore(copy, TEST_SECRET, NEVER);
    expect(await reopened.answerSets('r1')).toHaveLength(2);
    await reopened.saveAnswerSet(answer(3));
    await reopened.close();
    const again = await openLowdbStore(copy, TEST_SECRET, NEVER);
    expect(await again.answerSets('r1')).toHaveLength(3);
    await again.close();
  });

  it('does not apply a journal twice when a crash came between rewriting the file and starting the new journal', async () => {
    const { file, store } = await seeded();
    await store.enqueueOutgoing(outgoing('a'));
    await store.claimOutgoing(new Date('2026-11-23T10:00:00.000Z'), 'owner-1', 60_000, 1);
    const oldJournal = await readFile(journalFileFor(file));
    await store.close(); // compacts: the file now says it has taken that journal in
    await writeFile(journalFileFor(file), oldJournal); // as if the crash came before the journal was started afresh
    const reopened = await openLowdbStore(file, TEST_SECRET, NEVER);
    expect((await reopened.outgoing('a'))?.attempts).toBe(1);
    await reopened.close();
  });

  it.each([
    ['damaged in the middle', async (j: string) => {
      const lines = (await readFile(j, 'utf8')).split('\n');
      lines[1] = `x${lines[1]!.slice(1)}`;
      await writeFile(j, lines.join('\n'));
    }, /journal .* is damaged at line 2\. Trellis has changed neither it nor the data file/],
    ['sealed under another secret', async () => undefined, /sealed under a different TRELLIS_SECRET/, 'another-secret-0123456789abcdef0123456789'],
  ])('refuses a journal %s and changes neither file', async (_name, damage, message, secret = TEST_SECRET) => {
    const { file, store } = await seeded();
    await store.saveAnswerSet(answer(1));
    await store.saveAnswerSet(answer(2));
    const copy = crashCopy(file);
    await store.close();
    await damage(journalFileFor(copy));
    const before = await bothFiles(copy);
    await expect(openLowdbStore(copy, secret, NEVER)).rejects.toThrow(message);
    expect(await bothFiles(copy)).toEqual(before);
    expect((await readdir(join(copy, '..'))).sort()).toEqual(['trellis.json', 'trellis.json.journal']); // no lock left behind
  });

  it('refuses a journal that belongs to another copy of the data file (one restored from a backup) and changes neither', async () => {
    const { file, store } = await seeded();
    const backup = await readFile(file, 'utf8');
    await store.saveAnswerSet(answer(1));
    await store.close(); // the file moves on to a new journal
    const reopened = await openLowdbStore(file, TEST_SECRET, NEVER);
    await reopened.saveAnswerSet(answer(2));
    const copy = crashCopy(file);
    await reopened.close();
    await writeFile(copy, backup);
    const before = await bothFiles(copy);
    await expect(openLowdbStore(copy, TEST_SECRET, NEVER)).rejects.toThrow(/belongs to another copy of the data file .*restored from a backup/);
    expect(await bothFiles(copy)).toEqual(before);
  });
});
