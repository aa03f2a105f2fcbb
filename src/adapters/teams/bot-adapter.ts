// Bot Framework transport: the teams-ai adapter configured from TeamsConfig,
// and a cheap first check of the Authorization header.
import { TeamsAdapter } from '@microsoft/teams-ai';
import type { TeamsConfig } from '../../config.js';

/**
 * Authenticated: every request must carry a Bot Framework JWT, verified by
 * botbuilder (SingleTenant when a tenant id is configured, else MultiTenant).
 * Unauthenticated (TEAMS_ALLOW_UNAUTHENTICATED=true, local testing only): no
 * app id, so botbuilder accepts any request and replies without a token.
 */
export function createBotAdapter(config: TeamsConfig): TeamsAdapter {
  if (!config.authenticated) return new TeamsAdapter({});
  if (!config.appId || !config.appPassword) throw new Error('Teams authentication needs MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD.');
  return new TeamsAdapter({
    MicrosoftAppId: config.appId,
    MicrosoftAppPassword: config.appPassword,
    MicrosoftAppType: config.tenantId ? 'SingleTenant' : 'MultiTenant',
    ...(config.tenantId ? { MicrosoftAppTenantId: config.tenantId } : {}),
  });
}

// Three base64url segments. Anything else cannot be a Bot Framework token.
const BEARER_JWT = /^Bearer [A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Refuses a request whose Authorization header cannot be a Bot Framework
 * token before anything is parsed or fetched; botbuilder verifies the rest.
 */
export const mayBeBotToken = (header: string | undefined): boolean => !!header && header.length < 8192 && BEARER_JWT.test(header);
