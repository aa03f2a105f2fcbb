// Reviews: every member of the parties' organisations gets a short private
// review check; answers are kept like check-in answers (unlinkable); the
// close records a summary shown only when enough people answered.
import { failure, fieldErrors, info, linkButton, success, type ChartSpec, type Form, type Message, type Reply } from '../message.js';
import type { Deps } from '../deps.js';
import type { Partnership, Protocol, ProtocolReview } from '../model.js';
import { thresholdFor } from '../promised-threshold.js';
import type { Caller } from '../request.js';
import {
  answersOf,
  COMMENT_FIELD,
  earlierChoice,
  MAX_COMMENT_LENGTH,
  readComment,
  readScale,
  saveAnswers,
  SCALE_OPTIONS,
  splitByAnswered,
} from '../answering.js';
import { addMonths, formatDate, localDay, localToday } from '../time.js';
import { mayChange, refOf } from './register.js';
import { RECOMMENDATION, RECOMMENDATION_OPTIONS, REVIEW_ITEMS } from './review-items.js';
import { quoted, reviewSummary } from './review-summary.js';
import type { Context } from '../context.js';
import { chartOf, HEADLINE, loadHistory } from '../trends/history.js';
import { describeChange } from '../trends/digest.js';
import { sendPrivate, updateSent } from '../send.js';

export const OPEN_REVIEW = 'review-open';
export const SUBMIT_REVIEW = 'review-submit';

export const openReviewOf = (protocol: Protocol) => protocol.reviews.find((r) => !r.closedAt);

export async function startReview(deps: Deps, ctx: Context, protocol: Protocol, withTrends = false): Promise<Message> {
  const refused = await mayChange(deps, ctx, protocol, 'start reviews');
  if (refused) return refused;
  if (protocol.status === 'retired') return failure(`${refOf(protocol)} is retired; there is nothing to review.`);
  if (openReviewOf(protocol)) return failure(`${refOf(protocol)} is already under review. See \`review status ${refOf(protocol)}\`.`);
  const review = { id: deps.newId(), startedAt: deps.clock.now().toISOString(), threshold: ctx.partnership.threshold };
  await deps.store.saveProtocol({ ...protocol, status: 'under-review', reviews: [...protocol.reviews, review] });
  const pack = withTrends ? await trendPack(deps, ctx.partnership) : undefined;
  const { parties, reached } = await inviteParties(deps, ctx.partnership, protocol, review, pack);
  return success(
    `Review of ${refOf(protocol)} ${protocol.title} started: ${parties} member${parties === 1 ? '' : 's'} of the parties asked privately${reached < parties ? ` (${parties - reached} cannot be messaged yet)` : ''}.`,
  );
}

/**
 * Asks each member of the parties' organisations who was in the partnership
 * when the review started and has not been asked yet. Starting a review calls
 * it, and so does every tick while it is open: a request that failed to queue
 * is not recorded as asked and goes out then — keyed, so nobody gets two. (A
 * request sent at a tick carries no trend pack: it was of the day the review started.)
 * `reached` counts those asked by this call.
 */
export async function inviteParties(
  deps: Deps,
  p: Partnership,
  protocol: Protocol,
  review: ProtocolReview,
  pack?: { text: string; chart?: ChartSpec },
): Promise<{ parties: number; reached: number }> {
  // The critical friend stands outside the partners, as with check-ins.
  const parties = (await deps.store.members(p.id)).filter(
    (m) => m.organisationId && protocol.partyOrgIds.includes(m.organisationId) && m.role !== 'critical-friend' && m.joinedAt <= review.startedAt,
  );
  const asked = new Set((await deps.store.invitations(review.id)).map((i) => i.memberId));
  const message = info(
    `${p.name} is reviewing ${refOf(protocol)} ${protocol.title}. Five quick questions about how it works in practice; your answers are anonymous.${pack ? `\n${pack.text}` : ''}`,
    {
      title: `Review: ${protocol.title}`,
      ...(pack?.chart ? { chart: pack.chart } : {}),
      buttons: [
        { actionId: OPEN_REVIEW, label: 'Give your view', value: `${protocol.id}:${review.id}`, style: 'primary', opensForm: true },
        ...(protocol.link ? [linkButton('Open document', protocol.link)] : []),
      ],
    },
  );
  let reached = 0;
  for (const m of parties) {
    if (asked.has(m.id)) continue;
    const sent = await sendPrivate(deps, m, message, { kind: 'review', partnershipId: p.id }, `review:${review.id}:${m.id}`);
    if (sent.status === 'sent') reached++;
    if (sent.status === 'failed') continue;
    await deps.store.saveInvitation({ roundId: review.id, memberId: m.id, ...(sent.status === 'sent' ? { delivery: sent.delivery } : {}) });
  }
  return { parties: parties.length, reached };
}

