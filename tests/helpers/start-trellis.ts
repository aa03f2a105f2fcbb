// Starts the real server on a free port with a throw-away data directory and
// captured logs. Every integration test goes through this.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadConfig, secretsIn } from '../../src/config.js';
import type { Clock } from '../../src/core/ports/clock.js';
import { createLogger } from '../../src/log.js';
import { openLowdbStore } from '../../src/store/lowdb-store.js';
import { crashCopy } from './crash-copy.js';
import { startServer, type RunningServer } from '../../src/server.js';
import type { StateStore } from '../../src/store/state-store.js';

export const TEST_SECRET = 'test-secret-0123456789abcdef0123456789abcdef';

export interface TestTrellis extends RunningServer {
  dataFile: string;
  dir: string;
  logs: string[];
  store: StateStore;
  /**
   * The data file as it stands once the journal is taken in (without its journal mark, nor the
   * claims of requests already seen, which every request adds): what a crash now, then a restart,
   * would leave. Read through a copy, so the running store is untouched.
   */
  data(): Promise<string>;
  /** The claims in the data file (keyed digests of requests already acted on), as a restart would find them. */
  claims(): Promise<{ key: string; until: string }[]>;
  /** Stop the server but keep the data directory (to restart on the same file). */
  stop(): Promise<void>;
}

export async function startTrellis(env: Record<string, string> = {}, options: { dir?: string; clock?: Clock } = {}): Promise<TestTrellis> {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'trellis-test-')));
  const dataFile = join(dir, 'trellis.json');
  const config = loadConfig({ TRELLIS_DATA: dataFile, TRELLIS_SECRET: TEST_SECRET, LOG_LEVEL: 'debug', ...env });
  const logs: string[] = [];
  const log = createLogger({
    level: 'debug',
    secrets: secretsIn(config),
    write: (l) => logs.push(l),
  });
  const store = await openLowdbStore(dataFile, config.secret ?? TEST_SECRET);
  const running = await startServer(
    { config, store, storeKind: 'lowdb', clock: options.clock ?? { now: () => new Date() }, log, secret: TEST_SECRET, schedule: false },
    0,
  );
  const stop = async () => {
    await running.close();
    await store.close();
  };
  return {
    ...running,
    dataFile,
    dir,
    logs,
    store,
    data: async () => {
      const { claims: _claims, ...data } = JSON.parse(await dataAfterCrash(dataFile, config.secret ?? TEST_SECRET)) as Record<string, unknown>;
      return JSON.stringify(data);
    },
    claims: async () => (JSON.parse(await dataAfterCrash(dataFile, config.secret ?? TEST_SECRET)) as { claims: { key: string; until: string }[] }).claims,
    stop,
    close: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function dataAfterCrash(dataFile: string, secret: string): Promise<string> {
  const copy = crashCopy(dataFile);
  try {
    await (await openLowdbStore(copy, secret)).close();
    const { journal: _mark, ...data } = JSON.parse(await readFile(copy, 'utf8')) as Record<string, unknown>;
    return canonical(data);
  } finally {
    await rm(dirname(copy), { recursive: true, force: true });
  }
}

/**
 * JSON with every object's keys in one order: a record read back from the file
 * comes in the schema's key order, one replayed from the journal in the order
 * it was built, and the same data must compare equal either way.
 */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}
