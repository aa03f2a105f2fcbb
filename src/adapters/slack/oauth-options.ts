// Bolt's own OAuth support, configured for Trellis: the ExpressReceiver serves
// GET /slack/install (the "Add to Slack" page, which sets the state cookie) and
// GET /slack/oauth_redirect (checks the state against the cookie, exchanges the
// code with oauth.v2.access, stores the installation). With SLACK_API_URL set,
// the exchange and the authorize page go there too (a local fake, in tests).
import type { ExpressReceiverOptions } from '@slack/bolt';
import type { SlackOAuthConfig } from '../../config.js';
import type { AdapterDeps } from '../adapter.js';
import { installCallbacks } from './install-pages.js';
import { slackInstallationStore } from './installation-store.js';
import { INSTALL_PATH, OAUTH_REDIRECT_PATH } from './not-installed.js';

/** The bot scopes Trellis asks for when installed: exactly the manifest's (tests/manifests.test.ts holds them equal). */
export const BOT_SCOPES = [
  'commands',
  'chat:write',
  'channels:join',
  'channels:history',
  'groups:history',
  'im:history',
  'im:write',
  'users:read',
  'files:write',
  'app_mentions:read',
] as const;

/** Slack's authorize page sits beside its Web API: https://slack.com/api/ → https://slack.com/oauth/v2/authorize. */
export const authorizeUrlFor = (apiUrl: string | undefined) => new URL('../oauth/v2/authorize', apiUrl ?? 'https://slack.com/api/').toString();

export function oauthOptions(
  oauth: SlackOAuthConfig,
  apiUrl: string | undefined,
  deps: Pick<AdapterDeps, 'installations' | 'log' | 'trellis'>,
): Partial<ExpressReceiverOptions> {
  return {
    clientId: oauth.clientId,
    clientSecret: oauth.clientSecret,
    stateSecret: oauth.stateSecret,
    scopes: [...BOT_SCOPES],
    // Added back within an uninstall's grace period: nothing of that workspace's members is erased.
    installationStore: slackInstallationStore(deps.installations, (workspace) => deps.trellis.workspaceRestored('slack', workspace)),
    installerOptions: {
      installPath: INSTALL_PATH,
      redirectUriPath: OAUTH_REDIRECT_PATH,
      // The state is checked against the cookie /slack/install set in the same browser (Bolt's default, said out loud).
      stateVerification: true,
      authorizationUrl: authorizeUrlFor(apiUrl),
      clientOptions: { ...(apiUrl ? { slackApiUrl: apiUrl } : {}), retryConfig: { retries: 1, factor: 2, minTimeout: 200, maxTimeout: 1000 } },
      callbackOptions: installCallbacks(deps.log),
    },
  };
}
