// Bolt's InstallationStore over Trellis's store: what Bolt's OAuth flow
// (/slack/oauth_redirect) saves, and what its `authorize` fetches for every
// request, kept sealed (sealed-installations.ts). One installation per
// workspace: the team, or the enterprise for an Enterprise Grid org-wide install.
import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import type { SealedInstallations } from '../sealed-installations.js';

/** Who an installation (or a query for one) belongs to: the enterprise for an org-wide install, else the team. */
export function installationKey(i: { isEnterpriseInstall?: boolean; enterpriseId?: string | undefined; teamId?: string | undefined }): string | undefined {
  return (i.isEnterpriseInstall ? i.enterpriseId : i.teamId) || undefined;
}

const keyOf = (i: Installation) => installationKey({ isEnterpriseInstall: i.isEnterpriseInstall, enterpriseId: i.enterprise?.id, teamId: i.team?.id });

/** `installed`: told of each installation saved (a reinstall undoes an uninstall's pending erasure). */
export function slackInstallationStore(
  installations: SealedInstallations,
  installed: (workspace: string) => Promise<void> = async () => {},
): InstallationStore {
  return {
    async storeInstallation(installation) {
      const workspace = keyOf(installation as Installation);
      if (!workspace) throw new Error('Slack sent an installation with neither a team nor an enterprise id');
      await installations.save('slack', workspace, installation);
      await installed(workspace);
    },
    async fetchInstallation(query: InstallationQuery<boolean>) {
      const workspace = installationKey(query);
      const found = workspace ? await installations.get<Installation>('slack', workspace) : undefined;
      // Bolt turns this into "not authorized" and calls no listener; the request is answered before that (not-installed.ts).
      if (!found) throw new Error('Trellis is not installed in this workspace');
      return found;
    },
    async deleteInstallation(query: InstallationQuery<boolean>) {
      const workspace = installationKey(query);
      if (workspace) await installations.delete('slack', workspace);
    },
  };
}
