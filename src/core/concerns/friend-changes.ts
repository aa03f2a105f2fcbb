// A change of critical friend never happens silently and never opens a
// concern: it is announced in the partnership's home conversation(s) and to
// the critical friend(s) already in place; a friend who leaves is taken off
// every concern, and the reporters of those still open are asked, privately,
// whether to hand the conversation to the critical friend now in place or close it.
import { info } from '../message.js';
import type { Deps } from '../deps.js';
import type { Member, Partnership } from '../model.js';
import { loadConcerns, saveConcern } from './concern-seal.js';
import { friendsOf, notifyReporter } from './concerns.js';
import { postToHomes, sendToEach } from '../send.js';

/**
 * After `member` was saved with their new role. `before`: the critical friends
 * in place until now (the one leaving among them); `by`: the coordinator who made the change.
 */
export async function criticalFriendChanged(deps: Deps, p: Partnership, member: Member, appointed: boolean, before: Member[], by: string): Promise<void> {
  const text = appointed
    ? `${member.displayName} is now a critical friend of ${p.name} (named by ${by}). A critical friend reads only the concerns raised while they hold the role, and an earlier one only when the person who raised it hands it over.`
    : `${member.displayName} is no longer a critical friend of ${p.name} (changed by ${by}), and reads no concern from now on. Anyone whose conversation was with them is asked privately whether to hand it to the critical friend now in place or close it.`;
  const announcement = info(text, { title: `${p.name}: critical friend`, audience: 'conversation' });
  await postToHomes(deps, p, announcement, 'critical friend change');
  await sendToEach(deps, before, info(text, { title: `${p.name}: critical friend` }), { kind: 'critical friend change', partnershipId: p.id });

  const now = await friendsOf(deps, p.id);
  for (const c of await loadConcerns(deps, p.id)) {
    if (!appointed && c.friendIds.includes(member.id)) {
      const friendIds = c.friendIds.filter((id) => id !== member.id);
      // Still read by another friend it was raised to: the conversation goes on with them.
      const orphaned = friendIds.length === 0 && c.status !== 'closed';
      await saveConcern(deps, { ...c, friendIds, ...(orphaned ? { handover: 'asked' as const } : {}) });
      if (orphaned)
        await notifyReporter(
          deps,
          c,
          `The critical friend who had your concern ${c.pseudonym} has left the role; nobody reads it now. Choose whether to hand the conversation to ${now.length ? 'the critical friend now in place' : 'the next critical friend'} or close it.`,
        );
    } else if (appointed && c.handover === 'asked' && c.status !== 'closed') {
      await notifyReporter(
        deps,
        c,
        `A new critical friend is in place. Your concern ${c.pseudonym} waits for your choice: hand the conversation to them, or close it.`,
      );
    }
  }
}
