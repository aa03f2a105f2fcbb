// Reviews: every member of the parties' organisations gets a short private
// review check; answers are kept like check-in answers (unlinkable); the
// close records a summary shown only when enough people answered.
import { failure, info, success, type ChartSpec, type Form, type Message, type Reply } from '../message.js';
import type { Deps } from '../deps.js';
import { SCALE, type Partnership, type Protocol, type ProtocolReview, type ScaleValue } from '../model.js';
import { thresholdFor } from '../promised-threshold.js';
import type { Caller } from '../request.js';
import { SCALE_OPTIONS } from '../survey/answers.js';
import { answerKey, splitByAnswered } from '../survey/answered.js';
import { sealedGroup } from '../survey/answer-group.js';
import { addMonths, formatDate, localToday } from '../time.js';
import { mayChange, refOf } from './register.js';
import { RECOMMENDATION, RECOMMENDATION_OPTIONS, REVIEW_ITEMS } from './review-items.js';
import { reviewSummary } from './review-summary.js';
import type { Context } from '../context.js';
import { chartOf, HEADLINE, loadHistory } from '../trends/history.js';
import { describeChange } from '../trends/digest.js';

export const OPEN_REVIEW = 'review-open';
export const SUBMIT_REVIEW = 'review-submit';
const COMMENT = 'comment';

const openReviewOf = (x: Protocol) => x.reviews.find((r) => !r.closedAt);

export async function startReview(deps: Deps, ctx: Context, x: Protocol, withTrends = false): Promise<Message> {
  const refused = await mayChange(deps, ctx, x, 'start reviews');
  if (refused) return refused;
  if (x.status === 'retired') return failure(`${refOf(x)} is retired; there is nothing to review.`);
  if (openReviewOf(x)) return failure(`${refOf(x)} is already under review. See \`review status ${refOf(x)}\`.`);
  const review = { id: deps.newId(), startedAt: deps.clock.now().toISOString(), threshold: ctx.partnership.threshold };
  await deps.store.saveProtocol({ ...x, status: 'under-review', reviews: [...x.reviews, review] });
  // The critical friend stands outside the partners, as with check-ins.
  const parties = (await deps.store.members(ctx.partnership.id)).filter((m) => m.organisationId && x.partyOrgIds.includes(m.organisationId) && m.role !== 'critical-friend');
  let reached = 0;
  const pack = withTrends ? await trendPack(deps, ctx.partnership) : undefined;
  const message = info(`${ctx.partnership.name} is reviewing ${refOf(x)} ${x.title}. Five quick questions about how it works in practice; your answers are anonymous.${pack ? `\n${pack.text}` : ''}`, {
    title: `Review: ${x.title}`,
    ...(pack?.chart ? { chart: pack.chart } : {}),
    buttons: [{ actionId: OPEN_REVIEW, label: 'Give your view', value: `${x.id}:${review.id}`, style: 'primary', opensForm: true }, ...(x.link ? [{ actionId: 'open-link', label: 'Open document', value: x.link, url: x.link }] : [])],
  });
  for (const m of parties) {
    const delivery = await deps.messenger.sendPrivate(m, message).catch(() => undefined);
    if (delivery) reached++;
    await deps.store.saveInvitation({ roundId: review.id, memberId: m.id, ...(delivery ? { delivery } : {}) });
  }
  return success(`Review of ${refOf(x)} ${x.title} started: ${parties.length} member${parties.length === 1 ? '' : 's'} of the parties asked privately${reached < parties.length ? ` (${parties.length - reached} cannot be messaged yet)` : ''}.`);
}

/** The review pack's context: how trust and commitment stood at the latest check-in, if enough answered. */
async function trendPack(deps: Deps, p: Partnership): Promise<{ text: string; chart?: ChartSpec }> {
  const h = await loadHistory(deps, p);
  const latest = h.summaries.at(-1);
  if (!latest?.visible) return { text: 'The partnership has no check-in results to show yet (too few answers, or none closed).' };
  const lines = HEADLINE.map((f) => h.changes.find((c) => c.factor === f.factor)).filter((c): c is NonNullable<typeof c> => !!c).map((c) => describeChange(c));
  return { text: `For context, at check-in #${latest.number}: ${lines.join('; ')}.`, chart: chartOf('Trust and commitment (0–100)', h.summaries, HEADLINE) };
}

