// Bot Framework transport: the teams-ai adapter configured from TeamsConfig,
// a cheap first check of the Authorization header, and the token check split
// from the turn so that Trellis, not botbuilder, answers a refused request.
import { ConfidentialClientApplication } from '@azure/msal-node';
import { TeamsAdapter } from '@microsoft/teams-ai';
import type { Activity, InvokeResponse, TurnContext } from 'botbuilder';
import { validateAndFixActivity } from 'botbuilder/lib/activityValidator.js';
import {
  AuthenticationConstants,
  AuthenticationError,
  JwtTokenProviderFactory,
  ManagedIdentityServiceClientCredentialsFactory,
  MsalServiceClientCredentialsFactory,
  type AuthenticateRequestResult,
  type ServiceClientCredentialsFactory,
} from 'botframework-connector';
import type { TeamsConfig } from '../../config.js';

/** A request botbuilder would not authenticate, and why (for the log only). */
export interface Refused {
  refused: string;
  /** The signing keys could not be fetched: nothing was judged, so the answer is a passing failure, not a refusal. */
  unavailable: boolean;
}

export class BotAdapter extends TeamsAdapter {
  /**
   * botbuilder's own check of the token (signature against the OpenID keys,
   * issuer, audience, expiry, endorsements, the serviceUrl claim against the
   * activity's). Its process() would answer a failure itself, with its
   * internal error text in the body; here the caller answers.
   */
  async authenticate(
    body: Record<string, unknown>,
    authorization: string,
  ): Promise<{ activity: Activity; authenticated: AuthenticateRequestResult } | Refused> {
    const activity = validateAndFixActivity(body as unknown as Activity);
    try {
      return { activity, authenticated: await this.botFrameworkAuthentication.authenticateRequest(activity, authorization) };
    } catch (err) {
      return { refused: err instanceof Error ? err.message : String(err), unavailable: keysUnavailable(err) };
    }
  }

  /** Runs the turn for an authenticated activity; the invoke response, if it made one. */
  run(activity: Activity, authenticated: AuthenticateRequestResult, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(authenticated, activity, logic);
  }
}

/** botbuilder marks a failed fetch of the OpenID document or its keys 500; node-fetch's own failures are FetchError. */
const keysUnavailable = (err: unknown) => (err instanceof AuthenticationError && err.statusCode === 500) || (err instanceof Error && err.name === 'FetchError');

/**
 * Authenticated: every request must carry a Bot Framework JWT, verified by
 * botbuilder against Microsoft's public cloud, or the channel settings given.
 * Unauthenticated (TEAMS_ALLOW_UNAUTHENTICATED=true, local testing only): no
 * app id, so botbuilder accepts any request and replies without a token.
 */
export function createBotAdapter(config: TeamsConfig): BotAdapter {
  if (!config.authenticated) return new BotAdapter({});
  const { appId, tenantId, appType = tenantId ? 'SingleTenant' : 'MultiTenant', channel, validateAuthority = true } = config;
  if (!appId) throw new Error('Teams authentication needs MICROSOFT_APP_ID.');
  return new BotAdapter(
    {
      MicrosoftAppId: appId,
      MicrosoftAppType: appType,
      ...(tenantId ? { MicrosoftAppTenantId: tenantId } : {}),
      ...(channel
        ? {
            ToBotFromChannelOpenIdMetadataUrl: channel.openIdMetadataUrl,
            ToBotFromChannelTokenIssuer: channel.tokenIssuer,
            ToChannelFromBotLoginUrl: channel.loginUrl,
            ToChannelFromBotOAuthScope: channel.oAuthScope,
            ValidateAuthority: validateAuthority,
          }
        : {}),
    },
    credentialsFactoryFor(config),
  );
}

/** Where the bot's outgoing tokens come from (MicrosoftAppType), as botbuilder's ConfigurationServiceClientCredentialFactory chooses. */
function credentialsFactoryFor(config: TeamsConfig): ServiceClientCredentialsFactory {
  const { appId, appPassword, appType = config.tenantId ? 'SingleTenant' : 'MultiTenant', validateAuthority = true } = config;
  if (!appId) throw new Error('Teams authentication needs MICROSOFT_APP_ID.');
  // botbuilder's own choice for UserAssignedMsi: tokens from the managed identity (IMDS, or App Service's endpoint) for this client id, no secret.
  if (appType === 'UserAssignedMSI') return new ManagedIdentityServiceClientCredentialsFactory(appId, new JwtTokenProviderFactory());
  if (!appPassword) throw new Error('Teams authentication needs MICROSOFT_APP_PASSWORD unless MicrosoftAppType=UserAssignedMSI.');
  const authority = signInAuthority(config);
  // botbuilder builds this client itself but drops ValidateAuthority, so MSAL would
  // ask login.microsoftonline.com about any other authority; knownAuthorities skips that.
  const client = new ConfidentialClientApplication({
    auth: { clientId: appId, clientSecret: appPassword, authority, ...(validateAuthority ? {} : { knownAuthorities: [authority] }) },
  });
  // The same class; TypeScript sees MSAL's ESM and CommonJS typings as two.
  return new MsalServiceClientCredentialsFactory(appId, client as unknown as ConstructorParameters<typeof MsalServiceClientCredentialsFactory>[1]);
}

/** The authority a client secret signs in at: the bot's own tenant when single-tenant, else Bot Framework's (botbuilder's defaults). */
export function signInAuthority({ tenantId, appType = tenantId ? 'SingleTenant' : 'MultiTenant', channel }: TeamsConfig): string {
  return (
    channel?.loginUrl ??
    `${AuthenticationConstants.ToChannelFromBotLoginUrlPrefix}${appType === 'SingleTenant' ? tenantId : AuthenticationConstants.DefaultChannelAuthTenant}`
  );
}

/** The audience of the bot's outgoing tokens. */
export const outgoingScope = (config: TeamsConfig): string => config.channel?.oAuthScope ?? AuthenticationConstants.ToChannelFromBotOAuthScope;

// Three base64url segments. Anything else cannot be a Bot Framework token.
const BEARER_JWT = /^Bearer [A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Refuses a request whose Authorization header cannot be a Bot Framework
 * token before anything is parsed or fetched; botbuilder verifies the rest.
 */
export const mayBeBotToken = (header: string | undefined): boolean => !!header && header.length < 8192 && BEARER_JWT.test(header);
