// partnership close: a coordinator ends the partnership, after asking. What is
// open closes normally (a check-in's results go out as usual), the schedule and
// reminders stop, a closing digest and a closing check-in go out, and from then
// on only reading is allowed. Its retention's `closedMonths` later the personal data goes
// (closed-erasure.ts); the figures stay.
import type { Deps } from '../deps.js';
import { info, partnershipButton, success, type Message } from '../message.js';
import { retentionOf, type Partnership, type Protocol } from '../model.js';
import { requireCoordinator, type Context } from '../context.js';
import { closeRound, openRound, openRoundOf } from '../survey/rounds.js';
import { openReviewOf } from '../protocols/reviews.js';
import { splitByAnswered } from '../answering.js';
import { loadConcerns, saveConcern } from '../concerns/concern-seal.js';
import { notifyFriends, notifyReporter } from '../concerns/concerns.js';
import { postToHomes, sendPrivate, updateSent } from '../send.js';
import { signLink, LINK_HOURS } from '../trends/links.js';
import { formatDate } from '../time.js';
import { closingDigest } from './closing-digest.js';
import { erasureDay } from './closed.js';

/** What a closed partnership still answers: reading, and people's rights over their own data. Everything else is refused. */
export const OPEN_WHEN_CLOSED: ReadonlySet<string> = new Set([
  'status',
  'members',
  'org list',
  'trends',
  'trends by sector',
  'dashboard',
  'dashboard revoke',
  'export',
  'protocol list',
  'protocol show',
  'review status',
  'survey status',
  'concerns',
  'leave',
  'member remove',
]);

export async function closePartnership(deps: Deps, ctx: Context, confirmed: boolean): Promise<Message> {
  const refused = await requireCoordinator(deps.store, ctx, 'close the partnership');
  if (refused) return refused;
  const p = ctx.partnership;
  if (!confirmed)
    return info(
      `Close ${p.name}? Any open check-in or review closes now (results go out as usual), no more check-ins or reminders go out, and nothing more can be changed. ` +
        `A closing digest goes to the home channels and a short closing check-in to every member. The figures stay readable for ${retentionOf(p).closedMonths} months; then everything but the figures is erased. This cannot be undone.`,
      {
        title: `Close ${p.name}?`,
        buttons: [
          partnershipButton('Close the partnership', p.id, 'partnership close confirm', { style: 'danger' }),
          partnershipButton('Keep it going', p.id, 'status'),
        ],
      },
    );
  const open = await openRoundOf(deps, p.id);
  if (open) await closeRound(deps, p, open);
  for (const protocol of await deps.store.protocols(p.id)) await endReview(deps, p, protocol);
  await closeConcerns(deps, p);
  const closed = { ...((await deps.store.partnership(p.id)) ?? p), closedAt: deps.clock.now().toISOString() };
  await deps.store.savePartnership(closed);
  const digest = await closingDigest(deps, closed);
  await postToHomes(deps, closed, digest, 'partnership closed');
  // Coordinators privately, with the export offered: homes get no links.
  for (const c of (await deps.store.members(p.id)).filter((m) => m.role === 'coordinator')) {
    const token = signLink(deps.secret, { partnershipId: p.id, memberId: c.id, generation: closed.linkGeneration ?? 0 }, 'export', deps.clock.now());
    await sendPrivate(
      deps,
      c,
      {
        ...digest,
        audience: 'caller',
        text: `${digest.text}\nYour private link to a CSV of the figures (works for ${LINK_HOURS} hours; \`export\` gives a new one until the figures alone remain): ${deps.publicUrl()}/export/${token}`,
      },
      { kind: 'partnership closed', partnershipId: p.id },
    );
  }
  await openRound(deps, closed, 'closing');
  return success(
    `${p.name} is closed. The closing digest has gone to its home channels and to each coordinator, and every member has a short closing check-in. Its figures stay readable until ${formatDate(erasureDay(closed))}, when everything but the figures is erased.`,
  );
}

/** An open review ends with the partnership, without an outcome: nobody decided one. Its figures are in the closing digest. */
async function endReview(deps: Deps, p: Partnership, protocol: Protocol): Promise<void> {
  const review = openReviewOf(protocol);
  if (!review) return;
  const now = deps.clock.now().toISOString();
  await deps.store.saveProtocol({
    ...protocol,
    status: protocol.status === 'under-review' ? 'active' : protocol.status,
    reviews: protocol.reviews.map((r) => (r.id === review.id ? { ...r, closedAt: now } : r)),
  });
  const { waiting } = await splitByAnswered(deps, review.id, await deps.store.invitations(review.id));
  for (const { delivery } of waiting)
    if (delivery)
      await updateSent(deps, delivery, info('This review has closed: the partnership has closed.', { title: `Review: ${protocol.title}` }), {
        kind: 'review closed',
        partnershipId: p.id,
      });
}

/** Every concern conversation still going ends; its critical friend and its reporter (through the relay) are told, content-free. */
async function closeConcerns(deps: Deps, p: Partnership): Promise<void> {
  for (const c of await loadConcerns(deps, p.id)) {
    if (c.status === 'closed') continue;
    const delivered = c.status !== 'pending';
    const { deliverAt: _never, ...rest } = c;
    const closed = { ...rest, status: 'closed' as const };
    await saveConcern(deps, closed);
    const text = `The conversation ${c.pseudonym} is closed: ${p.name} has closed.`;
    if (delivered) await notifyFriends(deps, closed, text);
    await notifyReporter(deps, closed, text);
  }
}
