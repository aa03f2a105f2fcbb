// Configuration is read once, here, at the edge. A bad or missing setting
// stops start-up with a message naming the variable and the fix.
import cron from 'node-cron';
import { z } from 'zod';
import { TrellisError } from './core/errors.js';
import { DEFAULT_UNINSTALL_GRACE_DAYS } from './core/model.js';

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface SlackConfig {
  /** One workspace (SLACK_BOT_TOKEN): its bot token. Absent in distributed mode. */
  botToken?: string;
  /** Many workspaces (Bolt's OAuth): each workspace's token comes from its installation. Absent with a bot token. */
  oauth?: SlackOAuthConfig;
  signingSecret: string;
  /** Set: Socket Mode; unset: HTTP at POST /slack/events. */
  appToken?: string;
  /** Web API base URL, e.g. a local fake in tests. */
  apiUrl?: string;
  /** The workspace-wide pace for chat.postMessage. */
  postsPerSecond: number;
}

/** A distributed Slack app: the "Add to Slack" install flow, one installation per workspace. */
export interface SlackOAuthConfig {
  clientId: string;
  clientSecret: string;
  /** Signs the OAuth `state` parameter (Bolt's ClearStateStore) against forged install callbacks. */
  stateSecret: string;
}

export interface TeamsConfig {
  /** Absent only in explicit unauthenticated (local testing) mode. With UserAssignedMSI, the managed identity's client id. */
  appId?: string;
  /** The client secret; absent with UserAssignedMSI, which gets its tokens from the managed identity. */
  appPassword?: string;
  tenantId?: string;
  authenticated: boolean;
  /** Authenticated only: MicrosoftAppType, SingleTenant when a tenant id is given unless set (UserAssignedMSI only when set). */
  appType?: TeamsAppType;
  /** Authenticated only: botbuilder's channel settings; absent, Microsoft's public cloud. */
  channel?: TeamsChannelAuth;
  /** ValidateAuthority: false trusts ToChannelFromBotLoginUrl as given (no Microsoft instance discovery). */
  validateAuthority?: boolean;
}

/** botbuilder's MicrosoftAppType values (it compares them without regard to case). */
export type TeamsAppType = 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';

/** Where tokens come from and go to, under botbuilder's setting names (all four or none). */
export interface TeamsChannelAuth {
  /** ToBotFromChannelOpenIdMetadataUrl: the OpenID document whose keys sign incoming tokens. */
  openIdMetadataUrl: string;
  /** ToBotFromChannelTokenIssuer: the only `iss` an incoming token may carry. */
  tokenIssuer: string;
  /** ToChannelFromBotLoginUrl: the authority Trellis gets its outgoing tokens from. */
  loginUrl: string;
  /** ToChannelFromBotOAuthScope: the audience of those tokens. */
  oAuthScope: string;
}

/** Email for people on neither platform (src/email). */
export interface MailConfig {
  /** smtp:// or smtps:// with any credentials; absent only in playground mode, where emails go to the in-memory mailbox. */
  smtpUrl?: string;
  /** The From address of every email. */
  from: string;
  /** How many emails a second at most, sustained. */
  perSecond: number;
}

export interface Config {
  port: number;
  dataFile: string;
  /** Set: PostgreSQL (several instances may share it); unset: the lowdb file. */
  databaseUrl?: string;
  /** When the scheduler wakes the core (node-cron syntax); every minute unless testing. */
  tickCron: string;
  /** Absent only in playground mode, where main generates and keeps one. */
  secret?: string;
  logLevel: LogLevel;
  /** `text` (a readable line) or `json` (one object a line, for a log collector). */
  logFormat: LogFormat;
  /** Set: GET /metrics answers with this bearer token (absent: /metrics is not served). */
  metricsToken?: string;
  publicUrl?: string;
  /** Concerns reach the critical friend after a random delay up to this; 0 turns it off (the default in playground mode). */
  concernDelayMaxSeconds: number;
  concernsPerDay: number;
  /** Days after an uninstall before its members' personal data is erased, unless Trellis is added back (core/uninstall-grace.ts). */
  uninstallGraceDays: number;
  /** The longest wait between attempts to reach Slack (or another platform) that does not answer. */
  platformRetryMaxMs: number;
  slack?: SlackConfig;
  teams?: TeamsConfig;
  /** Always present: without SMTP_URL, email goes only to the playground's mailbox (playground mode), or email members cannot be added. */
  mail: MailConfig;
  playground: boolean;
  /**
   * The playground or unauthenticated Teams: whoever reaches the server can act
   * as anyone, so it listens on loopback and answers only loopback Host names.
   */
  localOnly: boolean;
}

