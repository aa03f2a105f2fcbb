// `npm start` as a person runs it: a real process, real port, real data dir.
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from './helpers/wait-for.js';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

describe('npm start', () => {
  it('serves the playground with no credentials, keeps a generated secret beside the data file, and stops cleanly', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trellis-start-'));
    const port = await freePort();
    const app = start({ PORT: String(port), TRELLIS_DATA: join(dir, 'trellis.json') });
    try {
      const health = await waitFor(
        async () =>
          fetch(`http://127.0.0.1:${port}/healthz`)
            .then((r) => r.json())
            .catch(() => undefined),
        20_000,
      );
      expect(health).toEqual({ status: 'ok', adapters: ['playground'], store: 'lowdb' });
      const page = await fetch(`http://127.0.0.1:${port}/`);
      expect(await page.text()).toContain('Trellis playground');
      const secret = (await readFile(join(dir, 'trellis.secret'), 'utf8')).trim();
      expect(secret).toMatch(/^[0-9a-f]{64}$/);
      expect(statSync(join(dir, 'trellis.secret')).mode & 0o777).toBe(0o600);
      expect(await readFile(join(dir, 'trellis.json'), 'utf8')).not.toContain(secret);
      expect(app.output()).toContain('Generated TRELLIS_SECRET');
      expect(app.output()).not.toContain(secret);
    } finally {
      app.child.kill('SIGTERM');
    }
    expect(await app.exited).toBe(0);
    expect(existsSync(join(dir, 'trellis.json.lock'))).toBe(false);
  });

  it('refuses to start on a corrupt data file, naming it, and leaves it as it was', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trellis-start-'));
    const file = join(dir, 'trellis.json');
    await writeFile(file, '{"version":1,"partnerships":[');
    const app = start({ PORT: String(await freePort()), TRELLIS_DATA: file });
    expect(await app.exited).toBe(1);
    expect(app.output()).toContain(`The data file ${file} is not valid JSON`);
    expect(await readFile(file, 'utf8')).toBe('{"version":1,"partnerships":[');
  });

  it('refuses to start with half a Slack configuration, naming the missing variable', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trellis-start-'));
    const app = start({ TRELLIS_DATA: join(dir, 'trellis.json'), SLACK_BOT_TOKEN: 'xoxb-1-2-secretvalue', TRELLIS_SECRET: 'y'.repeat(32) });
    expect(await app.exited).toBe(1);
    expect(app.output()).toContain('SLACK_SIGNING_SECRET is missing');
    expect(app.output()).not.toContain('secretvalue');
    expect(existsSync(join(dir, 'trellis.json'))).toBe(false);
  });

  it('refuses unauthenticated Teams with a shared database, naming both variables', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trellis-start-'));
    const app = start({
      TRELLIS_DATA: join(dir, 'trellis.json'),
      TEAMS_ALLOW_UNAUTHENTICATED: 'true',
      DATABASE_URL: 'postgres://trellis:pw@127.0.0.1:9/trellis',
      TRELLIS_SECRET: 'y'.repeat(32),
    });
    expect(await app.exited).toBe(1);
    expect(app.output()).toContain('TEAMS_ALLOW_UNAUTHENTICATED=true cannot be combined with DATABASE_URL');
    expect(app.output()).not.toContain('Trellis is listening');
  });
});
