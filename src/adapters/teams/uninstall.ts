// Teams has no tenant-wide uninstall event: a person removing the app from
// their personal chat (installationUpdate remove) is what says Trellis can no
// longer reach them. The core records it, and erases their memberships in that
// tenant once the grace period has passed (core/uninstall-grace.ts) — unless the
// app is added back, or they write to Trellis again, before then.
import type { Activity } from 'botbuilder';
import type { Trellis } from '../../core/trellis.js';
import { isRemoval } from './conversation-reference.js';
import { isPersonal, tenantOf } from './to-request.js';

export async function noteInstallation(trellis: Trellis, a: Activity): Promise<void> {
  const tenant = tenantOf(a);
  if (!tenant || !a.from?.id) return;
  if (!isRemoval(a)) return trellis.workspaceRestored('teams', tenant, a.from.id);
  // Removed from a team or a group chat, the person is still reached in their own chat.
  if (isPersonal(a)) await trellis.workspaceRemoved('teams', tenant, a.from.id);
}
