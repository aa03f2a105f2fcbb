// The data directory across every way Trellis stops and starts, through the
// real process: the lock is released on every exit path, a lock whose holder
// is gone is explained and removed, a killed rewrite's temporary file is
// tidied away, and data made in the playground moves to Slack with its secret.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, readdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startFakeSlack } from './helpers/fake-slack.js';
import { BOT_TOKEN, SIGNING_SECRET } from './helpers/slack-requests.js';
import { freePort, health, STACK_FRAME, startProcess, type TrellisProcess } from './helpers/trellis-process.js';
import { waitFor } from './helpers/wait-for.js';

const newDir = () => mkdtemp(join(tmpdir(), 'trellis-start-data-'));

/** The playground on `dir`, once it answers /healthz. */
async function playground(dir: string, extra: Record<string, string> = {}) {
  const port = await freePort();
  const app = startProcess({ PORT: String(port), TRELLIS_DATA: join(dir, 'trellis.json'), ...extra });
  await waitFor(() => health(port), 20_000);
  return { app, port };
}

const stopped = async (app: TrellisProcess, signal: NodeJS.Signals = 'SIGTERM') => {
  app.child.kill(signal);
  return app.exited;
};

describe('the lock on the data file', () => {
  it('left by a killed Trellis is explained and removed at the next start; SIGHUP stops cleanly and releases it', async () => {
    const dir = await newDir();
    const lock = join(dir, 'trellis.json.lock');
    const first = await playground(dir);
    expect(await stopped(first.app, 'SIGKILL')).toBeNull();
    expect(existsSync(lock)).toBe(true);

    const second = await playground(dir);
    expect(second.app.output()).toContain(`Removed the lock ${lock}: it was left by Trellis process ${first.app.child.pid}, which is no longer running`);
    expect((await health(second.port))?.status).toBe('ok');
    expect(await stopped(second.app, 'SIGHUP')).toBe(0);
    expect(existsSync(lock)).toBe(false);
  });

  it('naming a live process that is not Trellis (a reused pid) is explained and removed', async () => {
    const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      for (const content of [String(sleeper.pid), JSON.stringify({ pid: sleeper.pid, started: '1' })]) {
        const dir = await newDir();
        writeFileSync(join(dir, 'trellis.json.lock'), content);
        const { app } = await playground(dir);
        expect(app.output()).toContain(`that process id now belongs to another program (sleep)`);
        expect(await stopped(app)).toBe(0);
        expect(existsSync(join(dir, 'trellis.json.lock'))).toBe(false);
      }
    } finally {
      sleeper.kill();
    }
  });

  it('held by a running Trellis refuses a second one, naming the pid, the lock file and what to do', async () => {
    const dir = await newDir();
    const first = await playground(dir);
    try {
      const second = startProcess({ PORT: String(await freePort()), TRELLIS_DATA: join(dir, 'trellis.json') });
      expect(await second.exited).toBe(1);
      expect(second.output()).toContain(`is in use by another Trellis process (pid ${first.app.child.pid}, which holds ${join(dir, 'trellis.json.lock')})`);
      expect(second.output()).toContain(`delete ${join(dir, 'trellis.json.lock')}`);
      expect(second.output()).not.toMatch(STACK_FRAME);
      expect((await health(first.port))?.status).toBe('ok');
    } finally {
      expect(await stopped(first.app)).toBe(0);
    }
  });

  it('is released when start-up fails after the data file was opened (the port is taken)', async () => {
    const dir = await newDir();
    const taken = createServer().listen(0);
    await new Promise((r) => taken.once('listening', r));
    try {
      const app = startProcess({ PORT: String((taken.address() as { port: number }).port), TRELLIS_DATA: join(dir, 'trellis.json') });
      expect(await app.exited).toBe(1);
      expect(app.output()).toContain('EADDRINUSE');
      expect(existsSync(join(dir, 'trellis.json'))).toBe(true);
      expect(existsSync(join(dir, 'trellis.json.lock'))).toBe(false);
    } finally {
      taken.close();
    }
  });
});

describe('a rewrite killed half way', () => {
  it('leaves temporary files that the next start removes, touching nothing else', async () => {
    const dir = await newDir();
    expect(await stopped((await playground(dir)).app)).toBe(0);
    const data = readFileSync(join(dir, 'trellis.json'), 'utf8');
    const journal = readFileSync(join(dir, 'trellis.json.journal'), 'utf8');
    // As writeDurably names them: hidden, beside the file, with the pid of the process that was killed.
    writeFileSync(join(dir, '.trellis.json.4242.tmp'), '{"version":');
    writeFileSync(join(dir, '.trellis.json.journal.4242.tmp'), '{"journal":');
    writeFileSync(join(dir, 'trellis.json.keep.tmp'), 'not ours');

    const { app } = await playground(dir);
    expect(app.output()).toContain(`Removed ${join(dir, '.trellis.json.4242.tmp')}, left by a rewrite that was cut short`);
    expect(await stopped(app)).toBe(0);
    const names = await readdir(dir);
    expect(names).not.toContain('.trellis.json.4242.tmp');
    expect(names).not.toContain('.trellis.json.journal.4242.tmp');
    expect(names).toContain('trellis.json.keep.tmp');
    expect(JSON.parse(readFileSync(join(dir, 'trellis.json'), 'utf8')).partnerships).toEqual(JSON.parse(data).partnerships);
    expect(journal.length).toBeGreaterThan(0);
  });
});

describe('moving from the playground to Slack', () => {
  it('a new TRELLIS_SECRET is refused naming trellis.secret and how to carry it over; carried over, Slack starts on the same data', async () => {
    const dir = await newDir();
    const secretFile = join(dir, 'trellis.secret');
    const first = await playground(dir);
    // Even an empty playground's journal is sealed under the secret it generated.
    expect(await stopped(first.app)).toBe(0);
    const kept = readFileSync(secretFile, 'utf8');
    const data = readFileSync(join(dir, 'trellis.json'), 'utf8');

    const slack = await startFakeSlack();
    try {
      const env = { TRELLIS_DATA: join(dir, 'trellis.json'), SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl };
      const refused = startProcess({ ...env, PORT: String(await freePort()), TRELLIS_SECRET: 'a-brand-new-secret-0123456789abcdef0123456789' });
      expect(await refused.exited).toBe(1);
      const out = refused.output();
      expect(out).toContain(`sealed under the secret kept in ${secretFile}`);
      expect(out).toContain(`set TRELLIS_SECRET to the contents of ${secretFile}`);
      expect(out).not.toContain(kept.trim());
      expect(out).not.toMatch(STACK_FRAME);
      expect(existsSync(join(dir, 'trellis.json.lock'))).toBe(false);
      expect(readFileSync(secretFile, 'utf8')).toBe(kept);
      expect(readFileSync(join(dir, 'trellis.json'), 'utf8')).toBe(data);

      const port = await freePort();
      const carried = startProcess({ ...env, PORT: String(port), TRELLIS_SECRET: kept.trim() });
      expect(await waitFor(() => health(port), 20_000)).toEqual({ status: 'ok', adapters: ['slack'], store: 'lowdb' });
      expect(await stopped(carried)).toBe(0);
      expect(readFileSync(secretFile, 'utf8')).toBe(kept);
    } finally {
      await slack.close();
    }
  });
});
