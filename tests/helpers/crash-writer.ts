// A Trellis data file under write load, for tests/crash.test.ts to kill (SIGKILL)
// at random moments. It opens the file exactly as Trellis does, prints what it
// holds, then answers without pause from several callers at once, printing each
// answer only once the store has acknowledged it (made it durable). stdout is a
// pipe, which Node writes synchronously: a printed acknowledgement is never lost.
// Compaction is set to run often, so kills land in every window of it.
import { openLowdbStore } from '../../src/store/lowdb-store.js';

export const CRASH_KEYS = 24;
export const crashKey = (k: number) => k.toString(16).padStart(64, '0');

const [file = '', firstValue = '1'] = process.argv.slice(2);
const store = await openLowdbStore(
  file,
  process.env.TRELLIS_SECRET ?? '',
  { idleMs: 10, minJournalBytes: 1024 },
  { notice: (m) => process.stderr.write(`${m}\n`) },
);
const held: Record<string, number> = {};
for (const a of await store.answerSets('r1')) held[a.key] = Number(a.comment);
process.stdout.write(`held ${JSON.stringify(held)}\n`);

let next = Number(firstValue);
const caller = async (k: number) => {
  for (;;) {
    const value = next++;
    const key = crashKey((value * 7 + k) % CRASH_KEYS);
    await store.saveAnswerSet({ roundId: 'r1', key, values: { 'trust-1': 4 }, comment: String(value) });
    process.stdout.write(`ack ${key} ${value}\n`);
  }
};
await Promise.all([0, 1, 2, 3].map(caller));