/** The review pack's context: how trust and commitment stood at the latest check-in, if enough answered. */
async function trendPack(deps: Deps, partnership: Partnership): Promise<{ text: string; chart?: ChartSpec }> {
  const history = await loadHistory(deps, partnership);
  const latest = history.summaries.at(-1);
  if (!latest?.visible) return { text: 'The partnership has no check-in results to show yet (too few answers, or none closed).' };
  const lines = HEADLINE.map((headline) => history.changes.find((c) => c.factor === headline.factor))
    .filter((c): c is NonNullable<typeof c> => !!c)
    .map((c) => describeChange(c));
  return {
    text: `For context, at check-in #${latest.number}: ${lines.join('; ')}.`,
    chart: chartOf('Trust and commitment (0–100)', history.summaries, HEADLINE),
  };
}

type Found = { ok: true; partnership: Partnership; protocol: Protocol; review: ProtocolReview; memberId: string } | { ok: false; reply: Message };

async function findInvitedReview(deps: Deps, caller: Caller, value: string): Promise<Found> {
  const [protocolId, reviewId] = value.split(':');
  const protocol = protocolId ? await deps.store.protocol(protocolId) : undefined;
  const review = protocol?.reviews.find((r) => r.id === reviewId);
  const member = protocol && (await deps.store.membershipsOf(caller)).find((m) => m.partnershipId === protocol.partnershipId);
  if (!protocol || !review || !member) return { ok: false, reply: failure("That review isn't one you can answer.") };
  if (review.closedAt) return { ok: false, reply: failure('This review has closed, so nothing was recorded. Thank you for wanting to take part.') };
  if (!(await deps.store.invitation(review.id, member.id)))
    return { ok: false, reply: failure('This review asks the members of the organisations party to the protocol, so it is not yours to answer.') };
  return { ok: true, partnership: (await deps.store.partnership(protocol.partnershipId))!, protocol, review, memberId: member.id };
}

export async function openReviewForm(deps: Deps, caller: Caller, value: string): Promise<Reply> {
  const found = await findInvitedReview(deps, caller, value);
  if (!found.ok) return found.reply;
  const { partnership, protocol, review, memberId } = found;
  const mine = await answersOf(deps, review.id, memberId);
  const form: Form = {
    kind: 'questionnaire',
    title: `Review ${refOf(protocol)}`,
    intro: `How is *${protocol.title}* working in practice? Your answers are anonymous; a summary is shown only if ${thresholdFor(partnership, review.threshold)} or more people answer.`,
    submitActionId: SUBMIT_REVIEW,
    submitLabel: 'Submit',
    context: value,
    reopen: { actionId: OPEN_REVIEW, value },
    fields: [
      ...REVIEW_ITEMS.map((i) => ({ kind: 'choice' as const, id: i.id, label: i.text, options: SCALE_OPTIONS, ...earlierChoice(mine, i.id) })),
      {
        kind: 'choice',
        id: RECOMMENDATION,
        label: 'Should it be kept as it is, revised or retired?',
        options: RECOMMENDATION_OPTIONS,
        ...(mine?.choices?.[RECOMMENDATION] ? { initial: mine.choices[RECOMMENDATION] } : {}),
      },
      {
        kind: 'text',
        id: COMMENT_FIELD,
        label: 'Anything the review should know? (optional)',
        multiline: true,
        maxLength: MAX_COMMENT_LENGTH,
        optional: true,
        ...(mine?.comment ? { initial: mine.comment } : {}),
      },
    ],
  };
  return { form };
}

