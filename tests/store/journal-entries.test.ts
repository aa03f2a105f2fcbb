// Journal entries are named by the journal's own table, not by the store's
// methods: a journal written by an earlier Trellis (here, by the code at
// commit a22544d) must replay to the same state, and a name the table does
// not hold is refused — never skipped, which would lose a change in silence.
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { appendFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seal, unseal } from '../../src/core/seal.js';
import { journalFileFor, openLowdbStore } from '../../src/store/lowdb-store.js';
import { MIGRATIONS } from '../../src/store/state-schema.js';

const FIXTURE = new URL('../fixtures/journal-a22544d/', import.meta.url).pathname;
const SECRET = 'journal-fixture-secret-0123456789abcdef';
const NEVER = { idleMs: 3_600_000, minJournalBytes: 1 << 30 };

/** A copy of the fixture's data file and journal, as a crash left them. */
function fixtureCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'trellis-fixture-'));
  for (const f of ['trellis.json', 'trellis.json.journal']) cpSync(join(FIXTURE, f), join(dir, f));
  return join(dir, 'trellis.json');
}

const withoutMark = (text: string) => {
  const { journal: _, ...state } = JSON.parse(text) as Record<string, unknown>;
  return state;
};

describe('journal entries', () => {
  it('the fixture holds one entry of every name a22544d wrote', () => {
    const [, ...lines] = readFileSync(join(FIXTURE, 'trellis.json.journal'), 'utf8').trimEnd().split('\n');
    const names = new Set(lines.flatMap((l) => unseal<{ changes: [string][] }>(SECRET, 'journal', l)!.changes.map((c) => c[0])));
    expect([...names].sort()).toEqual(
      [
        'savePartnership',
        'saveOrganisation',
        'saveMember',
        'saveConversation',
        'saveRound',
        'saveInvitation',
        'saveAnswerSet',
        'saveCustomItem',
        'saveProtocol',
        'saveConcern',
        'saveConcernQuota',
        'saveSentReminder',
        'compactRound',
        'enqueueOutgoing',
        'claimOutgoing',
        'settleOutgoing',
        'pruneOutgoing',
        'claimOnce',
      ].sort(),
    );
  });

  it('replays a journal written by a22544d to the state that code replayed it to', async () => {
    const file = fixtureCopy();
    const store = await openLowdbStore(file, SECRET, NEVER);
    expect((await store.partnership('p1'))?.name).toBe('Riverside');
    expect((await store.members('p1')).map((m) => m.displayName)).toEqual(['Alex', 'Sam']);
    expect((await store.conversation('teams', '29:sam'))?.reference).toEqual({ serviceUrl: 'https://smba.example', conversation: { id: 'a:1' } });
    expect((await store.round('r1'))?.tally).toEqual({ invited: 2, answered: 2 });
    expect(await store.invitations('r1')).toEqual([]);
    expect(await store.invitations('r2')).toHaveLength(1);
    expect((await store.answerSets('r1')).map((a) => a.key[0])).toEqual(['a', 'b']);
    expect(await store.outgoing('out-1')).toMatchObject({ status: 'sent', attempts: 1, owner: 'instance-a', sealed: '' });
    expect(await store.outgoing('out-old')).toBeUndefined(); // pruned
    expect((await store.outgoing('out-2'))?.status).toBe('pending');
    expect(await store.reminderSent('reminder:r2:m2')).toBe(true);
    expect(await store.claimOnce('slack:event:Ev1', 60_000)).toBe(false); // the replayed claim still holds
    await store.close();
    // What that code replayed it to, brought to this version by the data file's own migration: the old journal's entries are upgraded as the file is.
    expect(withoutMark(await readFile(file, 'utf8'))).toEqual(MIGRATIONS[5]!(withoutMark(readFileSync(join(FIXTURE, 'replayed.json'), 'utf8'))));
  });

  it('refuses a journal holding an entry name it does not know, naming it, and changes neither file', async () => {
    const file = fixtureCopy();
    const journal = journalFileFor(file);
    const lines = (await readFile(journal, 'utf8')).trimEnd().split('\n');
    await appendFile(journal, `${seal(SECRET, 'journal', { from: lines.length, changes: [['renameMember', 'm1', 'Alexandra']] })}\n`);
    const before = [await readFile(file, 'utf8'), await readFile(journal, 'utf8')];
    await expect(openLowdbStore(file, SECRET, NEVER)).rejects.toThrow(
      `holds a change named "renameMember" at line ${lines.length + 1} of ${journal}, which this version of Trellis does not know`,
    );
    expect([await readFile(file, 'utf8'), await readFile(journal, 'utf8')]).toEqual(before);
  });
});
