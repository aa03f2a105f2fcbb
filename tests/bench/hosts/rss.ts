// Child: the memory a Trellis process needs to serve a store holding `size`
// answer sets — it opens the store as the server would (lowdb: reads and
// validates the whole file; PostgreSQL: connects), reports its RSS, then
// computes one digest (the first partnership: 100 rounds of 200 answers) and
// reports again.
import { performance } from 'node:perf_hooks';
import { withDefaults } from '../../../src/core/deps.js';
import type { Store } from '../../../src/store/store.js';
import { publishDigest } from '../../../src/core/trends/digest.js';
import { openLowdbStore } from '../../../src/store/lowdb-store.js';
import { openPgStore } from '../../../src/store/pg/pg-store.js';
import { childInput, runAsChild } from '../lib/child.js';
import { DIGEST_PARTNERSHIP } from '../lib/dataset.js';
import { TEST_SECRET } from '../../helpers/start-trellis.js';
import { corePorts } from '../../helpers/core-ports.js';

const gc = () => (globalThis as { gc?: () => void }).gc?.();

runAsChild(async () => {
  const { kind, file, url } = childInput<{ kind: 'lowdb' | 'pg'; file?: string; url?: string }>();
  gc();
  const rssStart = process.memoryUsage().rss;
  const t0 = performance.now();
  const store: Store = kind === 'lowdb' ? await openLowdbStore(file!, TEST_SECRET) : await openPgStore(url!);
  const openSeconds = (performance.now() - t0) / 1000;
  const rssAfterOpen = process.memoryUsage().rss;
  let sent = 0;
  const messenger = { sendPrivate: async () => void sent++, sendToConversation: async () => void sent++, update: async () => undefined };
  const deps = withDefaults({ ...corePorts(store), clock: { now: () => new Date() }, messenger, secret: 'b'.repeat(32) });
  const p = await store.partnership(DIGEST_PARTNERSHIP);
  if (!p) throw new Error(`no partnership ${DIGEST_PARTNERSHIP}`);
  const t1 = performance.now();
  await publishDigest(deps, p);
  const digestMs = performance.now() - t1;
  if (sent === 0) throw new Error('the digest was not sent');
  const rssAfterDigest = process.memoryUsage().rss;
  gc();
  const { heapUsed, rss: rssAfterGc } = process.memoryUsage();
  if (kind === 'pg') await store.close();
  return { kind, openSeconds, digestMs, rssStart, rssAfterOpen, rssAfterDigest, rssAfterGc, heapUsedAfterGc: heapUsed };
});