type Found = { ok: true; p: Partnership; x: Protocol; review: ProtocolReview; reviewId: string; memberId: string } | { ok: false; reply: Message };

async function findInvitedReview(deps: Deps, caller: Caller, value: string): Promise<Found> {
  const [protocolId, reviewId] = value.split(':');
  const x = protocolId ? await deps.store.protocol(protocolId) : undefined;
  const review = x?.reviews.find((r) => r.id === reviewId);
  const member = x && (await deps.store.membershipsOf(caller.platform, caller.userId)).find((m) => m.partnershipId === x.partnershipId);
  if (!x || !review || !member) return { ok: false, reply: failure("That review isn't one you can answer.") };
  if (review.closedAt) return { ok: false, reply: failure('This review has closed, so nothing was recorded. Thank you for wanting to take part.') };
  if (!(await deps.store.invitation(review.id, member.id))) return { ok: false, reply: failure('This review asks the members of the organisations party to the protocol, so it is not yours to answer.') };
  return { ok: true, p: (await deps.store.partnership(x.partnershipId))!, x, review, reviewId: review.id, memberId: member.id };
}

export async function openReviewForm(deps: Deps, caller: Caller, value: string): Promise<Reply> {
  const f = await findInvitedReview(deps, caller, value);
  if (!f.ok) return f.reply;
  const mine = await deps.store.answerSet(f.reviewId, answerKey(deps.secret, f.memberId, f.reviewId));
  const form: Form = {
    title: `Review ${refOf(f.x)}`,
    intro: `How is *${f.x.title}* working in practice? Your answers are anonymous; a summary is shown only if ${thresholdFor(f.p, f.review.threshold)} or more people answer.`,
    submitActionId: SUBMIT_REVIEW,
    submitLabel: 'Submit',
    context: value,
    reopen: { actionId: OPEN_REVIEW, value },
    fields: [
      ...REVIEW_ITEMS.map((i) => ({ kind: 'choice' as const, id: i.id, label: i.text, options: SCALE_OPTIONS, ...(mine ? { initial: String(mine.values[i.id] ?? 'skip') } : {}) })),
      { kind: 'choice', id: RECOMMENDATION, label: 'Should it be kept as it is, revised or retired?', options: RECOMMENDATION_OPTIONS, ...(mine?.choices?.[RECOMMENDATION] ? { initial: mine.choices[RECOMMENDATION] } : {}) },
      { kind: 'text', id: COMMENT, label: 'Anything the review should know? (optional)', multiline: true, maxLength: 1000, optional: true, ...(mine?.comment ? { initial: mine.comment } : {}) },
    ],
  };
  return { form };
}

