// The whole State of a data file, lifted to the current version and
// validated exactly as opening it does — for tools that copy it elsewhere.
// Call it while holding the file (openLowdbStore), which has already checked it.
import { readFile } from 'node:fs/promises';
import { TrellisError } from '../core/errors.js';
import { MIGRATIONS, stateSchema, STATE_VERSION, type State } from './state-schema.js';

export async function readStateFile(file: string): Promise<State> {
  let data = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  for (let v = data.version; typeof v === 'number' && v < STATE_VERSION; v = data.version) {
    const step = MIGRATIONS[v];
    if (!step) break;
    data = step(data);
  }
  const parsed = stateSchema.safeParse(data);
  if (!parsed.success) throw new TrellisError('STORE_CORRUPT', `The data file ${file} changed while it was being read, or is not a valid Trellis data file.`);
  return parsed.data;
}
