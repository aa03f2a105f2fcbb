// What the lowdb store accepts without a journal, and what it refuses: a file
// closed cleanly holds everything (a backup of it alone is whole); a journal
// that was only being started holds nothing; any other missing journal is refused.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { journalFileFor, openLowdbStore, type Compaction } from '../../src/store/lowdb-store.js';
import { crashCopy } from '../helpers/crash-copy.js';
import { TEST_SECRET } from '../helpers/start-trellis.js';
import { partnership } from './records.js';

const NEVER: Compaction = { idleMs: 3_600_000, minJournalBytes: 1 << 30 };
const tempFile = async () => join(await mkdtemp(join(tmpdir(), 'trellis-damage-')), 'trellis.json');
const quiet = { notice: () => undefined };

describe('lowdb store without its journal', () => {
  it('opens a data file closed cleanly on its own (the journal is not needed), and goes on journaling', async () => {
    const file = await tempFile();
    const store = await openLowdbStore(file, TEST_SECRET, NEVER);
    await store.savePartnership(partnership());
    await store.close();
    expect(JSON.parse(await readFile(file, 'utf8')).journal.closed).toBe(true);
    await rm(journalFileFor(file)); // a backup of the data file alone
    const reopened = await openLowdbStore(file, TEST_SECRET, NEVER, quiet);
    expect(await reopened.partnership('p1')).toEqual(partnership());
    // Once open, the file no longer claims to be closed: changes go to the journal, which must then be there.
    expect(JSON.parse(await readFile(file, 'utf8')).journal.closed).toBeUndefined();
    await reopened.savePartnership({ ...partnership(), name: 'Renamed' });
    const [copy, without] = [crashCopy(file), crashCopy(file)];
    await reopened.close();
    const crashed = await openLowdbStore(copy, TEST_SECRET, NEVER, quiet);
    expect((await crashed.partnership('p1'))?.name).toBe('Renamed');
    await crashed.close();
    await rm(journalFileFor(without));
    await expect(openLowdbStore(without, TEST_SECRET, NEVER, quiet)).rejects.toThrow(/journal .* is missing/);
  });

  it('a first start cut short leaves a journal holding nothing: the next start takes it over', async () => {
    const file = await tempFile();
    const first = await openLowdbStore(file, TEST_SECRET, NEVER, quiet);
    await first.close();
    await rm(file); // as if the process died between starting the journal and writing the file
    const store = await openLowdbStore(file, TEST_SECRET, NEVER, quiet);
    await store.savePartnership(partnership());
    await store.close();
    expect((await readdir(join(file, '..'))).sort()).toEqual(['trellis.json', 'trellis.json.journal']);
  });

  it('a journal whose header was being written when the process died holds nothing: kept aside as .torn-<time>', async () => {
    const file = await tempFile();
    const store = await openLowdbStore(file, TEST_SECRET, NEVER, quiet);
    await store.savePartnership(partnership());
    const copy = crashCopy(file);
    await store.close();
    await writeFile(`${journalFileFor(copy)}.prev`, await readFile(journalFileFor(copy))); // taken in: a rotation under way
    await writeFile(journalFileFor(copy), '{"journal":"'); // the fresh journal, cut short
    const said: string[] = [];
    const reopened = await openLowdbStore(copy, TEST_SECRET, NEVER, { notice: (m) => said.push(m) });
    expect(await reopened.partnership('p1')).toEqual(partnership());
    await reopened.close();
    expect(said.join('\n')).toMatch(/ended in part of a line.*kept as .*trellis\.json\.journal\.torn-/);
    expect(existsSync(`${journalFileFor(copy)}.prev`)).toBe(false);
  });

  it('recovery from a missing journal keeps the data file as it was last written and says what is lost', async () => {
    const file = await tempFile();
    const store = await openLowdbStore(file, TEST_SECRET, NEVER, quiet);
    await store.savePartnership(partnership());
    const copy = crashCopy(file);
    await store.close();
    await rm(journalFileFor(copy));
    await expect(openLowdbStore(copy, TEST_SECRET, NEVER, quiet)).rejects.toThrow(/is missing/);
    const said: string[] = [];
    const recovered = await openLowdbStore(copy, TEST_SECRET, NEVER, { acceptLoss: true, notice: (m) => said.push(m) });
    await recovered.close();
    expect(said.join('\n')).toMatch(/^Recovered .*trellis\.json: The journal .* is missing\..*any after that are lost\.$/);
    const again = await openLowdbStore(copy, TEST_SECRET, NEVER, quiet);
    await again.close();
  });
});
