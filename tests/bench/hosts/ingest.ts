// Child: answer ingest at the Store level — store.saveAnswerSet, each a new
// key in the open round, on a store that already holds `size` answer sets.
//   lowdb-group  openLowdbStore: every change folded into the next durable journal append (group commit)
//   lowdb-naive  the same StateStore over a Low + DurableJsonFile, one whole-file durable write per answer
//   pg           openPgStore on a preloaded database
import { performance } from 'node:perf_hooks';
import { Low } from 'lowdb';
import type { AnswerSet } from '../../../src/core/model.js';
import type { Store } from '../../../src/store/store.js';
import { DurableJsonFile } from '../../../src/store/durable-json-file.js';
import { openLowdbStore } from '../../../src/store/lowdb-store.js';
import { openPgStore } from '../../../src/store/pg/pg-store.js';
import type { State } from '../../../src/store/state-schema.js';
import { StateStore } from '../../../src/store/state-store.js';
import { childInput, runAsChild } from '../lib/child.js';
import { newAnswer, OPEN_ROUND, prng } from '../lib/dataset.js';
import { summarise } from '../lib/stats.js';
import { TEST_SECRET } from '../../helpers/start-trellis.js';

export interface IngestInput {
  kind: 'lowdb-group' | 'lowdb-naive' | 'pg';
  size: number;
  /** lowdb: the data file (a copy: it is written to). */
  file?: string;
  /** pg: the preloaded database. */
  url?: string;
  warmup: number;
  timed: number;
  concurrency: number;
  /** Repeated runs on one database: new keys start after the earlier runs' (which are still in the open round). */
  earlierRuns?: number;
}

async function openFor(input: IngestInput): Promise<Store> {
  switch (input.kind) {
    case 'lowdb-group':
      return openLowdbStore(input.file!, TEST_SECRET);
    case 'lowdb-naive': {
      // No coalescing: each change is its own JSON.stringify + write + fsync + rename + directory fsync.
      const adapter = new DurableJsonFile<State>(input.file!);
      const state = await adapter.read();
      if (!state) throw new Error(`no data in ${input.file}`);
      const low = new Low<State>(adapter, state);
      return new (class extends StateStore {
        protected override persist() {
          return low.write();
        }
      })(state);
    }
    case 'pg':
      return openPgStore(input.url!);
  }
}

/** Saves `answers` with `concurrency` writers, each awaiting one save at a time; per-answer latencies in ms. */
async function ingest(store: Store, answers: AnswerSet[], concurrency: number): Promise<{ latencies: number[]; seconds: number; syncMs: number }> {
  const latencies: number[] = [];
  // Time spent inside saveAnswerSet before it first yields: for lowdb, the in-memory update (finding and placing the set).
  let syncMs = 0;
  let next = 0;
  const worker = async () => {
    while (next < answers.length) {
      const a = answers[next++]!;
      const t0 = performance.now();
      const saving = store.saveAnswerSet(a);
      syncMs += performance.now() - t0;
      await saving;
      latencies.push(performance.now() - t0);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, answers.length) }, worker));
  return { latencies, seconds: (performance.now() - started) / 1000, syncMs };
}

runAsChild(async () => {
  const input = childInput<IngestInput>();
  const t0 = performance.now();
  const store = await openFor(input);
  const openSeconds = (performance.now() - t0) / 1000;
  const round = await store.round(OPEN_ROUND);
  if (!round || round.closedAt) throw new Error(`no open round ${OPEN_ROUND} in the preloaded data`);
  const rnd = prng(7);
  const make = (from: number, n: number) => Array.from({ length: n }, (_, i) => newAnswer(round, from + i, rnd));
  const earlier = (input.earlierRuns ?? 0) * (input.warmup + input.timed);
  const warm = make(earlier, input.warmup);
  const timed = make(earlier + input.warmup, input.timed);

  await ingest(store, warm, input.concurrency);
  const { latencies, seconds, syncMs } = await ingest(store, timed, input.concurrency);

  // Every answer is really there.
  const stored = (await store.answerSets(OPEN_ROUND)).length;
  if (stored !== earlier + input.warmup + input.timed)
    throw new Error(`${stored} answer sets in the open round after saving ${earlier + input.warmup + input.timed}`);
  if (input.kind === 'pg') await store.close();
  // lowdb: every save has already been awaited, so it is on disk; closing would only write the file once more.
  const s = summarise(latencies);
  return {
    kind: input.kind,
    size: input.size,
    openSeconds,
    timed: input.timed,
    concurrency: input.concurrency,
    seconds,
    perSecond: input.timed / seconds,
    p50: s.p50,
    p99: s.p99,
    max: s.max,
    syncMsPerAnswer: syncMs / input.timed,
  };
});
