// Comment retention: the free-text comments of check-ins and protocol reviews
// are dropped from their answer sets the partnership's set months after the
// round closed (`set retention comments`; DEFAULT_RETENTION) — its digest,
// which quotes them, went out then. Values and choices stay exactly as they
// were, so every figure does. Run by the scheduler (tick.ts); a round or review
// is marked once done and never looked at again.
import type { Deps } from '../deps.js';
import { retentionOf, type Partnership } from '../model.js';
import { addMonths } from '../time.js';

export async function expireComments(deps: Deps, p: Partnership): Promise<void> {
  const today = deps.clock.now().toISOString().slice(0, 10);
  const months = retentionOf(p).commentMonths;
  const due = (closedAt: string | undefined) => closedAt !== undefined && addMonths(closedAt.slice(0, 10), months) <= today;

  for (const round of await deps.store.rounds(p.id)) {
    if (round.commentsDropped || round.cancelledAt || !due(round.closedAt)) continue;
    await deps.store.dropComments(round.id);
    const now = await deps.store.round(round.id);
    if (now) await deps.store.saveRound({ ...now, commentsDropped: true });
  }

  // A review's answer sets are filed under its id, like a round's.
  for (const protocol of await deps.store.protocols(p.id)) {
    for (const review of protocol.reviews) {
      if (review.commentsDropped || !due(review.closedAt)) continue;
      await deps.store.dropComments(review.id);
      const now = await deps.store.protocol(protocol.id);
      if (now) await deps.store.saveProtocol({ ...now, reviews: now.reviews.map((r) => (r.id === review.id ? { ...r, commentsDropped: true as const } : r)) });
    }
  }
}
