// Damaged files lose nothing silently, through the real process (`npm start`
// and `npm run recover-data`): a journal line that does not open, a missing
// journal or one that lost its last lines stops start-up naming the file and
// what is wrong; only a last line cut short (never acknowledged) is left out,
// and it is kept aside. Nothing is overwritten or deleted.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AnswerSet } from '../src/core/model.js';
import { journalFileFor, openLowdbStore, type Compaction } from '../src/store/lowdb-store.js';
import { crashCopy } from './helpers/crash-copy.js';
import { TEST_SECRET } from './helpers/start-trellis.js';
import { waitFor } from './helpers/wait-for.js';
import { partnership } from './store/records.js';

const NEVER: Compaction = { idleMs: 3_600_000, minJournalBytes: 1 << 30 };
const answer = (n: number): AnswerSet => ({ roundId: 'r1', key: n.toString(16).padStart(64, '0'), values: { 'trust-1': 4 }, comment: `Comment ${n}` });

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

function run(script: string, args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    env: { PATH: process.env.PATH ?? '', TRELLIS_SECRET: TEST_SECRET, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}
const startTrellis = async (file: string) => {
  const port = await freePort();
  return { ...run('src/main.ts', [], { PORT: String(port), TRELLIS_DATA: file }), port };
};

/** A data file and journal as a crash leaves them just after two answers were acknowledged (each its own journal line, lines 2 and 3). */
async function crashedAfterTwoAnswers(): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'trellis-damage-')), 'trellis.json');
  const first = await openLowdbStore(file, TEST_SECRET, NEVER);
  await first.savePartnership(partnership());
  await first.close();
  const store = await openLowdbStore(file, TEST_SECRET, NEVER);
  await store.saveAnswerSet(answer(1));
  await store.saveAnswerSet(answer(2));
  const copy = crashCopy(file);
  await store.close();
  await rm(dirname(file), { recursive: true, force: true });
  return copy;
}

const answersIn = async (file: string) => {
  const store = await openLowdbStore(file, TEST_SECRET, NEVER);
  try {
    return (await store.answerSets('r1')).map((a) => a.comment);
  } finally {
    await store.close();
  }
};
const everything = async (dir: string) =>
  Object.fromEntries(await Promise.all((await readdir(dir)).sort().map(async (n) => [n, await readFile(join(dir, n), 'utf8')] as const)));

/** Changes one character in the middle of a line: the line is still complete (it ends with its newline) but no longer opens. */
const flipInLine = (text: string, line: number) => {
  const lines = text.split('\n');
  const at = Math.floor(lines[line - 1]!.length / 2);
  const l = lines[line - 1]!;
  lines[line - 1] = `${l.slice(0, at)}${l[at] === 'A' ? 'B' : 'A'}${l.slice(at + 1)}`;
  return lines.join('\n');
};

describe('damaged journal, through the real process', () => {
  it.each([
    [
      'a byte changed in its last complete line',
      async (j: string) => writeFile(j, flipInLine(await readFile(j, 'utf8'), 3)),
      (j: string) => `The journal ${j} is damaged at line 3 of ${j}`,
    ],
    ['deleted', async (j: string) => rm(j), (j: string) => `The journal ${j} is missing. The data file ${j.replace(/\.journal$/, '')} holds changes up to`],
    [
      'without its last line',
      async (j: string) => writeFile(j, `${(await readFile(j, 'utf8')).split('\n').slice(0, 2).join('\n')}\n`),
      (j: string) => `The journal ${j} has lost its last changes: ${j} records that it reached change`,
    ],
  ])('refuses to start with a journal %s, naming it and what to do, and changes nothing', async (_name, damage, message) => {
    const file = await crashedAfterTwoAnswers();
    const journal = journalFileFor(file);
    await damage(journal);
    const before = await everything(dirname(file));
    const app = await startTrellis(file);
    const stopped = await Promise.race([app.exited, new Promise((r) => setTimeout(r, 20_000, 'still running'))]);
    if (stopped === 'still running') app.child.kill('SIGKILL'); // started on a damaged journal: fail now, not at the time-out
    expect(stopped).toBe(1);
    expect(app.output()).toContain(message(journal));
    expect(app.output()).toContain(`npm run recover-data -- --file ${file}`);
    expect(app.output()).not.toContain(TEST_SECRET);
    expect(app.output()).not.toContain('Trellis is listening');
    expect(await everything(dirname(file))).toEqual(before); // nothing rewritten, nothing added, no lock left
  });

  it('leaves out a last line cut short (never acknowledged), keeps the journal as it was aside as .torn-<time>, and says so', async () => {
    const file = await crashedAfterTwoAnswers();
    const journal = journalFileFor(file);
    await appendFile(journal, 'QUJDREVGR0hJSktM'); // part of a line: no newline
    const torn = await readFile(journal, 'utf8');
    const app = await startTrellis(file);
    try {
      await waitFor(
        async () =>
          fetch(`http://127.0.0.1:${app.port}/healthz`)
            .then((r) => r.ok)
            .catch(() => false),
        20_000,
      );
    } finally {
      app.child.kill('SIGTERM');
    }
    expect(await app.exited).toBe(0);
    const aside = (await readdir(dirname(file))).filter((n) => n.startsWith('trellis.json.journal.torn-'));
    expect(aside).toHaveLength(1);
    expect(await readFile(join(dirname(file), aside[0]!), 'utf8')).toBe(torn);
    expect(app.output()).toContain(`The journal ${journal} ended in part of a line`);
    expect(app.output()).toContain(join(dirname(file), aside[0]!));
    expect(await answersIn(file)).toEqual(['Comment 1', 'Comment 2']);
  });

  it('recover-data keeps what reads before the damage, keeps the damaged journal aside, says what was lost; then Trellis starts', async () => {
    const file = await crashedAfterTwoAnswers();
    const journal = journalFileFor(file);
    await writeFile(journal, flipInLine(await readFile(journal, 'utf8'), 3));
    const damaged = await readFile(journal, 'utf8');
    const recovery = run('src/recover-data.ts', ['--file', file], {});
    expect(await recovery.exited).toBe(0);
    const aside = (await readdir(dirname(file))).filter((n) => n.startsWith('trellis.json.journal.damaged-'));
    expect(aside).toHaveLength(1);
    expect(await readFile(join(dirname(file), aside[0]!), 'utf8')).toBe(damaged);
    expect(recovery.output()).toContain(`Recovered ${file}: The journal ${journal} is damaged at line 3`);
    expect(recovery.output()).toContain(`kept as ${join(dirname(file), aside[0]!)}`);
    expect(recovery.output()).not.toContain(TEST_SECRET);
    expect(await answersIn(file)).toEqual(['Comment 1']);
    const app = await startTrellis(file);
    try {
      await waitFor(
        async () =>
          fetch(`http://127.0.0.1:${app.port}/healthz`)
            .then((r) => r.ok)
            .catch(() => false),
        20_000,
      );
    } finally {
      app.child.kill('SIGTERM');
    }
    expect(await app.exited).toBe(0);
    expect(existsSync(join(dirname(file), aside[0]!))).toBe(true);
    expect(basename(file)).toBe('trellis.json');
  });
});
