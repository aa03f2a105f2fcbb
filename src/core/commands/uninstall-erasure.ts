// Past an uninstall's grace period (uninstall-grace.ts), the members reached
// only through what was removed are erased exactly as `leave` erases someone,
// and each partnership's remaining coordinators are told how many, never who or from where.
import type { Deps } from '../deps.js';
import { info } from '../message.js';
import type { Member } from '../model.js';
import { sendToEach } from '../send.js';
import { reachedThrough } from '../uninstall-grace.js';
import { eraseMember } from './leave.js';

const DAY_MS = 86_400_000;

/**
 * Once per tick, for the whole store: each removal older than the grace period
 * erases its members, then is forgotten. Run again, it finds nothing to do; a
 * failure part-way keeps the removals, and the next tick erases the rest.
 */
export async function eraseAfterGrace(deps: Deps): Promise<void> {
  const cutoff = deps.clock.now().getTime() - deps.uninstallGraceDays * DAY_MS;
  const due = (await deps.store.removals()).filter((r) => Date.parse(r.removedAt) <= cutoff);
  if (due.length === 0) return;
  const gone = (m: Member) => due.some((r) => reachedThrough(r)(m));
  for (const p of await deps.store.partnerships()) {
    const erased = (await deps.store.members(p.id)).filter(gone);
    if (erased.length === 0) continue;
    for (const m of erased) await eraseMember(deps, p, m, 'Trellis');
    const coordinators = (await deps.store.members(p.id)).filter((m) => m.role === 'coordinator');
    // A count, never who: the coordinators already saw the member list, and see it shorter now.
    const people = erased.length === 1 ? '1 member was' : `${erased.length} members were`;
    const notice = info(
      `${people} removed from ${p.name} and their personal data erased: Trellis was removed from their organisation's workspace (or their own chat with it) more than ${deps.uninstallGraceDays} days ago and not added back. Their past answers stay in its figures, linked to no one.`,
      { title: `Trellis: ${p.name}` },
    );
    await sendToEach(deps, coordinators, notice, { kind: 'workspace removed', partnershipId: p.id });
  }
  for (const r of due) await deps.store.deleteRemoval(r);
}
