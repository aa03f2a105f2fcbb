// The default production store: one JSON file, validated on load, written
// durably after every change.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Low } from 'lowdb';
import { TrellisError } from '../core/errors.js';
import { coalesce, DurableJsonFile } from './durable-json-file.js';
import { lockFile } from './file-lock.js';
import { emptyState, MIGRATIONS, stateSchema, STATE_VERSION, type State } from './state.js';
import { StateStore } from './state-store.js';

export async function openLowdbStore(file: string): Promise<StateStore> {
  await mkdir(dirname(file), { recursive: true });
  const unlock = lockFile(file);
  try {
    // Built by hand: lowdb's JSONFilePreset silently keeps data in memory when NODE_ENV=test.
    const db = new Low<unknown>(new DurableJsonFile<unknown>(file), null);
    await db.read();
    const state = db.data === null ? emptyState() : validate(file, db.data);
    const low = new Low<State>(new DurableJsonFile<State>(file), state);
    const persist = coalesce(() => low.write());
    if (db.data === null) await persist();
    return new (class extends StateStore {
      override async close() {
        await super.close();
        unlock();
      }
    })(state, persist);
  } catch (err) {
    unlock();
    throw err;
  }
}

function validate(file: string, data: unknown): State {
  const version = (data as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > STATE_VERSION) {
    throw new TrellisError('STORE_VERSION', `The data file ${file} was written by a newer Trellis (schema ${version}; this one reads ${STATE_VERSION}). Upgrade Trellis; the file has not been changed.`);
  }
  let lifted = data as Record<string, unknown>;
  for (let v = version as number; typeof v === 'number' && v < STATE_VERSION; v++) {
    const step = MIGRATIONS[v];
    if (!step || !Array.isArray(lifted.partnerships)) break; // validation below names the problem
    lifted = step(lifted);
  }
  const parsed = stateSchema.safeParse(lifted);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`);
  throw new TrellisError(
    'STORE_CORRUPT',
    `The data file ${file} is not a valid Trellis data file (${problems.join('; ')}). Trellis has not changed it. Restore it from a backup, or move it aside to start with an empty one.`,
  );
}
