// MicrosoftAppType decides where the bot's outgoing tokens come from, as
// botbuilder's ConfigurationServiceClientCredentialFactory decides it: a client
// secret at the bot's own tenant (SingleTenant) or at Bot Framework's
// (MultiTenant), or the host's managed identity, with no secret (UserAssignedMSI).
// The end-to-end runs are teams-auth.test.ts (a secret) and
// teams-managed-identity.test.ts (a managed identity).
import {
  ManagedIdentityAppCredentials,
  ManagedIdentityServiceClientCredentialsFactory,
  MsalAppCredentials,
  MsalServiceClientCredentialsFactory,
} from 'botframework-connector';
import { describe, expect, it } from 'vitest';
import { createBotAdapter, signInAuthority } from '../src/adapters/teams/bot-adapter.js';
import { createTeamsMessenger } from '../src/adapters/teams/teams-messenger.js';
import { loadConfig } from '../src/config.js';
import { info } from '../src/core/message.js';
import { DeliveryFailure } from '../src/delivery/delivery-failure.js';
import { createLogger } from '../src/log.js';
import { startFakeTeamsConnector } from './helpers/fake-teams-connector.js';

const SECRET = 'x'.repeat(32);
const APP_ID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const TENANT = '11111111-2222-4333-8444-555555555555';
const SCOPE = 'https://api.botframework.com';
const teams = (env: Record<string, string>) => loadConfig({ MICROSOFT_APP_ID: APP_ID, TRELLIS_SECRET: SECRET, ...env }).teams!;

describe('the credentials each MicrosoftAppType gets', () => {
  it('SingleTenant: the client secret, signed in at the bot’s own tenant', async () => {
    const config = teams({ MICROSOFT_APP_PASSWORD: 'pw', MICROSOFT_APP_TENANT_ID: TENANT, MicrosoftAppType: 'SingleTenant' });
    const factory = createBotAdapter(config).credentialsFactory;
    expect(factory).toBeInstanceOf(MsalServiceClientCredentialsFactory);
    expect(await factory.createCredentials(APP_ID, SCOPE, signInAuthority(config), true)).toBeInstanceOf(MsalAppCredentials);
    expect(signInAuthority(config)).toBe(`https://login.microsoftonline.com/${TENANT}`);
  });

  it('MultiTenant: the client secret, signed in at Bot Framework’s tenant', () => {
    const config = teams({ MICROSOFT_APP_PASSWORD: 'pw' });
    expect(config.appType).toBe('MultiTenant');
    expect(createBotAdapter(config).credentialsFactory).toBeInstanceOf(MsalServiceClientCredentialsFactory);
    expect(signInAuthority(config)).toBe('https://login.microsoftonline.com/botframework.com');
  });

  it('UserAssignedMSI: the managed identity with this client id, and no secret', async () => {
    const config = teams({ MICROSOFT_APP_TENANT_ID: TENANT, MicrosoftAppType: 'UserAssignedMSI' });
    const factory = createBotAdapter(config).credentialsFactory;
    expect(factory).toBeInstanceOf(ManagedIdentityServiceClientCredentialsFactory);
    expect(await factory.isValidAppId(APP_ID)).toBe(true);
    expect(await factory.isAuthenticationDisabled()).toBe(false);
    // Built without asking anyone: a token is asked for only when something is sent.
    const credentials = await factory.createCredentials(APP_ID, SCOPE, '', true);
    expect(credentials).toBeInstanceOf(ManagedIdentityAppCredentials);
    expect((credentials as ManagedIdentityAppCredentials).appId).toBe(APP_ID);
    await expect(factory.createCredentials('another-app-id', SCOPE, '', true)).rejects.toThrow('Invalid Managed ID');
  });

  it('the channel settings’ sign-in authority, when given, for either secret type', () => {
    const channel = {
      ToBotFromChannelOpenIdMetadataUrl: 'https://login.example.org/openid',
      ToBotFromChannelTokenIssuer: 'https://issuer.example.org',
      ToChannelFromBotLoginUrl: 'https://login.example.org/tenant',
      ToChannelFromBotOAuthScope: 'https://api.example.org',
    };
    expect(signInAuthority(teams({ MICROSOFT_APP_PASSWORD: 'pw', ...channel }))).toBe('https://login.example.org/tenant');
    expect(signInAuthority(teams({ MICROSOFT_APP_PASSWORD: 'pw', MICROSOFT_APP_TENANT_ID: TENANT, ...channel }))).toBe('https://login.example.org/tenant');
  });
});

describe('a send while the managed identity gives no token', () => {
  it('fails as transient (nothing reached Teams, so the outbox tries again), not as "may have been posted"', async () => {
    const connector = await startFakeTeamsConnector();
    try {
      // No IDENTITY_ENDPOINT, and no Azure Instance Metadata Service on this machine: no token.
      const adapter = createBotAdapter(teams({ MICROSOFT_APP_TENANT_ID: TENANT, MicrosoftAppType: 'UserAssignedMSI' }));
      const reference = { serviceUrl: connector.serviceUrl, conversation: { id: 'a:personal-chat', conversationType: 'personal', tenantId: TENANT } };
      const store = {
        conversation: async () => ({ platform: 'teams' as const, key: `${TENANT}/29:someone`, reference, updatedAt: new Date().toISOString() }),
        saveConversation: async () => {},
      };
      const messenger = createTeamsMessenger({ adapter, appId: APP_ID, store, log: createLogger({ level: 'error', write: () => {} }) });
      const failure = await messenger.send('private', { workspace: TENANT, id: '29:someone' }, info('hello'), 'tag').catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(DeliveryFailure);
      expect(failure).toMatchObject({ kind: 'transient', message: expect.stringContaining('no token for the bot') });
      expect(connector.requests).toBe(0);
    } finally {
      await connector.close();
    }
  });
});
