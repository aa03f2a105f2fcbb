// leave and member remove: a person's data erased from the live store, after
// asking. Their answers stay in the figures: filed under a keyed hash, they were
// never linked to the member row, and are left untouched so that no stored
// difference shows which sets were theirs.
import { failure, info, partnershipButton, success, type Message } from '../message.js';
import type { Member, Partnership } from '../model.js';
import type { Deps } from '../deps.js';
import { requireCoordinator, requireMember, type Context } from '../context.js';
import { loadConcerns, saveConcern } from '../concerns/concern-seal.js';
import { friendsOf, notifyFriends } from '../concerns/concerns.js';
import { criticalFriendChanged } from '../concerns/friend-changes.js';
import { openRelay } from '../concerns/relay.js';
import { sendPrivate } from '../send.js';
import { findMember } from './members.js';

/** What a concern's relay becomes once its reporter is erased: opens to nobody (a relay is never empty). */
export const ERASED_RELAY = 'erased';

const WHAT_GOES =
  'Your name, your account ids and any email address are erased, and any private concern conversation you have open is closed and its link to you erased. Your past answers stay in the partnership’s figures, linked to no one, as they always were.';

async function onlyCoordinator(deps: Deps, p: Partnership, m: Member): Promise<boolean> {
  return m.role === 'coordinator' && (await deps.store.members(p.id)).filter((x) => x.role === 'coordinator').length === 1;
}

export async function leave(deps: Deps, ctx: Context, confirmed: boolean): Promise<Message> {
  const refused = requireMember(ctx);
  if (refused) return refused;
  const me = ctx.me!;
  const p = ctx.partnership;
  if (await onlyCoordinator(deps, p, me))
    return failure(`You are the only coordinator of ${p.name}. Make someone else coordinator first (\`role <member> coordinator\`), then leave.`);
  if (!confirmed)
    return info(`Leave ${p.name}? ${WHAT_GOES} This cannot be undone; you can join again later with the invite code.`, {
      title: `Leave ${p.name}?`,
      buttons: [partnershipButton('Leave', p.id, 'leave confirm', { style: 'danger' }), partnershipButton('Stay', p.id, 'status')],
    });
  await eraseMember(deps, p, me, me.displayName);
  return success(
    `You have left ${p.name}. Your name, account ids and any email address are erased from it, and your concern conversations there are closed. Your past answers stay in its figures, linked to no one.`,
  );
}

export async function removeMember(deps: Deps, ctx: Context, who: string, confirmed: boolean): Promise<Message> {
  const refused = await requireCoordinator(deps.store, ctx, 'remove members');
  if (refused) return refused;
  const p = ctx.partnership;
  const found = findMember(await deps.store.members(p.id), who, ctx.me);
  if (!found.ok) return found.reply;
  const { member } = found;
  if (member.id === ctx.me!.id) return leave(deps, ctx, confirmed);
  if (await onlyCoordinator(deps, p, member))
    return failure(`${member.displayName} is the only coordinator. Make someone else coordinator first: a partnership always needs one.`);
  if (!confirmed)
    return info(
      `Remove ${member.displayName} from ${p.name}? Their name, account ids and any email address are erased, and any private concern conversation they have open is closed and its link to them erased. Their past answers stay in the figures, linked to no one. They are told privately. This cannot be undone.`,
      {
        title: `Remove ${member.displayName}?`,
        buttons: [
          // By mention: the button names this one person whatever their display name says.
          partnershipButton('Remove', p.id, `member remove <@${member.userId}> confirm`, { style: 'danger' }),
          partnershipButton('Keep', p.id, 'members'),
        ],
      },
    );
  // Told first, while the way to reach them is still kept; the note says nothing of who removed them or why.
  await sendPrivate(
    deps,
    member,
    info(
      `You have been removed from ${p.name} by a coordinator. Your name and account ids are erased from it; your past answers stay in its figures, linked to no one.`,
      {
        title: p.name,
      },
    ),
    { kind: 'member removed', partnershipId: p.id },
  );
  await eraseMember(deps, p, member, ctx.me!.displayName);
  return success(`${member.displayName} is removed from ${p.name} and their personal data erased; they have been told privately.`);
}

/** Closes the member's concern conversations and erases their relays, then erases the member (Repository.eraseMember); `by`: who asked. */
async function eraseMember(deps: Deps, p: Partnership, member: Member, by: string): Promise<void> {
  const friends = await friendsOf(deps, p.id);
  for (const c of await loadConcerns(deps, p.id)) {
    if (openRelay(deps.secret, c.relay)?.memberId !== member.id) continue;
    const wasLive = c.status !== 'closed' && c.status !== 'pending';
    const closed = { ...c, status: 'closed' as const, relay: ERASED_RELAY };
    await saveConcern(deps, closed);
    // Content-free, and naming no one: only that the conversation has ended.
    if (wasLive) await notifyFriends(deps, closed, `The conversation ${c.pseudonym} is closed: the person who raised it has left ${p.name}.`);
  }
  // Their set-up checklist records where it landed: their chat, by user id.
  const current = await deps.store.partnership(p.id);
  if (current?.setupChecklist?.memberId === member.id) {
    const { setupChecklist: _theirs, ...rest } = current;
    await deps.store.savePartnership(rest);
  }
  await deps.store.eraseMember(member.id);
  // A critical friend going is a change of critical friend like any other: announced, and their concerns' reporters asked.
  if (member.role === 'critical-friend')
    await criticalFriendChanged(
      deps,
      p,
      member,
      false,
      friends.filter((f) => f.id !== member.id),
      by,
    );
}
