// A review's figures, worked out from its (unlinkable) answer sets whenever
// they are shown rather than kept as text: a threshold raised after the review
// closed then applies to them too, as it does to every other result.
import type { Deps } from '../deps.js';
import type { Partnership, ProtocolReview } from '../model.js';
import { thresholdFor } from '../promised-threshold.js';
import { personScore } from '../trends/compute.js';
import { mean, round1 } from '../trends/stats.js';
import { RECOMMENDATION, RECOMMENDATION_OPTIONS, REVIEW_ITEMS } from './review-items.js';

export interface ReviewSummary {
  text: string;
  /** The parties' comments, as written — only when k or more answered, and never with an organisation (like a check-in's). */
  comments: string[];
}

/**
 * The parties' answers in figures, or only how many answered when fewer than k
 * did (k: the threshold the review opened with, or today's if higher). Each
 * statement's figure is the mean of person scores, as everywhere, and only over k or more people.
 */
export async function reviewSummary(deps: Deps, p: Partnership, review: ProtocolReview): Promise<ReviewSummary> {
  const k = thresholdFor(p, review.threshold);
  const sets = await deps.store.answerSets(review.id);
  if (sets.length < k) return { text: `${sets.length} answered — fewer than ${k}, so no summary is shown.`, comments: [] };
  const parts = REVIEW_ITEMS.map((i) => {
    const scores = sets.map((s) => personScore(s.values, (id) => id === i.id)).filter((v): v is number => v !== undefined);
    return `${i.id.replace('review-', '')} ${scores.length >= k ? round1(mean(scores)) : '—'}`;
  });
  const recs = RECOMMENDATION_OPTIONS.map((o) => `${o.value} ${sets.filter((s) => s.choices?.[RECOMMENDATION] === o.value).length}`);
  return {
    text: `${sets.length} answered. Agreement 0–100: ${parts.join(', ')}. Recommended: ${recs.join(', ')}.`,
    comments: sets.map((s) => s.comment?.trim()).filter((c): c is string => !!c),
  };
}

/** A comment as a list item: in quotes, so that it reads as someone's words. */
export const quoted = (comment: string) => `“${comment}”`;
