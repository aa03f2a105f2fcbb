// How many concerns one person may raise in a day, kept so that nothing in the
// store counts one person's concerns together: each concern takes one slot,
// stored as its own keyed hash of (person, day, slot). Without TRELLIS_SECRET
// two slot records of one person look like two of two people.
import { createHmac } from 'node:crypto';
import type { Deps } from '../deps.js';
import type { Member } from '../model.js';

const hash = (deps: Deps, text: string) => createHmac('sha256', deps.secret).update(text).digest('hex');
const slotKey = (deps: Deps, member: Member, day: string, slot: number) => hash(deps, `concern-slot\u0000${member.id}\u0000${day}\u0000${slot}`);
/** Before slots: one record per (person, day) holding a count. Still honoured for its day. */
const legacyKey = (deps: Deps, member: Member, day: string) => hash(deps, `concern-quota\u0000${member.id}\u0000${day}`);

/** The key of the first free slot of this person's day, or undefined when all `deps.concernsPerDay` are taken. */
export async function freeSlot(deps: Deps, member: Member, day: string): Promise<string | undefined> {
  const legacy = (await deps.store.concernQuota(legacyKey(deps, member, day)))?.count ?? 0;
  for (let slot = legacy; slot < deps.concernsPerDay; slot++) {
    const key = slotKey(deps, member, day, slot);
    if (!(await deps.store.concernQuota(key))) return key;
  }
  return undefined;
}

export const takeSlot = (deps: Deps, key: string) => deps.store.saveConcernQuota({ key });