export async function submitReview(deps: Deps, caller: Caller, value: string, values: Record<string, string>): Promise<Message> {
  const f = await findInvitedReview(deps, caller, value);
  if (!f.ok) return f.reply;
  const errors: Record<string, string> = {};
  const known = new Set<string>([...REVIEW_ITEMS.map((i) => i.id), RECOMMENDATION, COMMENT]);
  if (Object.keys(values).some((k) => !known.has(k))) return failure('That form had answers this review does not ask; nothing was recorded.');
  const scored: Record<string, ScaleValue | null> = {};
  for (const { id } of REVIEW_ITEMS) {
    const v = values[id];
    if (!v) errors[id] = 'Choose an answer (or "Prefer not to say").';
    else if (v === 'skip') scored[id] = null;
    else if (/^\d$/.test(v) && (SCALE as readonly number[]).includes(Number(v))) scored[id] = Number(v) as ScaleValue;
    else errors[id] = `"${v.slice(0, 20)}" is not on the scale.`;
  }
  const rec = values[RECOMMENDATION];
  if (!RECOMMENDATION_OPTIONS.some((o) => o.value === rec)) errors[RECOMMENDATION] = 'Choose keep, revise, retire or not sure.';
  const comment = (values[COMMENT] ?? '').trim();
  if (comment.length > 1000) errors[COMMENT] = 'Please keep it under 1000 characters.';
  if (Object.keys(errors).length) return { ...failure('Some answers need another look; nothing was recorded yet.'), fieldErrors: errors };
  const member = (await deps.store.members(f.p.id)).find((m) => m.id === f.memberId)!;
  const org = (await deps.store.organisations(f.p.id)).find((o) => o.id === member.organisationId);
  await deps.store.saveAnswerSet({ roundId: f.reviewId, key: answerKey(deps.secret, f.memberId, f.reviewId), ...sealedGroup(deps.secret, org), values: scored, choices: { [RECOMMENDATION]: rec! }, ...(comment ? { comment } : {}) });
  const inv = (await deps.store.invitation(f.reviewId, f.memberId))!;
  if (inv.delivery) void deps.messenger.update(inv.delivery, success('Thanks — answered. You can change your view until the review closes.', { title: `Review: ${f.x.title}`, buttons: [{ actionId: OPEN_REVIEW, label: 'See or change my answers', value, opensForm: true }] })).catch(() => undefined);
  return success('Thanks — your view is in. You can change it until the review closes.');
}

export async function reviewStatus(deps: Deps, ctx: Context, x: Protocol): Promise<Message> {
  const review = openReviewOf(x) ?? x.reviews.at(-1);
  if (!review) return info(`${refOf(x)} has not been reviewed yet. Start one with \`review start ${refOf(x)}\`.`);
  const inv = await deps.store.invitations(review.id);
  const { answered } = await splitByAnswered(deps, review.id, inv);
  return info(`Review of ${refOf(x)} ${review.closedAt ? `closed (${review.outcome})` : `open since ${review.startedAt.slice(0, 10)}`}: ${answered.length} of ${inv.length} answered.`);
}

export async function closeReview(deps: Deps, ctx: Context, x: Protocol, outcome: 'kept' | 'revised' | 'retired', next?: string): Promise<Message> {
  const refused = await mayChange(deps, ctx, x, 'close reviews');
  if (refused) return refused;
  const review = openReviewOf(x);
  if (!review) return failure(`${refOf(x)} has no open review. Start one with \`review start ${refOf(x)}\`.`);
  const p = ctx.partnership;
  const today = localToday(p.timezone, deps.clock.now());
  if (next && next <= today) return failure(`The next review date must be after today (${today}).`);
  if (outcome !== 'retired' && !next && !x.cycleMonths) return failure(`${refOf(x)} has no review cycle: give the next review date, e.g. \`review close ${refOf(x)} ${outcome} ${addMonths(today, 12)}\`.`);
  const nextReview = outcome === 'retired' ? x.nextReview : (next ?? addMonths(today, x.cycleMonths!));
  const summary = await reviewSummary(deps, p, review);
  const now = deps.clock.now().toISOString();
  await deps.store.saveProtocol({
    ...x,
    status: outcome === 'retired' ? 'retired' : 'active',
    nextReview,
    remindersFrom: now,
    reviews: x.reviews.map((r) => (r.id === review.id ? { ...r, closedAt: now, outcome } : r)),
  });
  // Unanswered review checks stop inviting answers that would be refused.
  const { waiting } = await splitByAnswered(deps, review.id, await deps.store.invitations(review.id));
  for (const inv of waiting) {
    if (inv.delivery) void deps.messenger.update(inv.delivery, info('This review has closed.', { title: `Review: ${x.title}` })).catch(() => undefined);
  }
  return success(`Review of ${refOf(x)} closed: ${outcome}. ${summary}${outcome === 'retired' ? '' : ` Next review ${formatDate(nextReview)}.`}`);
}
