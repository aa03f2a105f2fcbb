// The platform side of sending on Slack: private messages (check-ins,
// reminders, alerts) to a person's DM, posts (digests) to a partnership's
// channel, updates, and looking up whether a message arrived. Every failure is
// classified for the dispatcher, which alone retries: this client never does,
// since retrying a post whose answer was lost would post it twice.
import { webApi } from '@slack/bolt';
import type { Message } from '../../core/message.js';
import { LEGACY_WORKSPACE, type Delivery } from '../../core/model.js';
import type { Logger } from '../../log.js';
import { reportError } from '../../report-error.js';
import { DeliveryFailure } from '../../delivery/delivery-failure.js';
import type { Bucket } from '../../delivery/rate-limiter.js';
import type { PlatformMessenger, SendKind, Target } from '../../delivery/platform-messenger.js';
import { fallbackText, renderBlocks } from './render-blocks.js';
import { uploadChart } from './slack-chart.js';

type WebClient = webApi.WebClient;

/** Where a Slack message landed: enough for chat.update, nothing else. */
export interface SlackDelivery extends Delivery {
  platform: 'slack';
  workspace: string;
  channel: string;
  ts: string;
}

export interface SlackLimits {
  /** chat.postMessage across the workspace. Slack publishes no figure; it answers 429 with Retry-After past it. */
  postsPerSecond: number;
}

const METADATA_TYPE = 'trellis_outgoing';
/** Deliveries recorded before workspaces name none: they were made in the one workspace there was. */
const isSlackDelivery = (d: Delivery): d is SlackDelivery => d.platform === 'slack' && typeof d.channel === 'string' && typeof d.ts === 'string';
const workspaceOfDelivery = (d: SlackDelivery) => (typeof d.workspace === 'string' ? d.workspace : LEGACY_WORKSPACE);

export function slackMessenger(boltClient: WebClient, log: Logger, limits: SlackLimits): PlatformMessenger {
  // Our own client: no retries (see above), rate limits handed back to us, and a
  // timeout well inside the dispatcher's lease.
  const client = new webApi.WebClient(boltClient.token, {
    slackApiUrl: boltClient.slackApiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 20_000,
    logLevel: webApi.LogLevel.ERROR,
  });

  // Slack's published limits, each workspace its own: about one message a second per channel
  // (short bursts allowed), a workspace-wide pace for posts, and Tier 3 (50 a minute) for chat.update.
  const buckets = {
    post: (workspace: string): Bucket => ({ key: `slack:${workspace}:chat.postMessage`, perSecond: limits.postsPerSecond, burst: 1 }),
    update: (workspace: string): Bucket => ({ key: `slack:${workspace}:chat.update`, perSecond: 50 / 60, burst: 20 }),
    channel: ({ workspace, id }: Target): Bucket => ({ key: `slack:${workspace}:channel:${id}`, perSecond: 1, burst: 1 }),
  };

  const call = async <T>(bucket: Bucket, request: () => Promise<T>): Promise<T> => {
    try {
      return await request();
    } catch (err) {
      throw classify(err, bucket);
    }
  };

  /** The DM with a person, for looking back through it. */
  const channelOf = async (kind: SendKind, target: Target) => {
    if (kind === 'conversation') return target.id;
    const opened = await call(buckets.post(target.workspace), () => client.conversations.open({ users: target.id }));
    return opened.channel?.id;
  };

  return {
    reachable: async () => true,

    buckets: (callName, _kind, target) =>
      callName === 'send' ? [buckets.post(target.workspace), buckets.channel(target)] : [buckets.update(target.workspace), buckets.channel(target)],

    async send(kind, target, message, tag) {
      // A user id as the channel opens (or reuses) the bot's DM with that person.
      const post = () =>
        client.chat.postMessage({
          channel: target.id,
          text: fallbackText(message),
          blocks: renderBlocks(message),
          metadata: { event_type: METADATA_TYPE, event_payload: { outgoing: tag } },
        });
      const res = await call(buckets.post(target.workspace), async () => {
        try {
          return await post();
        } catch (err) {
          // A public home channel nobody invited the bot to: join it, then post. Joining rather than
          // chat:write.public, because a bot token reads the history of (and so can later check a post
          // in) only a conversation it is in. Nothing was posted, so posting again cannot double it.
          if (kind !== 'conversation' || slackErrorOf(err) !== 'not_in_channel') throw err;
          await client.conversations.join({ channel: target.id });
          return post();
        }
      });
      if (typeof res.channel !== 'string' || typeof res.ts !== 'string') throw new DeliveryFailure('unknown', 'Slack answered without a channel and timestamp');
      const delivery: SlackDelivery = { platform: 'slack', workspace: target.workspace, channel: res.channel, ts: res.ts };
      await attachChart(client, log, message, delivery);
      return delivery;
    },

    async update(delivery, message) {
      if (!isSlackDelivery(delivery)) throw new DeliveryFailure('permanent', 'not a Slack message');
      await call(buckets.update(workspaceOfDelivery(delivery)), () =>
        client.chat.update({ channel: delivery.channel, ts: delivery.ts, text: fallbackText(message), blocks: renderBlocks(message) }),
      );
    },

    async find(kind, target, tag, since) {
      const channel = await channelOf(kind, target);
      if (!channel) return undefined;
      const history = await call(buckets.post(target.workspace), () =>
        client.conversations.history({ channel, oldest: String(since.getTime() / 1000), include_all_metadata: true, limit: 200 }),
      );
      const hit = history.messages?.find(
        (m) => m.metadata?.event_type === METADATA_TYPE && (m.metadata.event_payload as { outgoing?: unknown } | undefined)?.outgoing === tag,
      );
      return hit?.ts ? ({ platform: 'slack', workspace: target.workspace, channel, ts: hit.ts } satisfies SlackDelivery) : undefined;
    },
  };
}