export async function submitReview(deps: Deps, caller: Caller, value: string, values: Record<string, string>): Promise<Message> {
  const found = await findInvitedReview(deps, caller, value);
  if (!found.ok) return found.reply;
  const { partnership, protocol, review, memberId } = found;
  const errors: Record<string, string> = {};
  const known = new Set<string>([...REVIEW_ITEMS.map((i) => i.id), RECOMMENDATION, COMMENT_FIELD]);
  if (Object.keys(values).some((k) => !known.has(k))) return failure('That form had answers this review does not ask; nothing was recorded.');
  const scored = readScale(
    REVIEW_ITEMS.map((i) => i.id),
    values,
    errors,
  );
  const recommendation = values[RECOMMENDATION];
  if (!RECOMMENDATION_OPTIONS.some((option) => option.value === recommendation)) errors[RECOMMENDATION] = 'Choose keep, revise, retire or not sure.';
  const comment = readComment(values, errors);
  if (Object.keys(errors).length) return fieldErrors('Some answers need another look; nothing was recorded yet.', errors);
  const member = (await deps.store.members(partnership.id)).find((m) => m.id === memberId)!;
  const org = (await deps.store.organisations(partnership.id)).find((o) => o.id === member.organisationId);
  await saveAnswers(deps, review.id, memberId, org, { values: scored, choices: { [RECOMMENDATION]: recommendation! }, comment });
  const inv = (await deps.store.invitation(review.id, memberId))!;
  const { delivery } = inv;
  // After the reply, as a check-in's thanks: tracked, so `settled` (and a clean stop) waits for it.
  if (delivery)
    deps.later(() =>
      updateSent(
        deps,
        delivery,
        success('Answered. You can change your view until the review closes.', {
          title: `Review: ${protocol.title}`,
          buttons: [{ actionId: OPEN_REVIEW, label: 'See or change my answers', value, opensForm: true }],
        }),
        { kind: 'review thanks', partnershipId: partnership.id },
      ),
    );
  return success('Thanks — your view is in. You can change it until the review closes.');
}

export async function reviewStatus(deps: Deps, protocol: Protocol): Promise<Message> {
  const review = openReviewOf(protocol) ?? protocol.reviews.at(-1);
  if (!review) return info(`${refOf(protocol)} has not been reviewed yet. Start one with \`review start ${refOf(protocol)}\`.`);
  const inv = await deps.store.invitations(review.id);
  const { answered } = await splitByAnswered(deps, review.id, inv);
  const tz = (await deps.store.partnership(protocol.partnershipId))?.timezone ?? 'UTC';
  return info(
    `Review of ${refOf(protocol)} ${review.closedAt ? `closed (${review.outcome})` : `open since ${formatDate(localDay(review.startedAt, tz))}`}: ${answered.length} of ${inv.length} answered.`,
  );
}

export async function closeReview(deps: Deps, ctx: Context, protocol: Protocol, outcome: 'kept' | 'revised' | 'retired', next?: string): Promise<Message> {
  const refused = await mayChange(deps, ctx, protocol, 'close reviews');
  if (refused) return refused;
  const review = openReviewOf(protocol);
  if (!review) return failure(`${refOf(protocol)} has no open review. Start one with \`review start ${refOf(protocol)}\`.`);
  const partnership = ctx.partnership;
  const today = localToday(partnership.timezone, deps.clock.now());
  if (next && next <= today) return failure(`The next review date must be after today (${formatDate(today)}).`);
  if (outcome !== 'retired' && !next && !protocol.cycleMonths)
    return failure(
      `${refOf(protocol)} has no review cycle: give the next review date, e.g. \`review close ${refOf(protocol)} ${outcome} ${addMonths(today, 12)}\`.`,
    );
  const nextReview = outcome === 'retired' ? protocol.nextReview : (next ?? addMonths(today, protocol.cycleMonths!));
  const summary = await reviewSummary(deps, partnership, review);
  const now = deps.clock.now().toISOString();
  await deps.store.saveProtocol({
    ...protocol,
    status: outcome === 'retired' ? 'retired' : 'active',
    nextReview,
    remindersFrom: now,
    reviews: protocol.reviews.map((r) => (r.id === review.id ? { ...r, closedAt: now, outcome } : r)),
  });
  // Unanswered review checks stop inviting answers that would be refused.
  const { waiting } = await splitByAnswered(deps, review.id, await deps.store.invitations(review.id));
  for (const { delivery } of waiting) {
    if (delivery)
      deps.later(() =>
        updateSent(deps, delivery, info('This review has closed.', { title: `Review: ${protocol.title}` }), {
          kind: 'review closed',
          partnershipId: partnership.id,
        }),
      );
  }
  return success(`Review of ${refOf(protocol)} closed: ${outcome}. ${summary.text}${outcome === 'retired' ? '' : ` Next review ${formatDate(nextReview)}.`}`, {
    ...(summary.comments.length ? { items: summary.comments.map(quoted) } : {}),
  });
}
