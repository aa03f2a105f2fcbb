// Retention: words people wrote are kept only as long as the partnership chose
// (`set retention`, defaults in DEFAULT_RETENTION), then erased on the scheduler
// (tick.ts). What the figures need stays: a concern's head (category, month,
// threshold, status) for the themes, and each answer set's values and choices.
// Each pass is idempotent: what is already erased is never written again.
import type { Deps } from './deps.js';
import { retentionOf, type Concern, type Partnership } from './model.js';
import { isEnded, loadConcerns, sealConcern } from './concerns/concern-seal.js';
import { ERASED_RELAY } from './commands/leave.js';
import { addMonths } from './time.js';

/** Already erased: nothing left to say, and no way back to anyone. */
const erased = (c: Concern) => c.relay === ERASED_RELAY && c.messages.length === 0 && !c.organisation && !c.escalation && c.friendIds.length === 0;

/** Erases what has been kept for its partnership's period: concern and reply text, then comments. */
export async function expire(deps: Deps, p: Partnership): Promise<void> {
  const { concernMonths, commentMonths } = retentionOf(p);
  const today = deps.clock.now().toISOString().slice(0, 10);
  const due = (day: string, months: number) => addMonths(day, months) <= today;

  for (const c of await loadConcerns(deps, p.id)) {
    if (!isEnded(c) || erased(c)) continue;
    // Ended before closedOn was kept: its last message's day is the nearest to when it ended.
    const ended = c.closedOn ?? c.messages.at(-1)?.day;
    if (!ended || !due(ended, concernMonths)) continue;
    const { organisation: _o, escalation: _e, handover: _h, ...head } = c;
    // Read by nobody now: no friend, no relay, no words; the day it ended stays sealed with it.
    await deps.store.eraseConcernText(sealConcern(deps.secret, { ...head, messages: [], friendIds: [], relay: ERASED_RELAY, closedOn: ended }));
  }

  for (const round of await deps.store.rounds(p.id)) {
    if (round.commentsDropped || round.cancelledAt || !round.closedAt || !due(round.closedAt.slice(0, 10), commentMonths)) continue;
    await deps.store.dropComments(round.id);
    const now = await deps.store.round(round.id);
    if (now) await deps.store.saveRound({ ...now, commentsDropped: true });
  }

  for (const protocol of await deps.store.protocols(p.id)) {
    for (const review of protocol.reviews) {
      if (review.commentsDropped || !review.closedAt || !due(review.closedAt.slice(0, 10), commentMonths)) continue;
      await deps.store.dropComments(review.id);
      const now = await deps.store.protocol(protocol.id);
      if (now) await deps.store.saveProtocol({ ...now, reviews: now.reviews.map((r) => (r.id === review.id ? { ...r, commentsDropped: true as const } : r)) });
    }
  }
}
