// When a workspace removes Trellis (app_uninstalled) or its bot token is
// revoked (tokens_revoked), its installation — and so its token — is deleted
// at once: from then on nothing is sent there (bot-tokens.ts finds no token,
// and its members count as unreachable). Coordinators are told, once, that an
// organisation's workspace removed Trellis, never which. Bolt calls these
// listeners without an installation (it skips `authorize` for both events).
import type { App, Context } from '@slack/bolt';
import type { AdapterDeps } from '../adapter.js';
import { reportError } from '../../report-error.js';
import { installationKey } from './installation-store.js';

export function registerUninstall(bolt: App, { installations, trellis, log }: AdapterDeps): void {
  const removed = async (context: Context) => {
    const workspace = installationKey(context);
    if (!workspace) return;
    // Slack sends both events on an uninstall: only the one that deleted the installation tells anyone.
    if (!(await installations.delete('slack', workspace))) return;
    log.info('slack: Trellis was removed from a workspace; its installation and bot token are deleted');
    await trellis.workspaceRemoved('slack', workspace).catch((err: unknown) => reportError(log, 'slack workspace removed', err));
  };
  bolt.event('app_uninstalled', async ({ context }) => removed(context));
  bolt.event('tokens_revoked', async ({ event, context }) => {
    // Only the bot's token matters: Trellis asks for no user tokens.
    if ((event.tokens.bot ?? []).length > 0) await removed(context);
  });
}
