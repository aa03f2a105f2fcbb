import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

const SECRET = 'x'.repeat(32);
const TEAMS = { MICROSOFT_APP_ID: 'id', MICROSOFT_APP_PASSWORD: 'pw', TRELLIS_SECRET: SECRET };
const CHANNEL = {
  ToBotFromChannelOpenIdMetadataUrl: 'http://127.0.0.1:9/.well-known/openid-configuration',
  ToBotFromChannelTokenIssuer: 'https://issuer.example.org',
  ToChannelFromBotLoginUrl: 'https://login.example.org/tenant',
  ToChannelFromBotOAuthScope: 'https://api.example.org',
};
const SLACK = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 'shh', TRELLIS_SECRET: SECRET };
const SLACK_OAUTH = {
  SLACK_CLIENT_ID: '1234.5678',
  SLACK_CLIENT_SECRET: 'client-secret',
  SLACK_STATE_SECRET: 'state-secret-0123456789',
  SLACK_SIGNING_SECRET: 'shh',
  TRELLIS_SECRET: SECRET,
};
const error = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected loadConfig to refuse');
};

describe('loadConfig', () => {
  it('defaults to the playground on port 3000 with data/trellis.json', () => {
    expect(loadConfig({})).toEqual({
      port: 3000,
      dataFile: 'data/trellis.json',
      tickCron: '* * * * *',
      logLevel: 'info',
      logFormat: 'text',
      // A local trial: concerns reach the critical friend at once.
      concernDelayMaxSeconds: 0,
      concernsPerDay: 3,
      uninstallGraceDays: 30,
      platformRetryMaxMs: 60_000,
      mail: { from: 'Trellis <trellis@localhost>', perSecond: 5 },
      playground: true,
      localOnly: true,
    });
    expect(loadConfig({ TRELLIS_PLATFORM_RETRY_MAX_SECONDS: '0.2' }).platformRetryMaxMs).toBe(200);
    expect(loadConfig({ TRELLIS_UNINSTALL_GRACE_DAYS: '7' }).uninstallGraceDays).toBe(7);
  });

  it('delays concerns up to 10 minutes beside Slack or Teams, and as set in playground mode too', () => {
    expect(loadConfig(SLACK).concernDelayMaxSeconds).toBe(600);
    expect(loadConfig({ ...SLACK, TRELLIS_CONCERN_DELAY_MAX_SECONDS: '0' }).concernDelayMaxSeconds).toBe(0);
    expect(loadConfig({ TRELLIS_CONCERN_DELAY_MAX_SECONDS: '300' }).concernDelayMaxSeconds).toBe(300);
    expect(loadConfig({ TRELLIS_CONCERN_DELAY_MAX_SECONDS: ' ' }).concernDelayMaxSeconds).toBe(0);
  });

  it('reads PostgreSQL, the tick schedule and the Slack posting pace', () => {
    const config = loadConfig({
      ...SLACK,
      DATABASE_URL: 'postgres://trellis:pw@db.example.org:5432/trellis',
      TRELLIS_TICK_CRON: '*/5 * * * *',
      TRELLIS_SLACK_POSTS_PER_SECOND: '0.5',
    });
    expect(config).toMatchObject({ databaseUrl: 'postgres://trellis:pw@db.example.org:5432/trellis', tickCron: '*/5 * * * *', secret: SECRET });
    expect(config.slack?.postsPerSecond).toBe(0.5);
    expect(loadConfig({ DATABASE_URL: 'postgresql://db/trellis', TRELLIS_SECRET: SECRET }).databaseUrl).toBe('postgresql://db/trellis');
    // Blank is unset: the lowdb file, every minute.
    expect(loadConfig({ DATABASE_URL: ' ', TRELLIS_TICK_CRON: '', TRELLIS_SLACK_POSTS_PER_SECOND: '' })).toEqual(loadConfig({}));
  });

  it('reads Slack (HTTP and Socket Mode) and normalises the API URL', () => {
    expect(loadConfig({ ...SLACK, SLACK_API_URL: 'http://127.0.0.1:9/api' }).slack).toEqual({
      botToken: 'xoxb-1-2-abc',
      signingSecret: 'shh',
      apiUrl: 'http://127.0.0.1:9/api/',
      postsPerSecond: 5,
    });
    expect(loadConfig({ ...SLACK, SLACK_APP_TOKEN: 'xapp-1-A-1-x' }).slack?.appToken).toBe('xapp-1-A-1-x');
    expect(loadConfig(SLACK).playground).toBe(false);
  });

  it('reads distributed Slack (OAuth): client id, client secret and state secret instead of a bot token', () => {
    expect(loadConfig({ ...SLACK_OAUTH, SLACK_API_URL: 'http://127.0.0.1:9/api' }).slack).toEqual({
      oauth: { clientId: '1234.5678', clientSecret: 'client-secret', stateSecret: 'state-secret-0123456789' },
      signingSecret: 'shh',
      apiUrl: 'http://127.0.0.1:9/api/',
      postsPerSecond: 5,
    });
    expect(loadConfig(SLACK_OAUTH).playground).toBe(false);
  });

  it('reads Teams, authenticated unless explicitly told otherwise', () => {
    expect(loadConfig({ MICROSOFT_APP_ID: 'id', MICROSOFT_APP_PASSWORD: 'pw', MICROSOFT_APP_TENANT_ID: 't', TRELLIS_SECRET: SECRET }).teams).toEqual({
      appId: 'id',
      appPassword: 'pw',
      tenantId: 't',
      authenticated: true,
      appType: 'SingleTenant',
      validateAuthority: true,
    });
    expect(loadConfig({ TEAMS_ALLOW_UNAUTHENTICATED: 'true', TRELLIS_SECRET: SECRET }).teams).toEqual({ authenticated: false });
  });

  it("reads botbuilder's authentication settings under their own names", () => {
    const teams = loadConfig({ ...TEAMS, ...CHANNEL, MicrosoftAppType: 'multitenant', ValidateAuthority: 'false' }).teams;
    expect(teams).toEqual({
      appId: 'id',
      appPassword: 'pw',
      authenticated: true,
      appType: 'MultiTenant',
      validateAuthority: false,
      channel: {
        openIdMetadataUrl: 'http://127.0.0.1:9/.well-known/openid-configuration',
        tokenIssuer: 'https://issuer.example.org',
        loginUrl: 'https://login.example.org/tenant',
        oAuthScope: 'https://api.example.org',
      },
    });
    // Unset: MultiTenant (no tenant id), Microsoft's public cloud, the authority validated.
    expect(loadConfig(TEAMS).teams).toMatchObject({ appType: 'MultiTenant', validateAuthority: true });
    expect(loadConfig(TEAMS).teams?.channel).toBeUndefined();
  });

  it('reads a user-assigned managed identity: the client id and tenant, no password (botbuilder compares the type without regard to case)', () => {
    const env = { MICROSOFT_APP_ID: 'msi-client-id', MICROSOFT_APP_TENANT_ID: 't', MicrosoftAppType: 'UserAssignedMsi', TRELLIS_SECRET: SECRET };
    expect(loadConfig(env).teams).toEqual({ appId: 'msi-client-id', tenantId: 't', authenticated: true, appType: 'UserAssignedMSI', validateAuthority: true });
    expect(loadConfig({ ...env, ...CHANNEL }).teams?.channel?.oAuthScope).toBe('https://api.example.org');
    expect(loadConfig(env).localOnly).toBe(false);
  });

  it('keeps the playground and unauthenticated Teams local-only, and nothing else', () => {
    expect(loadConfig({}).localOnly).toBe(true);
    expect(loadConfig({ TEAMS_ALLOW_UNAUTHENTICATED: 'true', TRELLIS_SECRET: SECRET }).localOnly).toBe(true);
    expect(loadConfig({ ...SLACK, TEAMS_ALLOW_UNAUTHENTICATED: 'true' }).localOnly).toBe(true);
    expect(loadConfig(SLACK).localOnly).toBe(false);
    expect(loadConfig({ MICROSOFT_APP_ID: 'id', MICROSOFT_APP_PASSWORD: 'pw', TRELLIS_SECRET: SECRET }).localOnly).toBe(false);
  });

  it.each([
    [{ SLACK_SIGNING_SECRET: 'shh', TRELLIS_SECRET: SECRET }, 'SLACK_BOT_TOKEN is missing'],
    [{ SLACK_BOT_TOKEN: 'xoxb-1', TRELLIS_SECRET: SECRET }, 'SLACK_SIGNING_SECRET is missing'],
    [{ ...SLACK, SLACK_BOT_TOKEN: 'xoxp-user-token' }, 'SLACK_BOT_TOKEN must be a bot token starting with xoxb-'],
    [{ ...SLACK, SLACK_APP_TOKEN: 'nope' }, 'SLACK_APP_TOKEN must be an app-level token starting with xapp-'],
    [{ SLACK_API_URL: 'http://localhost/api/' }, 'SLACK_API_URL is set but Slack is not'],
    [
      { SLACK_SIGNING_SECRET: 'shh', TRELLIS_SECRET: SECRET },
      'or, to be installed in many workspaces, SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET',
    ],
    [{ ...SLACK_OAUTH, SLACK_STATE_SECRET: '' }, 'SLACK_STATE_SECRET is missing: a Slack app distributed to many workspaces needs'],
    [{ ...SLACK_OAUTH, SLACK_CLIENT_SECRET: '' }, 'SLACK_CLIENT_SECRET is missing'],
    [{ ...SLACK_OAUTH, SLACK_SIGNING_SECRET: '' }, 'SLACK_SIGNING_SECRET is missing'],
    [{ ...SLACK_OAUTH, SLACK_STATE_SECRET: 'short' }, 'SLACK_STATE_SECRET must be at least 16 bytes'],
    [{ ...SLACK_OAUTH, SLACK_BOT_TOKEN: 'xoxb-1-2-abc' }, 'SLACK_BOT_TOKEN is set as well as SLACK_CLIENT_ID'],
    [{ ...SLACK_OAUTH, SLACK_APP_TOKEN: 'xapp-1-A-1-x' }, 'SLACK_APP_TOKEN is set as well as SLACK_CLIENT_ID'],
    [{ ...SLACK_OAUTH, TRELLIS_SECRET: '' }, 'TRELLIS_SECRET is missing'],
    [{ ...SLACK, TRELLIS_SECRET: '' }, 'TRELLIS_SECRET is missing'],
    [{ ...SLACK, TRELLIS_SECRET: 'short' }, 'TRELLIS_SECRET must be at least 32 bytes'],
    [{ MICROSOFT_APP_ID: 'id', TRELLIS_SECRET: SECRET }, 'MICROSOFT_APP_PASSWORD is missing'],
    [{ MICROSOFT_APP_ID: 'id', MicrosoftAppType: 'SingleTenant', MICROSOFT_APP_TENANT_ID: 't', TRELLIS_SECRET: SECRET }, 'MICROSOFT_APP_PASSWORD is missing'],
    [
      { MICROSOFT_APP_ID: 'id', MICROSOFT_APP_PASSWORD: 'pw', TEAMS_ALLOW_UNAUTHENTICATED: 'true', TRELLIS_SECRET: SECRET },
      'cannot be combined with MICROSOFT_APP_ID',
    ],
    [{ TEAMS_ALLOW_UNAUTHENTICATED: 'yes' }, 'TEAMS_ALLOW_UNAUTHENTICATED must be true or false'],
    [
      { TEAMS_ALLOW_UNAUTHENTICATED: 'true', DATABASE_URL: 'postgres://db/trellis', TRELLIS_SECRET: SECRET },
      'TEAMS_ALLOW_UNAUTHENTICATED=true cannot be combined with DATABASE_URL',
    ],
    [{ ...TEAMS, MicrosoftAppType: 'Personal' }, 'MicrosoftAppType must be SingleTenant, MultiTenant or UserAssignedMSI'],
    [
      { ...TEAMS, MicrosoftAppType: 'UserAssignedMSI', MICROSOFT_APP_TENANT_ID: 't' },
      'MICROSOFT_APP_PASSWORD is set but MicrosoftAppType=UserAssignedMSI has no password',
    ],
    [
      { MICROSOFT_APP_ID: 'id', MicrosoftAppType: 'UserAssignedMSI', TRELLIS_SECRET: SECRET },
      'MICROSOFT_APP_TENANT_ID is missing: MicrosoftAppType=UserAssignedMSI',
    ],
    [
      { MICROSOFT_APP_TENANT_ID: 't', MicrosoftAppType: 'UserAssignedMSI', TRELLIS_SECRET: SECRET },
      "MICROSOFT_APP_ID is missing: with MicrosoftAppType=UserAssignedMSI it is the client id of the bot's user-assigned managed identity",
    ],
    [{ ...TEAMS, MicrosoftAppType: 'SingleTenant' }, 'MICROSOFT_APP_TENANT_ID is missing: MicrosoftAppType=SingleTenant'],
    [
      { ...TEAMS, MicrosoftAppType: 'MultiTenant', MICROSOFT_APP_TENANT_ID: 't' },
      'MICROSOFT_APP_TENANT_ID is set but MicrosoftAppType=MultiTenant would ignore it',
    ],
    [
      { ...TEAMS, ToBotFromChannelOpenIdMetadataUrl: 'https://login.example.org/openid' },
      'ToBotFromChannelTokenIssuer, ToChannelFromBotLoginUrl, ToChannelFromBotOAuthScope are missing',
    ],
    [{ ...TEAMS, ...CHANNEL, ToBotFromChannelOpenIdMetadataUrl: 'http://login.example.org/openid' }, 'ToBotFromChannelOpenIdMetadataUrl must be an https URL'],
    [{ ...TEAMS, ...CHANNEL, ToChannelFromBotLoginUrl: 'http://127.0.0.1:9/tenant' }, 'ToChannelFromBotLoginUrl must be an https URL'],
    [{ ...TEAMS, ...CHANNEL, ToBotFromChannelTokenIssuer: 'not a url' }, 'ToBotFromChannelTokenIssuer must be a URL'],
    [{ ...TEAMS, ValidateAuthority: 'no' }, 'ValidateAuthority must be true or false'],
    [{ ...CHANNEL, TRELLIS_SECRET: SECRET }, 'ToBotFromChannelOpenIdMetadataUrl is set but Teams authentication is not'],
    [
      { TEAMS_ALLOW_UNAUTHENTICATED: 'true', MicrosoftAppType: 'SingleTenant', TRELLIS_SECRET: SECRET },
      'MicrosoftAppType is set but Teams authentication is not',
    ],
    [{ TEAMS_ALLOW_UNAUTHENTICATED: 'true', ValidateAuthority: 'false', TRELLIS_SECRET: SECRET }, 'ValidateAuthority is set but Teams authentication is not'],
    [{ PORT: 'eighty' }, 'PORT must be a number'],
    [{ PORT: '70000' }, 'PORT must be 1–65535'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of debug, info, warn, error'],
    [{ LOG_FORMAT: 'xml' }, 'LOG_FORMAT must be one of text, json'],
    [{ METRICS_TOKEN: 'short' }, 'METRICS_TOKEN must be at least 16 characters with no spaces'],
    [{ METRICS_TOKEN: 'a token with spaces in it' }, 'METRICS_TOKEN must be at least 16 characters with no spaces'],
    [{ PUBLIC_URL: 'not a url' }, 'PUBLIC_URL must be a URL'],
    [{ TRELLIS_CONCERN_DELAY_MAX_SECONDS: '-5' }, 'TRELLIS_CONCERN_DELAY_MAX_SECONDS must be 0 (off) or more'],
    [{ TRELLIS_CONCERNS_PER_DAY: '0' }, 'TRELLIS_CONCERNS_PER_DAY must be at least 1'],
    [{ TRELLIS_UNINSTALL_GRACE_DAYS: 'a month' }, 'TRELLIS_UNINSTALL_GRACE_DAYS must be a number of days'],
    [{ TRELLIS_UNINSTALL_GRACE_DAYS: '0' }, 'TRELLIS_UNINSTALL_GRACE_DAYS must be at least 1'],
    [{ TRELLIS_UNINSTALL_GRACE_DAYS: '1.5' }, 'TRELLIS_UNINSTALL_GRACE_DAYS must be a whole number of days'],
    [{ TRELLIS_UNINSTALL_GRACE_DAYS: '400' }, 'TRELLIS_UNINSTALL_GRACE_DAYS must be at most 365'],
    [{ TRELLIS_PLATFORM_RETRY_MAX_SECONDS: 'soon' }, 'TRELLIS_PLATFORM_RETRY_MAX_SECONDS must be a number of seconds'],
    [{ TRELLIS_PLATFORM_RETRY_MAX_SECONDS: '0' }, 'TRELLIS_PLATFORM_RETRY_MAX_SECONDS must be at least 0.05'],
    [{ DATABASE_URL: 'mysql://db/trellis', TRELLIS_SECRET: SECRET }, 'DATABASE_URL must be a PostgreSQL URL'],
    [{ DATABASE_URL: 'db.example.org:5432/trellis', TRELLIS_SECRET: SECRET }, 'DATABASE_URL must be a PostgreSQL URL'],
    [{ DATABASE_URL: 'postgres://db/trellis' }, 'TRELLIS_SECRET is missing: with DATABASE_URL every instance must share one secret'],
    [{ TRELLIS_TICK_CRON: 'every minute' }, 'TRELLIS_TICK_CRON must be a cron expression'],
    [{ TRELLIS_TICK_CRON: '61 * * * *' }, 'TRELLIS_TICK_CRON must be a cron expression'],
    [{ ...SLACK, TRELLIS_SLACK_POSTS_PER_SECOND: 'fast' }, 'TRELLIS_SLACK_POSTS_PER_SECOND must be a number'],
    [{ ...SLACK, TRELLIS_SLACK_POSTS_PER_SECOND: '0' }, 'TRELLIS_SLACK_POSTS_PER_SECOND must be at least 0.1'],
    [{ ...SLACK, TRELLIS_SLACK_POSTS_PER_SECOND: '5000' }, 'TRELLIS_SLACK_POSTS_PER_SECOND must be at most 1000'],
  ])('refuses %j naming the variable and the fix', (env, message) => {
    const text = error(env as Record<string, string>);
    expect(text).toContain('Trellis cannot start');
    expect(text).toContain(message);
  });

  it('reads email: SMTP_URL with MAIL_FROM and TRELLIS_SECRET, paced by TRELLIS_MAIL_PER_SECOND, with clear errors', () => {
    const smtp = { SMTP_URL: 'smtp://trellis:pw@mail.example.org:587', MAIL_FROM: 'Trellis <trellis@example.org>', TRELLIS_SECRET: SECRET };
    expect(loadConfig({ ...smtp, TRELLIS_MAIL_PER_SECOND: '2' }).mail).toEqual({
      smtpUrl: 'smtp://trellis:pw@mail.example.org:587',
      from: 'Trellis <trellis@example.org>',
      perSecond: 2,
    });
    expect(loadConfig({ ...smtp, SMTP_URL: 'smtps://mail.example.org', MAIL_FROM: 'trellis@example.org' }).mail.from).toBe('trellis@example.org');
    expect(error({ ...smtp, SMTP_URL: 'https://mail.example.org' })).toContain('SMTP_URL must be an SMTP URL such as smtp://');
    expect(error({ ...smtp, MAIL_FROM: 'trellis' })).toContain('MAIL_FROM must be an address such as trellis@example.org');
    expect(error({ SMTP_URL: smtp.SMTP_URL, TRELLIS_SECRET: SECRET })).toContain('MAIL_FROM is missing');
    expect(error({ SMTP_URL: smtp.SMTP_URL, MAIL_FROM: smtp.MAIL_FROM })).toContain('TRELLIS_SECRET is missing: with SMTP_URL');
    expect(error({ ...smtp, TRELLIS_MAIL_PER_SECOND: '0' })).toContain('TRELLIS_MAIL_PER_SECOND must be at least 0.1');
    // Beside Slack or Teams, emailed links need the public address (the playground alone may use localhost).
    expect(error({ ...SLACK, ...smtp })).toContain('PUBLIC_URL is missing: with SMTP_URL');
    expect(loadConfig({ ...SLACK, ...smtp, PUBLIC_URL: 'https://trellis.example.org' }).mail.smtpUrl).toBe(smtp.SMTP_URL);
    // The password in SMTP_URL is never echoed in a refusal.
    expect(error({ ...smtp, SMTP_URL: 'smtp://trellis:pw-7731@', MAIL_FROM: 'x' })).not.toContain('pw-7731');
  });

  it('never echoes a secret value in its messages', () => {
    expect(error({ SLACK_BOT_TOKEN: 'xoxb-very-secret-token' })).not.toContain('very-secret');
    expect(error({ SLACK_CLIENT_SECRET: 'very-secret-client', SLACK_STATE_SECRET: 'very-secret-state-0123' })).not.toContain('very-secret');
    expect(error({ DATABASE_URL: 'postgres://trellis:very-secret-password@db/trellis' })).not.toContain('very-secret');
    expect(error({ DATABASE_URL: 'mysql://trellis:very-secret-password@db/trellis', TRELLIS_SECRET: SECRET })).not.toContain('very-secret');
  });
});