/** The chart as an image in the message's thread. The message already carries its sparkline, so a failure loses nothing essential. */
async function attachChart(client: WebClient, log: Logger, message: Message, delivery: SlackDelivery) {
  if (!message.chart) return;
  await uploadChart(client, delivery.channel, message.chart, delivery.ts).catch((err: unknown) => reportError(log, 'slack chart upload', err));
}

const slackErrorOf = (err: unknown) =>
  (err as { code?: string; data?: { error?: string } }).code === webApi.ErrorCode.PlatformError
    ? (err as { data?: { error?: string } }).data?.error
    : undefined;

/** What the operator does about a refusal that only they can fix. */
const HINTS: Record<string, string> = {
  channel_not_found: 'if this is a private channel, invite the bot with /invite @trellis',
  not_in_channel: 'invite the bot to the channel with /invite @trellis',
  method_not_supported_for_channel_type: 'the bot cannot join a private channel by itself: invite it with /invite @trellis',
  missing_scope: 'the app lacks a scope its manifest asks for: reinstall it from manifests/slack/manifest.yaml',
};

// Slack error codes that mean "this will never work".
const PERMANENT = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'user_not_found',
  'account_inactive',
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'missing_scope',
  'cannot_dm_bot',
  'message_not_found',
  'cant_update_message',
  'invalid_blocks',
  'msg_too_long',
  'no_text',
  'method_not_supported_for_channel_type',
]);

function classify(err: unknown, bucket: Bucket): DeliveryFailure {
  const e = err as { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: string }; original?: { code?: string; message?: string } };
  switch (e.code) {
    case webApi.ErrorCode.RateLimitedError:
      return new DeliveryFailure('rate-limited', 'Slack rate limit', (e.retryAfter ?? 1) * 1000, bucket);
    case webApi.ErrorCode.PlatformError: {
      const code = e.data?.error ?? 'unknown_error';
      if (code === 'ratelimited') return new DeliveryFailure('rate-limited', code, 1000, bucket);
      return new DeliveryFailure(PERMANENT.has(code) ? 'permanent' : 'unknown', `Slack error ${code}${HINTS[code] ? ` (${HINTS[code]})` : ''}`);
    }
    case webApi.ErrorCode.HTTPError:
      // 5xx: Slack may or may not have posted it.
      return new DeliveryFailure(e.statusCode && e.statusCode < 500 ? 'permanent' : 'unknown', `Slack HTTP ${e.statusCode}`);
    case webApi.ErrorCode.RequestError: {
      // Refused before anything was sent: safe to retry. Anything else may have arrived.
      const code = e.original?.code ?? '';
      return new DeliveryFailure(
        ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'].includes(code) ? 'transient' : 'unknown',
        `Slack request failed (${code || e.original?.message || 'no answer'})`,
      );
    }
    default:
      return new DeliveryFailure('unknown', String(err));
  }
}
