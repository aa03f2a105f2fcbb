// The production start (`node dist/main.js`, as deploy/Dockerfile and
// deploy/trellis.service run it) stopped the way systemd and `docker stop`
// stop it: SIGTERM to its whole process group, while people keep typing
// commands, then the signal again. Every command Trellis answered as done is
// in the data file afterwards, the lock is gone and it exits 0.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openLowdbStore } from '../src/store/lowdb-store.js';
import { TEST_SECRET } from './helpers/start-trellis.js';
import { PRODUCTION_START } from './helpers/production-start.js';
import { freePort, health } from './helpers/trellis-process.js';
import { waitFor } from './helpers/wait-for.js';

const WORKERS = 6;

let dir: string;

beforeAll(() => {
  // Once, as `npm start` would (a no-op when dist/ is newer than the sources).
  const built = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`npm run build failed:\n${built.stdout}${built.stderr}`);
}, 120_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('SIGTERM to the process group under write load: every acknowledged write is kept, the lock is gone, exit 0', async () => {
  dir = await mkdtemp(join(tmpdir(), 'trellis-stop-'));
  const file = join(dir, 'trellis.json');
  const port = await freePort();
  const child = spawn(process.execPath, [PRODUCTION_START[1]], {
    env: { PATH: process.env.PATH ?? '', TRELLIS_DATA: file, TRELLIS_SECRET: TEST_SECRET, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, as under systemd or in a container: the signal goes to every process in it.
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const pid = child.pid!;
  try {
    await waitFor(async () => (await health(port))?.status === 'ok', 20_000).catch((err: Error) => {
      throw new Error(`${err.message}: Trellis did not come up.\n${output}`);
    });
    const command = async (text: string) => {
      const res = await fetch(`http://127.0.0.1:${port}/playground/command`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ persona: 'alex', text, where: 'channel' }),
      });
      const body = (await res.json()) as { reply?: { tone?: string; text: string } };
      return res.status === 200 && body.reply && body.reply.tone !== 'error' ? body.reply.text : undefined;
    };
    expect(await command('setup Riverside')).toBeDefined();

    // Organisations added side by side until Trellis stops answering; each one answered as done is acknowledged.
    const acknowledged: string[] = [];
    let next = 0;
    const worker = async () => {
      for (;;) {
        const name = `Agency ${++next}`;
        const reply = await command(`org add ${name} public`).catch(() => 'stopped' as const);
        if (reply === 'stopped') return;
        if (reply) acknowledged.push(name);
      }
    };
    const load = Array.from({ length: WORKERS }, worker);
    await waitFor(() => acknowledged.length >= 20, 20_000);
    process.kill(-pid, 'SIGTERM');
    // The signal again while it stops (npm's shell, or an impatient operator): it must not cut the stop short.
    await new Promise((r) => setTimeout(r, 20));
    process.kill(-pid, 'SIGTERM');
    process.kill(-pid, 'SIGINT');
    expect(await exited, output).toBe(0);
    await Promise.all(load);

    expect(existsSync(`${file}.lock`), 'the lock file').toBe(false);
    const store = await openLowdbStore(file, TEST_SECRET);
    try {
      const [partnership] = await store.partnerships();
      const kept = new Set((await store.organisations(partnership!.id)).map((o) => o.name));
      expect(acknowledged.filter((name) => !kept.has(name))).toEqual([]);
      expect(acknowledged.length).toBeGreaterThanOrEqual(20);
    } finally {
      await store.close();
    }
  } finally {
    if ((child.exitCode ?? child.signalCode) === null) process.kill(-pid, 'SIGKILL');
  }
}, 60_000);
