// The playground inbox's file: bounded, written whole (no temporary file left
// behind), read back after a restart, and a damaged one neither crashes the
// start nor is taken for messages.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INBOX_FILE, PlaygroundInbox } from '../src/adapters/playground/playground-inbox.js';
import { info } from '../src/core/message.js';
import { fakeClock } from './helpers/fake-clock.js';

let dir: string;
let errors: unknown[];
const clock = fakeClock('2026-11-23T09:00:00Z');
const storage = () => ({ dataFile: join(dir, 'trellis.json'), onError: (e: unknown) => errors.push(e) });
const LIMIT = 3;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trellis-inbox-'));
  errors = [];
});
afterEach(async () => {
  expect(errors).toEqual([]);
  await rm(dir, { recursive: true, force: true });
});

describe('the playground inbox file', () => {
  it('keeps the newest messages of each feed, and reads them back after a restart', async () => {
    const inbox = new PlaygroundInbox(clock, storage(), LIMIT);
    expect(await inbox.load()).toBeUndefined();
    for (let i = 1; i <= 5; i++) await inbox.send('private', { workspace: 'playground', id: 'pg-sam' }, info(`note ${i}`));
    const digest = await inbox.send('conversation', { workspace: 'playground', id: 'playground-room' }, info('digest'));
    await inbox.update(digest, info('digest, updated'));
    await inbox.flushed();
    expect(await readdir(dir)).toEqual([INBOX_FILE]);
    expect(JSON.parse(await readFile(join(dir, INBOX_FILE), 'utf8')).users[0][1]).toHaveLength(LIMIT);

    const again = new PlaygroundInbox(clock, storage(), LIMIT);
    expect(await again.load()).toBeUndefined();
    expect(again.list('pg-sam')).toEqual(inbox.list('pg-sam'));
    expect(again.list('pg-sam').map((m) => m.message.text)).toEqual(['note 3', 'note 4', 'note 5']);
    expect(again.room('playground-room').map((m) => m.message.text)).toEqual(['digest, updated']);
  });

  it('starts empty from a damaged file, saying why, and leaves it until something new arrives', async () => {
    await writeFile(join(dir, INBOX_FILE), '{"version":1,"users":[["pg-sam",[{"id":1}]]]');
    const inbox = new PlaygroundInbox(clock, storage(), LIMIT);
    expect(await inbox.load()).toMatch(/^playground-inbox\.json is not valid JSON/);
    await writeFile(join(dir, INBOX_FILE), '{"version":1,"users":[["pg-sam",[{"id":1}]]],"rooms":[]}');
    expect(await new PlaygroundInbox(clock, storage(), LIMIT).load()).toMatch(/^playground-inbox\.json is not as expected/);
    expect(inbox.list('pg-sam')).toEqual([]);
    expect(await readFile(join(dir, INBOX_FILE), 'utf8')).toContain('"id":1');
  });
});
