// The data file: created on first start, refused (never rewritten) when it is
// corrupt, truncated, invalid, from a newer version or in use elsewhere.
import { STATE_VERSION } from '../../src/store/state-schema.js';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLowdbStore } from '../../src/store/lowdb-store.js';
import { partnership } from './records.js';
import { TEST_SECRET } from '../helpers/start-trellis.js';

const tempFile = async () => join(await mkdtemp(join(tmpdir(), 'trellis-file-')), 'trellis.json');

describe('lowdb data file', () => {
  it('creates an empty versioned file on first start and leaves no temp files', async () => {
    const file = await tempFile();
    const store = await openLowdbStore(file, TEST_SECRET);
    await store.savePartnership(partnership());
    await store.close();
    const data = JSON.parse(await readFile(file, 'utf8'));
    expect(data.version).toBe(STATE_VERSION);
    expect(data.partnerships).toHaveLength(1);
    // Beside it, the journal, empty after a clean close: only its header line.
    expect((await readdir(join(file, '..'))).sort()).toEqual(['trellis.json', 'trellis.json.journal']);
    expect((await readFile(`${file}.journal`, 'utf8')).trimEnd().split('\n')).toHaveLength(1);
  });

  // A version-1 file, as the first release wrote it (no survey settings yet).
  const { survey: _survey, ...v1Partnership } = partnership();
  const good = JSON.stringify({ version: 1, partnerships: [v1Partnership], organisations: [], members: [], conversations: [] });

  it('upgrades a version-1 file in memory and writes the current version only on the next change', async () => {
    const file = await tempFile();
    await writeFile(file, good);
    const store = await openLowdbStore(file, TEST_SECRET);
    expect((await store.partnership('p1'))?.survey).toEqual({ remindAfterMinutes: 2880, windowMinutes: 7200 });
    expect(await readFile(file, 'utf8')).toBe(good);
    await store.savePartnership({ ...(await store.partnership('p1'))!, name: 'Renamed' });
    await store.close();
    expect(JSON.parse(await readFile(file, 'utf8')).version).toBe(STATE_VERSION);
  });

  it('upgrades a version-3 file: invitations lose the "answered" mark that two backups could compare', async () => {
    const file = await tempFile();
    const v3 = {
      version: 3,
      partnerships: [partnership()],
      organisations: [],
      members: [],
      conversations: [],
      rounds: [],
      customItems: [],
      protocols: [],
      sentReminders: [],
      concerns: [],
      concernQuotas: [],
      outgoing: [],
      answerSets: [],
      invitations: [
        { roundId: 'r1', memberId: 'm1', answered: true, delivery: { platform: 'slack', channel: 'D1', ts: '1.2' } },
        { roundId: 'r1', memberId: 'm2', answered: false },
      ],
    };
    await writeFile(file, JSON.stringify(v3));
    const store = await openLowdbStore(file, TEST_SECRET);
    expect(await store.invitations('r1')).toEqual([
      { roundId: 'r1', memberId: 'm1', delivery: { platform: 'slack', channel: 'D1', ts: '1.2' } },
      { roundId: 'r1', memberId: 'm2' },
    ]);
    await store.savePartnership({ ...partnership(), name: 'Renamed' });
    await store.close();
    const written = await readFile(file, 'utf8');
    expect(JSON.parse(written).version).toBe(STATE_VERSION);
    expect(written).not.toContain('answered');
  });

  it.each([
    ['truncated', good.slice(0, good.length / 2), /not valid JSON/],
    ['not JSON at all', 'hello', /not valid JSON/],
    ['empty', '', /not valid JSON/],
    [
      'of the wrong shape',
      JSON.stringify({ version: 1, partnerships: [{ id: 'p1' }], organisations: [], members: [], conversations: [] }),
      /not a valid Trellis data file \(partnerships\.0\.name/,
    ],
    ['with an impossible value', good.replace('"threshold":5', '"threshold":1'), /partnerships\.0\.threshold/],
    ['from a newer Trellis', good.replace('"version":1', '"version":99'), /newer Trellis \(schema 99/],
  ])('refuses a file that is %s, names it, and leaves it untouched', async (_name, content, message) => {
    const file = await tempFile();
    await writeFile(file, content);
    const error = await openLowdbStore(file, TEST_SECRET).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(message);
    expect(error?.message).toContain(file);
    expect(await readFile(file, 'utf8')).toBe(content);
    expect(await readdir(join(file, '..'))).toEqual(['trellis.json']); // no lock left behind
  });

  it('refuses a second process on the same file, and takes over a lock left by a dead one', async () => {
    const file = await tempFile();
    await writeFile(`${file}.lock`, String(process.ppid)); // a live process that is not us
    await expect(openLowdbStore(file, TEST_SECRET)).rejects.toThrow(/in use by another Trellis process \(pid \d+, which holds /);
    await writeFile(`${file}.lock`, '999999999'); // no such process
    const store = await openLowdbStore(file, TEST_SECRET);
    await store.close();
  });
});