/** The concern delay beside Slack or Teams, when TRELLIS_CONCERN_DELAY_MAX_SECONDS is unset. */
export const DEFAULT_CONCERN_DELAY_SECONDS = 600;

const blankIsUnset = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const opt = <T extends z.ZodTypeAny>(s: T) => z.preprocess(blankIsUnset, s.optional());

const schema = z.object({
  PORT: z.preprocess(
    blankIsUnset,
    z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(1, 'must be 1–65535').max(65535, 'must be 1–65535').default(3000),
  ),
  TRELLIS_DATA: z.preprocess(blankIsUnset, z.string().default('data/trellis.json')),
  DATABASE_URL: opt(z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'must be a PostgreSQL URL such as postgres://trellis@db.example.org:5432/trellis')),
  TRELLIS_TICK_CRON: z.preprocess(
    blankIsUnset,
    z
      .string()
      .refine((x) => cron.validate(x), 'must be a cron expression such as "* * * * *"')
      .default('* * * * *'),
  ),
  TRELLIS_SLACK_POSTS_PER_SECOND: z.preprocess(
    blankIsUnset,
    z.coerce.number({ message: 'must be a number' }).min(0.1, 'must be at least 0.1').max(1000, 'must be at most 1000').default(5),
  ),
  TRELLIS_SECRET: opt(z.string().refine((s) => Buffer.byteLength(s) >= 32, 'must be at least 32 bytes (try: openssl rand -hex 32)')),
  LOG_LEVEL: z.preprocess(blankIsUnset, z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info')),
  LOG_FORMAT: z.preprocess(blankIsUnset, z.enum(LOG_FORMATS, { message: `must be one of ${LOG_FORMATS.join(', ')}` }).default('text')),
  METRICS_TOKEN: opt(
    z.string().refine((s) => Buffer.byteLength(s) >= 16 && !/\s/.test(s), 'must be at least 16 characters with no spaces (try: openssl rand -hex 32)'),
  ),
  PUBLIC_URL: opt(z.string().url('must be a URL such as https://trellis.example.org')),
  TRELLIS_CONCERN_DELAY_MAX_SECONDS: z.preprocess(
    blankIsUnset,
    z.coerce
      .number({ message: 'must be a number of seconds' })
      .int('must be a whole number of seconds')
      .min(0, 'must be 0 (off) or more')
      .max(86_400, 'must be at most 86400 (a day)')
      .optional(),
  ),
  TRELLIS_CONCERNS_PER_DAY: z.preprocess(
    blankIsUnset,
    z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(100, 'must be at most 100').default(3),
  ),
  TRELLIS_UNINSTALL_GRACE_DAYS: z.preprocess(
    blankIsUnset,
    z.coerce
      .number({ message: 'must be a number of days' })
      .int('must be a whole number of days')
      .min(1, 'must be at least 1 (a mistaken uninstall needs time to be undone)')
      .max(365, 'must be at most 365 (personal data is not kept longer than needed)')
      .default(DEFAULT_UNINSTALL_GRACE_DAYS),
  ),
  TRELLIS_PLATFORM_RETRY_MAX_SECONDS: z.preprocess(
    blankIsUnset,
    z.coerce.number({ message: 'must be a number of seconds' }).min(0.05, 'must be at least 0.05').max(3600, 'must be at most 3600 (an hour)').default(60),
  ),
  SMTP_URL: opt(
    z.string().refine((s) => {
      try {
        const u = new URL(s);
        return (u.protocol === 'smtp:' || u.protocol === 'smtps:') && u.hostname !== '';
      } catch {
        return false;
      }
    }, 'must be an SMTP URL such as smtp://user:password@mail.example.org:587 (or smtps:// for TLS from the start)'),
  ),
  MAIL_FROM: opt(
    z
      .string()
      .regex(
        /^(?:[^<>@\s][^<>]*<[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+>|[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+)$/,
        'must be an address such as trellis@example.org or "Trellis <trellis@example.org>"',
      ),
  ),
  TRELLIS_MAIL_PER_SECOND: z.preprocess(
    blankIsUnset,
    z.coerce.number({ message: 'must be a number' }).min(0.1, 'must be at least 0.1').max(1000, 'must be at most 1000').default(5),
  ),
  SLACK_BOT_TOKEN: opt(z.string().startsWith('xoxb-', 'must be a bot token starting with xoxb- (Slack app → OAuth & Permissions)')),
  SLACK_SIGNING_SECRET: opt(z.string()),
  SLACK_CLIENT_ID: opt(z.string().regex(/^[\w.]+$/, "must be the Client ID from the Slack app's Basic Information page, such as 1234567890.1234567890")),
  SLACK_CLIENT_SECRET: opt(z.string()),
  SLACK_STATE_SECRET: opt(z.string().refine((s) => Buffer.byteLength(s) >= 16, 'must be at least 16 bytes (try: openssl rand -hex 32)')),
  SLACK_APP_TOKEN: opt(z.string().startsWith('xapp-', 'must be an app-level token starting with xapp- (Slack app → Basic Information)')),
  SLACK_API_URL: opt(z.string().url('must be a URL such as https://slack.com/api/')),
  MICROSOFT_APP_ID: opt(z.string()),
  MICROSOFT_APP_PASSWORD: opt(z.string()),
  MICROSOFT_APP_TENANT_ID: opt(z.string()),
  TEAMS_ALLOW_UNAUTHENTICATED: z.preprocess(blankIsUnset, z.enum(['true', 'false'], { message: 'must be true or false' }).default('false')),
  // botbuilder's own settings, under its names (its README and Azure's templates use them).
  MicrosoftAppType: opt(
    z.string().transform((t, ctx) => {
      const type = APP_TYPES.find((a) => a.toLowerCase() === t.trim().toLowerCase());
      if (type) return type;
      ctx.addIssue({ code: 'custom', message: 'must be SingleTenant, MultiTenant or UserAssignedMSI (the "Type of App" of the Azure Bot)' });
      return z.NEVER;
    }),
  ),
  ToBotFromChannelOpenIdMetadataUrl: opt(secureUrl('https://login.botframework.com/v1/.well-known/openidconfiguration', true)),
  ToBotFromChannelTokenIssuer: opt(z.string().url('must be a URL such as https://api.botframework.com')),
  ToChannelFromBotLoginUrl: opt(secureUrl('https://login.microsoftonline.com/botframework.com', false)),
  ToChannelFromBotOAuthScope: opt(z.string().regex(/^\S+$/, 'must be a scope such as https://api.botframework.com')),
  ValidateAuthority: z.preprocess(blankIsUnset, z.enum(['true', 'false'], { message: 'must be true or false' }).default('true')),
});

/** Distributed Slack (OAuth): all three or none. */
const SLACK_OAUTH_SETTINGS = ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET'] as const;
const APP_TYPES = ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'] as const satisfies readonly TeamsAppType[];
/** The settings botbuilder reads together: set one and it takes the others as unset, not as its defaults. */
const CHANNEL_SETTINGS = [
  'ToBotFromChannelOpenIdMetadataUrl',
  'ToBotFromChannelTokenIssuer',
  'ToChannelFromBotLoginUrl',
  'ToChannelFromBotOAuthScope',
] as const;
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** An https URL; plain http only on this machine (a local issuer) when `loopbackHttp`. Microsoft's sign-in library accepts https only. */
function secureUrl(example: string, loopbackHttp: boolean) {
  const message = `must be an https URL such as ${example}${loopbackHttp ? ' (http only for localhost)' : ''}`;
  return z.string().refine((s) => {
    try {
      const u = new URL(s);
      return u.protocol === 'https:' || (loopbackHttp && u.protocol === 'http:' && LOOPBACK_HOSTS.has(u.hostname));
    } catch {
      return false;
    }
  }, message);
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${String(i.path[0])} ${i.message}`);
    throw configError(lines);
  }
  const e = parsed.data;
  const problems: string[] = [];

  let slack: SlackConfig | undefined;
  const oauthSet = SLACK_OAUTH_SETTINGS.filter((k) => e[k]);
  if (oauthSet.length) {
    // Distributed: every workspace that installs Trellis brings its own token through Bolt's OAuth flow.
    for (const k of SLACK_OAUTH_SETTINGS.filter((k) => !e[k]))
      problems.push(
        `${k} is missing: a Slack app distributed to many workspaces needs ${SLACK_OAUTH_SETTINGS.join(', ')} (Slack app → Basic Information; the state secret is yours: openssl rand -hex 32).`,
      );
    if (e.SLACK_BOT_TOKEN)
      problems.push(
        'SLACK_BOT_TOKEN is set as well as SLACK_CLIENT_ID: set SLACK_BOT_TOKEN alone for one workspace, or the client id, client secret and state secret for many (each workspace then installs Trellis and brings its own token), not both.',
      );
    if (e.SLACK_APP_TOKEN)
      problems.push(
        'SLACK_APP_TOKEN is set as well as SLACK_CLIENT_ID: installing Trellis in many workspaces needs its public /slack/install and /slack/oauth_redirect pages, which Socket Mode does not serve. Unset SLACK_APP_TOKEN (and use /slack/events over HTTP), or use SLACK_BOT_TOKEN for one workspace.',
      );
    if (!e.SLACK_SIGNING_SECRET)
      problems.push('SLACK_SIGNING_SECRET is missing: Slack needs the signing secret (Slack app → Basic Information) as well as the client id and secret.');
    if (e.SLACK_CLIENT_ID && e.SLACK_CLIENT_SECRET && e.SLACK_STATE_SECRET && e.SLACK_SIGNING_SECRET && !e.SLACK_BOT_TOKEN && !e.SLACK_APP_TOKEN) {
      slack = {
        oauth: { clientId: e.SLACK_CLIENT_ID, clientSecret: e.SLACK_CLIENT_SECRET, stateSecret: e.SLACK_STATE_SECRET },
        signingSecret: e.SLACK_SIGNING_SECRET,
        postsPerSecond: e.TRELLIS_SLACK_POSTS_PER_SECOND,
      };
      if (e.SLACK_API_URL) slack.apiUrl = e.SLACK_API_URL.endsWith('/') ? e.SLACK_API_URL : `${e.SLACK_API_URL}/`;
    }
  } else if (e.SLACK_BOT_TOKEN || e.SLACK_SIGNING_SECRET || e.SLACK_APP_TOKEN) {
    if (!e.SLACK_BOT_TOKEN)
      problems.push(
        'SLACK_BOT_TOKEN is missing: Slack needs the bot token (xoxb-…) as well as the signing secret — or, to be installed in many workspaces, SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET instead.',
      );
    if (!e.SLACK_SIGNING_SECRET)
      problems.push('SLACK_SIGNING_SECRET is missing: Slack needs the signing secret (Slack app → Basic Information) as well as the bot token.');
    if (e.SLACK_BOT_TOKEN && e.SLACK_SIGNING_SECRET) {
      slack = { botToken: e.SLACK_BOT_TOKEN, signingSecret: e.SLACK_SIGNING_SECRET, postsPerSecond: e.TRELLIS_SLACK_POSTS_PER_SECOND };
      if (e.SLACK_APP_TOKEN) slack.appToken = e.SLACK_APP_TOKEN;
      if (e.SLACK_API_URL) slack.apiUrl = e.SLACK_API_URL.endsWith('/') ? e.SLACK_API_URL : `${e.SLACK_API_URL}/`;
    }
  } else if (e.SLACK_API_URL) {
    problems.push('SLACK_API_URL is set but Slack is not: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET too, or unset SLACK_API_URL.');
  }

  let teams: TeamsConfig | undefined;
  const unauthenticated = e.TEAMS_ALLOW_UNAUTHENTICATED === 'true';
  if (e.MICROSOFT_APP_ID || e.MICROSOFT_APP_PASSWORD || e.MICROSOFT_APP_TENANT_ID) {
    if (unauthenticated) problems.push('TEAMS_ALLOW_UNAUTHENTICATED=true cannot be combined with MICROSOFT_APP_ID: unset one of them.');
    const appType = e.MicrosoftAppType ?? (e.MICROSOFT_APP_TENANT_ID ? 'SingleTenant' : 'MultiTenant');
    // The same rules as botbuilder's ConfigurationServiceClientCredentialFactory, said before start-up rather than as its assertion.
    const managed = appType === 'UserAssignedMSI';
    if (!e.MICROSOFT_APP_ID)
      problems.push(
        managed
          ? "MICROSOFT_APP_ID is missing: with MicrosoftAppType=UserAssignedMSI it is the client id of the bot's user-assigned managed identity."
          : "MICROSOFT_APP_ID is missing: Teams needs the bot's app (client) id from its Azure Bot registration.",
      );
    if (managed && e.MICROSOFT_APP_PASSWORD)
      problems.push(
        'MICROSOFT_APP_PASSWORD is set but MicrosoftAppType=UserAssignedMSI has no password (its tokens come from the managed identity): unset MICROSOFT_APP_PASSWORD, or set MicrosoftAppType=SingleTenant or MultiTenant.',
      );
    if (!managed && !e.MICROSOFT_APP_PASSWORD)
      problems.push(
        "MICROSOFT_APP_PASSWORD is missing: Teams needs the client secret of the bot's app registration (or MicrosoftAppType=UserAssignedMSI to sign in with a managed identity).",
      );
    if ((appType === 'SingleTenant' || managed) && !e.MICROSOFT_APP_TENANT_ID)
      problems.push(
        `MICROSOFT_APP_TENANT_ID is missing: MicrosoftAppType=${appType} needs the tenant id of the bot's ${managed ? 'managed identity' : 'app registration'}.`,
      );
    if (appType === 'MultiTenant' && e.MICROSOFT_APP_TENANT_ID)
      problems.push(
        'MICROSOFT_APP_TENANT_ID is set but MicrosoftAppType=MultiTenant would ignore it: set MicrosoftAppType=SingleTenant, or unset MICROSOFT_APP_TENANT_ID.',
      );
    const channelSet = CHANNEL_SETTINGS.filter((k) => e[k]);
    if (channelSet.length && channelSet.length < CHANNEL_SETTINGS.length) {
      const missing = CHANNEL_SETTINGS.filter((k) => !e[k]);
      problems.push(
        `${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing: botbuilder reads ${CHANNEL_SETTINGS.join(', ')} together (set one and it leaves the others empty, not at Microsoft's values). Set all four, or none for Microsoft's public cloud.`,
      );
    }
    if (e.MICROSOFT_APP_ID && (managed || e.MICROSOFT_APP_PASSWORD)) {
      teams = {
        appId: e.MICROSOFT_APP_ID,
        ...(e.MICROSOFT_APP_PASSWORD && !managed ? { appPassword: e.MICROSOFT_APP_PASSWORD } : {}),
        authenticated: true,
        appType,
        validateAuthority: e.ValidateAuthority === 'true',
      };
      if (e.MICROSOFT_APP_TENANT_ID) teams.tenantId = e.MICROSOFT_APP_TENANT_ID;
      if (e.ToBotFromChannelOpenIdMetadataUrl && e.ToBotFromChannelTokenIssuer && e.ToChannelFromBotLoginUrl && e.ToChannelFromBotOAuthScope) {
        teams.channel = {
          openIdMetadataUrl: e.ToBotFromChannelOpenIdMetadataUrl,
          tokenIssuer: e.ToBotFromChannelTokenIssuer,
          loginUrl: e.ToChannelFromBotLoginUrl,
          oAuthScope: e.ToChannelFromBotOAuthScope,
        };
      }
    }
  } else if (unauthenticated) {
    teams = { authenticated: false };
    // A shared database means a deployment, where an open /api/messages would let anyone act as anyone.
    if (e.DATABASE_URL)
      problems.push(
        'TEAMS_ALLOW_UNAUTHENTICATED=true cannot be combined with DATABASE_URL: unauthenticated Teams is for local testing on the lowdb file only. Unset TEAMS_ALLOW_UNAUTHENTICATED, or unset DATABASE_URL.',
      );
  }

  // Without MICROSOFT_APP_ID nothing would read them: say so rather than start unauthenticated or off.
  if (!e.MICROSOFT_APP_ID) {
    const stray = ['MicrosoftAppType', 'ValidateAuthority', ...CHANNEL_SETTINGS].filter((k) => blankIsUnset(env[k]) !== undefined);
    for (const k of stray)
      problems.push(
        `${k} is set but Teams authentication is not: it applies only with MICROSOFT_APP_ID (and MICROSOFT_APP_PASSWORD, unless UserAssignedMSI). Set those, or unset ${k}.`,
      );
  }

  if ((slack || teams) && !e.TRELLIS_SECRET) {
    problems.push('TRELLIS_SECRET is missing: it protects anonymity and is required when Slack or Teams is connected. Generate one with: openssl rand -hex 32');
  } else if (e.DATABASE_URL && !e.TRELLIS_SECRET) {
    problems.push('TRELLIS_SECRET is missing: with DATABASE_URL every instance must share one secret. Generate one with: openssl rand -hex 32');
  }
  if (e.SMTP_URL && !e.MAIL_FROM)
    problems.push(
      'MAIL_FROM is missing: with SMTP_URL, emails need a From address your mail server may send as, e.g. MAIL_FROM="Trellis <trellis@example.org>".',
    );
  // Emailed links must reach Trellis from wherever the email is read; only a local trial (the playground) may use localhost.
  if (e.SMTP_URL && !e.PUBLIC_URL && (slack || teams))
    problems.push('PUBLIC_URL is missing: with SMTP_URL, the links Trellis emails are built on it, e.g. PUBLIC_URL=https://trellis.example.org');
  if (e.SMTP_URL && !e.TRELLIS_SECRET)
    problems.push('TRELLIS_SECRET is missing: with SMTP_URL, email links are signed and addresses sealed under it. Generate one with: openssl rand -hex 32');
  if (problems.length) throw configError(problems);

  return {
    port: e.PORT,
    dataFile: e.TRELLIS_DATA,
    ...(e.DATABASE_URL ? { databaseUrl: e.DATABASE_URL } : {}),
    tickCron: e.TRELLIS_TICK_CRON,
    ...(e.TRELLIS_SECRET ? { secret: e.TRELLIS_SECRET } : {}),
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    ...(e.METRICS_TOKEN ? { metricsToken: e.METRICS_TOKEN } : {}),
    // A local trial has one person at the keyboard playing every part: the delay would only hide what happens.
    concernDelayMaxSeconds: e.TRELLIS_CONCERN_DELAY_MAX_SECONDS ?? (!slack && !teams ? 0 : DEFAULT_CONCERN_DELAY_SECONDS),
    concernsPerDay: e.TRELLIS_CONCERNS_PER_DAY,
    uninstallGraceDays: e.TRELLIS_UNINSTALL_GRACE_DAYS,
    platformRetryMaxMs: Math.round(e.TRELLIS_PLATFORM_RETRY_MAX_SECONDS * 1000),
    ...(e.PUBLIC_URL ? { publicUrl: e.PUBLIC_URL.replace(/\/$/, '') } : {}),
    ...(slack ? { slack } : {}),
    ...(teams ? { teams } : {}),
    mail: {
      ...(e.SMTP_URL ? { smtpUrl: e.SMTP_URL } : {}),
      from: e.MAIL_FROM ?? 'Trellis <trellis@localhost>',
      perSecond: e.TRELLIS_MAIL_PER_SECOND,
    },
    playground: !slack && !teams,
    localOnly: (!slack && !teams) || teams?.authenticated === false,
  };
}

/** A password in a URL (a database's, a mail server's). */
const passwordIn = (url: string | undefined) => (url ? decodeURIComponent(new URL(url).password) || undefined : undefined);

/** Every secret the configuration holds: the logger masks each wherever it appears. */
export const secretsIn = (config: Config): (string | undefined)[] => [
  config.secret,
  config.slack?.signingSecret,
  config.slack?.botToken,
  config.slack?.oauth?.clientSecret,
  config.slack?.oauth?.stateSecret,
  config.slack?.appToken,
  config.teams?.appPassword,
  passwordIn(config.databaseUrl),
  passwordIn(config.mail.smtpUrl),
  config.metricsToken,
];

const configError = (lines: string[]) =>
  new TrellisError('CONFIG_INVALID', `Trellis cannot start; fix its configuration:\n${lines.map((l) => `  - ${l}`).join('\n')}`);
