// Whether Slack takes SLACK_BOT_TOKEN, and who the bot is (Bolt needs its ids
// to ignore the bot's own messages). Checked with our own auth.test rather than
// Bolt's, which runs unawaited in App's constructor: a refused token or an
// unreachable Slack there is an unhandled rejection that kills the process.
import { webApi } from '@slack/bolt';
import { TrellisError } from '../../core/errors.js';
import type { Logger } from '../../log.js';
import { reportError } from '../../report-error.js';
import { keepTrying, type Backoff } from '../backoff.js';
import type { PlatformHealth } from '../platform-health.js';

export interface SlackIdentity {
  botId: string;
  botUserId: string;
  /** The token's workspace: its Enterprise Grid org for an org-wide install, else its team. */
  workspace?: string;
}

/** Slack's answers that mean the token itself is refused: retrying cannot help, the operator must act. */
const REFUSALS: Record<string, string> = {
  invalid_auth: 'the token is not valid (mistyped, cut short, or from another app or workspace)',
  not_authed: 'no token reached Slack',
  account_inactive: "the workspace or the app's bot user has been deactivated",
  token_revoked: 'the token has been revoked (the app was uninstalled, or its tokens were regenerated)',
  token_expired: 'the token has expired (token rotation is turned on for this app)',
  not_allowed_token_type: 'it is not a bot token',
};

export const refusedTokenMessage = (code: string): string =>
  `Slack refused SLACK_BOT_TOKEN (${code}): ${REFUSALS[code] ?? 'Slack does not accept it'}. ` +
  "Open your Slack app's settings (api.slack.com/apps → your app → OAuth & Permissions), install or reinstall the app to the workspace if it asks, " +
  'copy the Bot User OAuth Token (xoxb-…) into SLACK_BOT_TOKEN and start Trellis again.';

type Probe = { ok: true; identity: SlackIdentity } | { ok: false; refused: boolean; reason: string };

export class SlackConnection {
  private identity?: SlackIdentity;
  private retrying?: { stop(): Promise<void> };

  constructor(
    private readonly client: webApi.WebClient,
    private readonly health: PlatformHealth,
    private readonly log: Logger,
    private readonly backoff: Backoff,
  ) {}

  /**
   * At start-up, before Trellis serves: a refused token stops start-up (a
   * TrellisError naming SLACK_BOT_TOKEN); an unreachable Slack does not — it
   * is reported on /healthz and retried with backoff until it answers.
   */
  async verify(): Promise<void> {
    const first = await this.probe();
    if (first.ok) return;
    if (first.refused) throw new TrellisError('CONFIG_INVALID', first.reason);
    this.unreachable(first.reason);
  }

  /** For Bolt's `authorize`: the bot's ids, asking Slack now if they are not known yet. */
  async bot(): Promise<SlackIdentity> {
    if (this.identity) return this.identity;
    const now = await this.probe();
    if (now.ok) return now.identity;
    throw new TrellisError('ADAPTER_FAILED', now.reason);
  }

  /** The token's workspace, once Slack has said. */
  workspace(): string | undefined {
    return this.identity?.workspace;
  }

  async stop(): Promise<void> {
    await this.retrying?.stop();
  }

  private unreachable(reason: string): void {
    this.report(reason);
    if (this.retrying) return;
    this.retrying = keepTrying(
      async () => {
        const next = await this.probe();
        if (!next.ok && !next.refused) {
          this.report(next.reason);
          return false;
        }
        this.retrying = undefined;
        if (next.ok) {
          this.health.clear('slack');
          this.log.info('Slack answers again: the Slack adapter is back to normal.');
        } else {
          // Refused after start-up (revoked while we waited): retrying cannot help; the rest keeps serving.
          this.health.report('slack', next.reason);
          this.log.error(next.reason);
        }
        return true;
      },
      this.backoff,
      (err) => reportError(this.log, 'slack reconnect', err),
    );
  }

  private report(reason: string): void {
    const text = `Slack cannot be reached (${reason}). Trellis keeps serving everything else and tries again with backoff.`;
    this.health.report('slack', text);
    this.log.warn(text);
  }

  /** One auth.test; never throws. */
  private async probe(): Promise<Probe> {
    try {
      const res = await this.client.auth.test();
      if (typeof res.user_id !== 'string' || typeof res.bot_id !== 'string')
        return { ok: false, refused: true, reason: refusedTokenMessage('not_allowed_token_type') };
      const workspace = (res.is_enterprise_install ? res.enterprise_id : res.team_id) || undefined;
      this.identity = { botId: res.bot_id, botUserId: res.user_id, ...(workspace ? { workspace } : {}) };
      return { ok: true, identity: this.identity };
    } catch (err) {
      const e = err as Parameters<typeof describe>[0] & { data?: { error?: string } };
      const code = e.code === webApi.ErrorCode.PlatformError ? (e.data?.error ?? 'unknown_error') : undefined;
      if (code && code in REFUSALS) return { ok: false, refused: true, reason: refusedTokenMessage(code) };
      return { ok: false, refused: false, reason: describe(e, code) };
    }
  }
}

/** Why Slack did not answer, in a few words (never the request: it carries the token). */
function describe(
  e: { code?: string; statusCode?: number; original?: { code?: string; message?: string; cause?: { code?: string } } },
  platformCode: string | undefined,
): string {
  if (platformCode) return `Slack answered ${platformCode}`;
  if (e.code === webApi.ErrorCode.HTTPError) return `Slack answered HTTP ${e.statusCode ?? '?'}`;
  if (e.code === webApi.ErrorCode.RateLimitedError) return 'Slack is rate-limiting auth.test';
  // The system's code (ECONNREFUSED, ENOTFOUND, ETIMEDOUT) is on the error, or on its cause when fetch made the request.
  if (e.code === webApi.ErrorCode.RequestError) return e.original?.code ?? e.original?.cause?.code ?? e.original?.message ?? 'no answer';
  return 'no answer';
}
