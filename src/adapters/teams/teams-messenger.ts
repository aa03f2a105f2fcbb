// The core's Messenger port on Teams: private messages as a card posted
// proactively into the person's personal chat with the bot (its reference is
// kept when they message or install Trellis), posts (digests) as a new card
// in a partnership's channel (its reference is kept when someone writes to
// the bot there), and either replaced in place later.
import type { Activity, ConversationReference, TurnContext } from 'botbuilder';
import type { TeamsAdapter } from '@microsoft/teams-ai';
import { z } from 'zod';
import type { Message } from '../../core/message.js';
import type { ConversationReferences } from '../../core/ports/conversation-references.js';
import { DeliveryFailure, retryAfterMs } from '../../delivery/delivery-failure.js';
import type { Bucket } from '../../delivery/rate-limiter.js';
import type { PlatformMessenger, SendKind, Target } from '../../delivery/platform-messenger.js';
import { LEGACY_WORKSPACE } from '../../core/model.js';
import { referenceKey } from './to-request.js';
import { renderReply } from './render-card.js';
import { consoleToLog } from '../../console-to-log.js';
import type { Logger } from '../../log.js';
import { isTokenFailure, tokenFailureReason } from './managed-identity.js';

export interface TeamsMessengerDeps {
  adapter: TeamsAdapter;
  /**
   * The bot's app id. Empty in unauthenticated mode: botbuilder then posts to
   * the reference's serviceUrl without a token (its credentials are empty).
   */
  appId: string;
  store: ConversationReferences;
  /** Where botbuilder's console output goes while it sends. */
  log: Logger;
}

// `workspace` (the tenant) is absent from deliveries recorded before tenants.
const privateDelivery = z.object({
  platform: z.literal('teams'),
  workspace: z.string().default(LEGACY_WORKSPACE),
  userId: z.string().min(1),
  activityId: z.string().min(1),
});
const channelDelivery = z.object({
  platform: z.literal('teams'),
  workspace: z.string().default(LEGACY_WORKSPACE),
  conversationId: z.string().min(1),
  activityId: z.string().min(1),
});

export function createTeamsMessenger({ adapter, appId, store, log }: TeamsMessengerDeps): PlatformMessenger {
  /** The person's personal chat with the bot; never a channel, whatever the store holds. */
  const personalChat = async ({ workspace, id }: Target): Promise<Partial<ConversationReference> | undefined> => {
    const reference = (await store.conversation('teams', referenceKey(workspace, id)))?.reference as Partial<ConversationReference> | undefined;
    return reference?.conversation?.conversationType === 'personal' && reference.serviceUrl ? reference : undefined;
  };

  /** A channel or group chat the bot was written to in; never a personal chat, whatever the store holds. */
  const sharedConversation = async ({ workspace, id }: Target): Promise<Partial<ConversationReference> | undefined> => {
    const reference = (await store.conversation('teams', referenceKey(workspace, id)))?.reference as Partial<ConversationReference> | undefined;
    const conversation = reference?.conversation;
    return conversation && conversation.conversationType !== 'personal' && conversation.id === id && reference.serviceUrl ? reference : undefined;
  };

  /** Sends a new card where `reference` points; the activity id when the connector gave one. */
  const send = async (reference: Partial<ConversationReference>, message: Message): Promise<string | undefined> => {
    let activityId: string | undefined;
    await inChat(reference, async (context) => {
      activityId = (await context.sendActivity(inTenant(renderReply(message), reference)))?.id;
    });
    return activityId;
  };

  /**
   * Runs `write` in that chat, as the bot writing a new message there (not
   * replying to anything). A failure comes back to the caller: left inside the
   * turn, it would reach the adapter's onTurnError, which posts an apology.
   */
  const inChat = async (reference: Partial<ConversationReference>, write: (context: TurnContext) => Promise<void>) => {
    let failure: { error: unknown } | undefined;
    await consoleToLog(log, 'botbuilder', () =>
      adapter.continueConversationAsync(appId, reference, async (context) => {
        // The continuation event's made-up id would otherwise become a replyToId.
        delete (context.activity as Partial<Activity>).id;
        await write(context).catch((error: unknown) => void (failure = { error }));
      }),
    );
    if (failure) throw failure.error;
  };

  /** Where a message can go: a person's personal chat, or a channel the bot was written to in. */
  const referenceFor = (kind: SendKind, target: Target) => (kind === 'private' ? personalChat(target) : sharedConversation(target));

  // Teams' published limits per bot: 7 messages a second in one conversation,
  // and about 50 a second across all of them.
  const buckets = {
    all: { key: 'teams:all', perSecond: 50, burst: 10 },
    conversation: ({ workspace, id }: Target): Bucket => ({ key: `teams:conversation:${referenceKey(workspace, id)}`, perSecond: 7, burst: 7 }),
  };

  return {
    async reachable(kind, target) {
      return (await referenceFor(kind, target)) !== undefined;
    },

    buckets: (_call, _kind, target) => [buckets.all, buckets.conversation(target)],

    // A final message's chat, taken when queued: the person's reference is erased before it goes.
    pin: async (kind, target) => ({ ...target, pinned: await referenceFor(kind, target) }),

    async send(kind, target, message) {
      const reference = (target.pinned as Partial<ConversationReference> | undefined) ?? (await referenceFor(kind, target));
      if (!reference) throw new DeliveryFailure('permanent', 'no stored conversation to post into');
      const activityId = await classified(buckets.conversation(target), () => send(addressed(reference, target.workspace), message));
      // Delivered without an id cannot be updated later, but it did arrive.
      return {
        platform: 'teams',
        workspace: target.workspace,
        ...(kind === 'private' ? { userId: target.id } : { conversationId: target.id }),
        ...(activityId ? { activityId } : {}),
      };
    },

    async update(delivery, message) {
      const parsed = privateDelivery.or(channelDelivery).safeParse(delivery);
      if (!parsed.success) throw new DeliveryFailure('permanent', 'not an updatable Teams message');
      const sent = parsed.data;
      const target = { workspace: sent.workspace, id: 'userId' in sent ? sent.userId : sent.conversationId };
      const reference = 'userId' in sent ? await personalChat(target) : await sharedConversation(target);
      if (!reference) throw new DeliveryFailure('permanent', 'the conversation is no longer known');
      const to = addressed(reference, sent.workspace);
      await classified(buckets.conversation(target), () =>
        inChat(to, async (context) => {
          await context.updateActivity({ ...inTenant(renderReply(message), to), id: sent.activityId });
        }),
      );
    },
  };
}

