// The core's Messenger port on Teams: private messages as a card posted
// proactively into the person's personal chat with the bot (its reference is
// kept when they message or install Trellis), posts (digests) as a new card
// in a partnership's channel (its reference is kept when someone writes to
// the bot there), and either replaced in place later.
import type { Activity, ConversationReference, TurnContext } from 'botbuilder';
import type { TeamsAdapter } from '@microsoft/teams-ai';
import { z } from 'zod';
import type { Message } from '../../core/message.js';
import type { Delivery, Store } from '../../core/ports.js';
import type { Logger } from '../../log.js';
import { reportError } from '../../report-error.js';
import type { PlatformMessenger } from '../messenger-hub.js';
import { renderReply } from './render-card.js';

export interface TeamsMessengerDeps {
  adapter: TeamsAdapter;
  /**
   * The bot's app id. Empty in unauthenticated mode: botbuilder then posts to
   * the reference's serviceUrl without a token (its credentials are empty).
   */
  appId: string;
  store: Store;
  log: Logger;
}

const privateDelivery = z.object({ platform: z.literal('teams'), userId: z.string().min(1), activityId: z.string().min(1) });
const channelDelivery = z.object({ platform: z.literal('teams'), conversationId: z.string().min(1), activityId: z.string().min(1) });

export function createTeamsMessenger({ adapter, appId, store, log }: TeamsMessengerDeps): PlatformMessenger {
  /** The person's personal chat with the bot; never a channel, whatever the store holds. */
  const personalChat = async (userId: string): Promise<Partial<ConversationReference> | undefined> => {
    const reference = (await store.conversation('teams', userId))?.reference as Partial<ConversationReference> | undefined;
    return reference?.conversation?.conversationType === 'personal' && reference.serviceUrl ? reference : undefined;
  };

  /** A channel or group chat the bot was written to in; never a personal chat, whatever the store holds. */
  const sharedConversation = async (conversationId: string): Promise<Partial<ConversationReference> | undefined> => {
    const reference = (await store.conversation('teams', conversationId))?.reference as Partial<ConversationReference> | undefined;
    const conversation = reference?.conversation;
    return conversation && conversation.conversationType !== 'personal' && conversation.id === conversationId && reference.serviceUrl ? reference : undefined;
  };

  /** Sends a new card where `reference` points; the activity id when the connector gave one. */
  const send = async (reference: Partial<ConversationReference>, message: Message): Promise<string | undefined> => {
    let activityId: string | undefined;
    await inChat(reference, async (context) => {
      activityId = (await context.sendActivity(renderReply(message)))?.id;
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
    await adapter.continueConversationAsync(appId, reference, async (context) => {
      // The continuation event's made-up id would otherwise become a replyToId.
      delete (context.activity as Partial<Activity>).id;
      await write(context).catch((error: unknown) => void (failure = { error }));
    });
    if (failure) throw failure.error;
  };

  return {
    async sendPrivate(userId: string, message: Message): Promise<Delivery | undefined> {
      try {
        const reference = await personalChat(userId);
        if (!reference) return undefined;
        const activityId = await send(reference, message);
        // Delivered without an id cannot be updated later, but it did arrive.
        return { platform: 'teams', userId, ...(activityId ? { activityId } : {}) };
      } catch (err) {
        reportError(log, 'teams private message', err);
        return undefined;
      }
    },

    async sendToConversation(conversationId: string, message: Message): Promise<Delivery | undefined> {
      try {
        // Without a reference (nobody has written to the bot there yet) there is nowhere to post.
        const reference = await sharedConversation(conversationId);
        if (!reference) return undefined;
        const activityId = await send(reference, message);
        return { platform: 'teams', conversationId, ...(activityId ? { activityId } : {}) };
      } catch (err) {
        reportError(log, 'teams channel message', err);
        return undefined;
      }
    },

    async update(delivery: Delivery, message: Message): Promise<void> {
      try {
        const parsed = privateDelivery.or(channelDelivery).safeParse(delivery);
        if (!parsed.success) return;
        const target = parsed.data;
        const reference = 'userId' in target ? await personalChat(target.userId) : await sharedConversation(target.conversationId);
        if (!reference) return;
        await inChat(reference, async (context) => {
          await context.updateActivity({ ...renderReply(message), id: target.activityId });
        });
      } catch (err) {
        reportError(log, 'teams message update', err);
      }
    },
  };
}
