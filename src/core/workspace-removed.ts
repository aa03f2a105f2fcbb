// An organisation's workspace removed Trellis (Slack's app_uninstalled): its
// members cannot be messaged there any more. Each partnership with members in
// it tells its coordinators privately — never which workspace or organisation,
// nor who — so they know why some check-ins will not arrive, and that those
// members' data goes after the grace period unless Trellis is added back. The
// removal is recorded for that (uninstall-grace.ts); one person removing
// Trellis from their own Teams chat (`userId`) is recorded, and nobody is told.
import type { Deps } from './deps.js';
import { info } from './message.js';
import type { Platform } from './model.js';
import { sendToEach } from './send.js';
import { recordRemoval } from './uninstall-grace.js';

const PLATFORM_NAMES: Record<Platform, string> = { slack: 'Slack workspace', teams: 'Teams tenant', email: 'email', playground: 'playground' };

export async function workspaceRemoved(deps: Deps, platform: Platform, workspace: string, userId?: string): Promise<void> {
  if (userId) {
    // Nobody's id is kept for a person Trellis holds nothing else about.
    if ((await deps.store.membershipsOf({ platform, workspace, userId })).length > 0) await recordRemoval(deps, platform, workspace, userId);
    return;
  }
  await recordRemoval(deps, platform, workspace);
  for (const p of await deps.store.partnerships()) {
    const members = await deps.store.members(p.id);
    const inIt = (m: (typeof members)[number]) => m.platform === platform && m.workspace === workspace;
    if (!members.some(inIt)) continue;
    // Coordinators in that workspace cannot be reached there any more either.
    const coordinators = members.filter((m) => m.role === 'coordinator' && !inIt(m));
    const notice = info(
      `An organisation's ${PLATFORM_NAMES[platform]} removed Trellis, so its members in ${p.name} can't be reached there until it is added again. ` +
        'Check-ins, reminders and digests will not reach them meanwhile; `survey status` counts them as unreachable. ' +
        `Unless Trellis is added back within ${deps.uninstallGraceDays} days, their personal data is then erased from ${p.name}, as if they had left; their past answers stay in its figures.`,
      { title: `Trellis: ${p.name}` },
    );
    await sendToEach(deps, coordinators, notice, { kind: 'workspace removed', partnershipId: p.id });
  }
}
