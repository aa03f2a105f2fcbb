// How many were asked and how many answered a round: counted from its
// invitations, or kept on the round once those are compacted away.
import type { Deps } from '../deps.js';
import { retentionOf, type Partnership, type Round } from '../model.js';
import { splitByAnswered } from '../answering.js';

export async function turnout(deps: Deps, round: Round): Promise<{ invited: number; answered: number }> {
  if (round.tally) return round.tally;
  const invitations = await deps.store.invitations(round.id);
  return { invited: invitations.length, answered: (await splitByAnswered(deps, round.id, invitations)).answered.length };
}

/**
 * How an open round's check-ins are getting out: still queued behind the
 * platforms' rate limits, or refused by the platform (a deactivated account,
 * someone who blocked the app). Counts only: never who.
 */
export async function deliveries(deps: Deps, round: Round): Promise<{ queued: number; failed: number }> {
  const invitations = await deps.store.invitations(round.id);
  return deps.deliveryStatus.count(invitations.flatMap((i) => (i.delivery ? [i.delivery] : [])));
}

/**
 * Keeps the store from growing with every round: a long-closed round keeps its
 * counts and its (unlinkable) answer sets, and drops the per-person
 * invitations and message handles — which also leaves less to link anyone by.
 */
export async function compactRounds(deps: Deps, p: Partnership): Promise<void> {
  // Closed this long ago (the partnership's `set retention invitations`), a round needs no more reminders, updates or "who was asked".
  const cutoff = deps.clock.now().getTime() - retentionOf(p).invitationDays * 86_400_000;
  for (const round of await deps.store.rounds(p.id)) {
    if (round.tally || round.cancelledAt || !round.closedAt || Date.parse(round.closedAt) > cutoff) continue;
    await deps.store.compactRound(round.id, await turnout(deps, round));
  }
}
