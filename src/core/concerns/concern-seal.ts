// Concern text at rest: each concern's body (its messages, the escalation
// text, the organisation its reporter chose to give, and which critical
// friends may read it) is sealed with AES-256-GCM under a key derived from
// TRELLIS_SECRET for this purpose alone. The stores hold only the sealed form;
// whoever holds the data file, the database or a backup reads categories,
// months and statuses (what themes need), never what a concern says.
// Every read and write of a concern goes through here.
import type { Deps } from '../deps.js';
import type { Concern, ConcernBody, ConcernHead, StoredConcern } from '../model.js';
import type { Repository } from '../ports/repository.js';
import { seal, unseal } from '../seal.js';

const PURPOSE = 'concern-body';

export function sealConcern(secret: string, c: Concern): StoredConcern {
  const { organisation, messages, escalation, friendIds, handover, closedOn, ...head } = c;
  const body: ConcernBody = {
    ...(organisation ? { organisation } : {}),
    messages,
    ...(escalation ? { escalation } : {}),
    friendIds,
    ...(handover ? { handover } : {}),
    ...(closedOn ? { closedOn } : {}),
  };
  return { ...head, sealed: seal(secret, PURPOSE, body) };
}

/**
 * The concern as the core reads it; undefined when its seal does not open
 * (another TRELLIS_SECRET, or tampering). A record from before sealing is read
 * as addressed to nobody (fail closed): the upgrade pass gives it its readers.
 */
export function openConcern(secret: string, s: StoredConcern): Concern | undefined {
  const { sealed, organisation, messages, escalation, ...head } = s;
  if (sealed === undefined)
    return { ...head, ...(organisation ? { organisation } : {}), messages: messages ?? [], ...(escalation ? { escalation } : {}), friendIds: [] };
  const body = unseal<ConcernBody>(secret, PURPOSE, sealed);
  return body && { ...(head as ConcernHead), ...body };
}

export async function loadConcern(deps: Deps, id: string): Promise<Concern | undefined> {
  const s = await deps.store.concern(id);
  return s && openConcern(deps.secret, s);
}

export async function loadConcerns(deps: Deps, partnershipId: string): Promise<Concern[]> {
  return (await deps.store.concerns(partnershipId)).flatMap((s) => openConcern(deps.secret, s) ?? []);
}

export const saveConcern = (deps: Deps, c: Concern): Promise<void> => deps.store.saveConcern(sealConcern(deps.secret, withClosedOn(deps, c)));

/** Whether a conversation is over, for retention: its text is erased a set time after (retention.ts). */
export const isEnded = (c: Pick<Concern, 'status'>) => c.status === 'resolved' || c.status === 'closed';

/**
 * Every save keeps `closedOn` right, wherever the status changed: the day it first ended
 * (kept while it stays ended), gone when it is reopened.
 */
function withClosedOn(deps: Deps, c: Concern): Concern {
  const { closedOn, ...rest } = c;
  if (!isEnded(c)) return rest;
  return { ...rest, closedOn: closedOn ?? deps.clock.now().toISOString().slice(0, 10) };
}

/**
 * The one-time upgrade: seals every concern still held in the clear, without
 * losing a word. Such a concern predates recording who it is addressed to; it
 * is addressed to the critical friend(s) in place now, who could read it until
 * this moment anyway — nobody gains a concern they could not already open, and
 * from now on a change of critical friend asks its reporter first.
 * Safe to run at every start, on every instance: sealed records are skipped.
 */
export async function sealPlainConcerns(store: Repository, secret: string): Promise<number> {
  let sealed = 0;
  for (const p of await store.partnerships()) {
    const friendIds = (await store.members(p.id)).filter((m) => m.role === 'critical-friend').map((m) => m.id);
    for (const s of await store.concerns(p.id)) {
      if (s.sealed !== undefined) continue;
      await store.saveConcern(sealConcern(secret, { ...openConcern(secret, s)!, friendIds }));
      sealed++;
    }
  }
  return sealed;
}
