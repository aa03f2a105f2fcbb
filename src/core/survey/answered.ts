// Whether someone has answered is never written beside them. An answer set is
// filed under a keyed hash of the member and the round (or review), so the
// running server, holding TRELLIS_SECRET, finds a person's by hashing; a copy
// of the data, or two copies taken either side of an answer, find nobody.
import { createHmac } from 'node:crypto';
import type { Deps } from '../deps.js';
import type { Invitation } from '../model.js';

/** Per person and round: changing one's answers works, linking rounds does not. */
export const answerKey = (secret: string, memberId: string, roundId: string) =>
  createHmac('sha256', secret).update(`answer-key\u0000${memberId}\u0000${roundId}`).digest('hex');

export async function hasAnswered(deps: Deps, roundId: string, memberId: string): Promise<boolean> {
  return (await deps.store.answerSet(roundId, answerKey(deps.secret, memberId, roundId))) !== undefined;
}

/** The invitations of one round whose member has answered, and those still waiting. */
export async function splitByAnswered(deps: Deps, roundId: string, invitations: Invitation[]): Promise<{ answered: Invitation[]; waiting: Invitation[] }> {
  const keys = new Set((await deps.store.answerSets(roundId)).map((a) => a.key));
  const answered: Invitation[] = [];
  const waiting: Invitation[] = [];
  for (const i of invitations) (keys.has(answerKey(deps.secret, i.memberId, roundId)) ? answered : waiting).push(i);
  return { answered, waiting };
}
