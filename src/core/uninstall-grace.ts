// An uninstall's grace period (issue 18): a Slack workspace that removed
// Trellis, or a person who removed it from their Teams chat, is recorded; added
// back within the grace period, nothing is lost; past it, the members reached
// only through it are erased (commands/uninstall-erasure.ts).
import type { Deps } from './deps.js';
import type { Member, Platform } from './model.js';
import { sameRemoval, type RemovalKey } from './ports/removals.js';

const keyOf = (platform: Platform, workspace: string, userId?: string): RemovalKey => ({ platform, workspace, ...(userId ? { userId } : {}) });

/** Reached only through what was removed: in that workspace and, for one person's chat, that person. */
export const reachedThrough = (r: RemovalKey) => (m: Member) =>
  m.platform === r.platform && m.workspace === r.workspace && (!r.userId || m.userId === r.userId);

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
