// Which installation a signed request from Slack is for, read from its body
// exactly as Bolt reads it (App.js buildSource and isBodyWithTypeEnterpriseInstall):
// the enterprise for an Enterprise Grid org-wide install, else the team.
import { installationKey } from './installation-store.js';

type Body = Record<string, unknown>;
const obj = (v: unknown): Body | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Body) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The workspace (installation key) a parsed body comes from; undefined when it names none. */
export function requestWorkspace(body: Body): string | undefined {
  // A slash command: a form whose flag is the string "true".
  if ('command' in body && !('type' in body)) {
    return installationKey({ isEnterpriseInstall: body.is_enterprise_install === 'true', enterpriseId: str(body.enterprise_id), teamId: str(body.team_id) });
  }
  if (body.type === 'event_callback') {
    const auth = Array.isArray(body.authorizations) ? obj(body.authorizations[0]) : undefined;
    if (auth)
      return installationKey({
        isEnterpriseInstall: !!auth.is_enterprise_install,
        enterpriseId: str(auth.enterprise_id),
        teamId: str(auth.team_id) ?? str(body.team_id),
      });
    return installationKey({ isEnterpriseInstall: body.is_enterprise_install === true, enterpriseId: str(body.enterprise_id), teamId: str(body.team_id) });
  }
  // Clicks and modal submissions.
  const team = obj(body.team);
  const user = obj(body.user);
  const view = obj(body.view);
  return installationKey({
    isEnterpriseInstall: body.is_enterprise_install === true,
    enterpriseId: str(obj(body.enterprise)?.id) ?? str(team?.enterprise_id),
    // A modal opened in a Slack Connect channel names the workspace that installed the app that opened it.
    teamId: str(view?.app_installed_team_id) ?? str(team?.id) ?? str(user?.team_id),
  });
}

/** Events Bolt acts on without an installation (it skips `authorize` for them): the installation may already be gone. */
export const isUninstallEvent = (body: Body): boolean => {
  const type = obj(body.event)?.type;
  return body.type === 'event_callback' && (type === 'app_uninstalled' || type === 'tokens_revoked');
};
