// `dashboard revoke` is kept by the store: after a restart — on the lowdb file
// and on PostgreSQL — links withdrawn before it stay withdrawn.
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import type { Message } from '../src/core/message.js';
import { createLogger } from '../src/log.js';
import { startServer, type RunningServer } from '../src/server.js';
import { openPgStore } from '../src/store/pg/pg-store.js';
import { createThrowawayDb, describePg } from './helpers/pg.js';
import { startTrellis, TEST_SECRET } from './helpers/start-trellis.js';

async function command(url: string, persona: string, text: string): Promise<Message> {
  const res = await fetch(`${url}/playground/command`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ persona, text, where: 'channel' }),
  });
  return ((await res.json()) as { reply: Message }).reply;
}

const linkIn = (m: Message) => /(http:\/\/localhost:\d+\/dashboard\/\S+)$/m.exec(m.text)![1]!;
/** The same link against a restarted server (another port). */
const on = (url: string, link: string) => `${url}${new URL(link).pathname}`;

/** Sets up a partnership, gets a link, revokes it, gets a fresh one; returns both. */
async function revokeOne(url: string): Promise<{ revoked: string; fresh: string }> {
  expect((await command(url, 'alex', 'setup Riverside')).tone).toBe('success');
  const revoked = linkIn(await command(url, 'alex', 'dashboard'));
  expect((await fetch(revoked)).status).toBe(200);
  expect((await command(url, 'alex', 'dashboard revoke')).tone).toBe('success');
  const fresh = linkIn(await command(url, 'alex', 'dashboard'));
  return { revoked, fresh };
}

async function expectKept(url: string, links: { revoked: string; fresh: string }) {
  expect((await fetch(on(url, links.revoked))).status).toBe(403);
  expect((await fetch(on(url, links.fresh))).status).toBe(200);
}

describe('on the lowdb file', () => {
  it('keeps a revocation across a restart', async () => {
    const first = await startTrellis();
    const links = await revokeOne(first.url);
    await first.stop();
    const second = await startTrellis({}, { dir: first.dir });
    try {
      await expectKept(second.url, links);
    } finally {
      await second.close();
    }
  });
});

describePg('on PostgreSQL', () => {
  let db: { url: string; drop: () => Promise<void> } | undefined;
  afterAll(async () => {
    await db?.drop();
  });

  const start = async (): Promise<{ running: RunningServer; stop: () => Promise<void> }> => {
    const config = loadConfig({ DATABASE_URL: db!.url, TRELLIS_SECRET: TEST_SECRET });
    const store = await openPgStore(db!.url);
    const running = await startServer(
      {
        config,
        store,
        storeKind: 'postgres',
        clock: { now: () => new Date() },
        log: createLogger({ level: 'error', write: () => undefined }),
        secret: TEST_SECRET,
        schedule: false,
      },
      0,
    );
    return {
      running,
      stop: async () => {
        await running.close();
        await store.close();
      },
    };
  };

  it('keeps a revocation across a restart', async () => {
    db = await createThrowawayDb();
    const first = await start();
    const links = await revokeOne(first.running.url);
    await first.stop();
    const second = await start();
    try {
      await expectKept(second.running.url, links);
    } finally {
      await second.stop();
    }
  });
});
