// An uninstall's grace period (issue 18): a Slack workspace that removed
// Trellis, or a person who removed it from their Teams chat, is recorded; added
// back within the grace period, nothing is lost; past it, the members reached
// only through it are erased exactly as `leave` erases someone, and each
// partnership's remaining coordinators are told how many, never who or from where.
import { eraseMember } from './commands/leave.js';
import type { Deps } from './deps.js';
import { info } from './message.js';
import type { Member, Platform } from './model.js';
import { sameRemoval, type RemovalKey } from './ports/removals.js';
import { sendToEach } from './send.js';

const DAY_MS = 86_400_000;

const keyOf = (platform: Platform, workspace: string, userId?: string): RemovalKey => ({ platform, workspace, ...(userId ? { userId } : {}) });

/** Reached only through what was removed: in that workspace and, for one person's chat, that person. */
const reachedThrough = (r: RemovalKey) => (m: Member) => m.platform === r.platform && m.workspace === r.workspace && (!r.userId || m.userId === r.userId);

/** Records a removal; one already recorded keeps its date (Slack sends two events per uninstall), so the grace period is never lengthened. */
export async function recordRemoval(deps: Deps, platform: Platform, workspace: string, userId?: string): Promise<void> {
  const key = keyOf(platform, workspace, userId);
  if ((await deps.store.removals()).some((r) => sameRemoval(r, key))) return;
  await deps.store.saveRemoval({ ...key, removedAt: deps.clock.now().toISOString() });
}

/** Trellis added back (or used again) within the grace period: the removal is forgotten and nothing is erased. */
export async function forgetRemoval(deps: Deps, platform: Platform, workspace: string, userId?: string): Promise<boolean> {
  return deps.store.deleteRemoval(keyOf(platform, workspace, userId));
}

/** True when something is recorded that `forgetRemoval` would forget: adapters ask on every request, so it takes no lock. */
export async function isRemoved(deps: Deps, platform: Platform, workspace: string, userId?: string): Promise<boolean> {
  const key = keyOf(platform, workspace, userId);
  return (await deps.store.removals()).some((r) => sameRemoval(r, key));
}

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