/**
 * The reference with its tenant: a chat is the tenant's, and Teams reads it from a
 * proactive message's conversation. A reference kept before tenants may not name
 * it; the person's (or home's) workspace then does.
 */
function addressed(reference: Partial<ConversationReference>, workspace: string): Partial<ConversationReference> {
  const tenantId = reference.conversation?.tenantId || workspace;
  return tenantId && reference.conversation ? { ...reference, conversation: { ...reference.conversation, tenantId } } : reference;
}

/** A proactive message names its tenant in channelData as well, where Teams' own samples put it (botbuilder copies only the conversation). */
function inTenant(activity: Partial<Activity>, reference: Partial<ConversationReference>): Partial<Activity> {
  const tenantId = reference.conversation?.tenantId;
  return tenantId ? { ...activity, channelData: { ...(activity.channelData as object | undefined), tenant: { id: tenantId } } } : activity;
}

// Teams asks bots to retry these, after Retry-After when given, else with a jittered back-off.
const RETRY_STATUSES = new Set([412, 429, 502, 504]);

/** Runs a connector call, turning its failure into what the dispatcher should do next. */
async function classified<T>(bucket: Bucket, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (err) {
    // No token, so nothing left: safe to send again once the managed identity answers.
    if (isTokenFailure(err)) throw new DeliveryFailure('transient', `no token for the bot (${tokenFailureReason(err)})`);
    const e = err as { statusCode?: number; code?: string; message?: string; response?: { headers?: { get?(name: string): string | undefined } } };
    const wait = retryAfterMs(e.response?.headers?.get?.('retry-after'));
    if (e.statusCode === 429) throw new DeliveryFailure('rate-limited', 'Teams rate limit (429)', wait, bucket);
    if (e.statusCode && RETRY_STATUSES.has(e.statusCode)) throw new DeliveryFailure('transient', `Teams answered ${e.statusCode}`, wait);
    if (e.statusCode && e.statusCode < 500) throw new DeliveryFailure('permanent', `Teams answered ${e.statusCode}`);
    // Other 5xx, or no answer at all: it may have been posted.
    throw new DeliveryFailure(
      e.code === 'ECONNREFUSED' || /ECONNREFUSED/.test(e.message ?? '') ? 'transient' : 'unknown',
      `Teams request failed (${e.statusCode ?? e.code ?? e.message ?? 'no answer'})`,
    );
  }
}
