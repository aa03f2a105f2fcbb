// A stop lets the requests in flight finish: the playground's demo (dozens of
// real commands, each written) is answered in full when the server is closed
// while it runs, and what it wrote is in the data file.
import { rm } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { openLowdbStore } from '../src/store/lowdb-store.js';
import { startTrellis, TEST_SECRET } from './helpers/start-trellis.js';
import { waitFor } from './helpers/wait-for.js';

it('answers the request in flight before closing, and keeps what it wrote', async () => {
  const t = await startTrellis();
  try {
    let answered = false;
    const demo = fetch(`${t.url}/playground/demo`, { method: 'POST' }).finally(() => (answered = true));
    // Once the demo has begun writing, stop the server under it.
    await waitFor(async () => (await t.store.partnerships()).length > 0, 10_000);
    expect(answered, 'the demo was still running when the stop began').toBe(false);
    const stopped = t.stop();
    const res = await demo;
    expect(res.status).toBe(200);
    await stopped;
    const reopened = await openLowdbStore(t.dataFile, TEST_SECRET);
    try {
      const [partnership] = await reopened.partnerships();
      expect(partnership).toBeDefined();
      expect((await reopened.rounds(partnership!.id)).length).toBeGreaterThan(0);
    } finally {
      await reopened.close();
    }
  } finally {
    await rm(t.dir, { recursive: true, force: true, maxRetries: 5 });
  }
});
