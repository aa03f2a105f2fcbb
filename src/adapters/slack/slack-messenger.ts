// Private messages to Slack users (check-ins, reminders) for the core's
// Messenger port, and updating them later to content-free confirmations.
import type { webApi } from '@slack/bolt';
import type { Message } from '../../core/message.js';
import type { Delivery } from '../../core/model.js';
import type { Logger } from '../../log.js';
import { reportError } from '../../report-error.js';
import type { PlatformMessenger } from '../messenger-hub.js';
import { fallbackText, renderBlocks } from './render-blocks.js';

type WebClient = webApi.WebClient;

/** Where a Slack message landed: enough for chat.update, nothing else. */
export interface SlackDelivery extends Delivery {
  platform: 'slack';
  channel: string;
  ts: string;
}

const isSlackDelivery = (d: Delivery): d is SlackDelivery => d.platform === 'slack' && typeof d.channel === 'string' && typeof d.ts === 'string';

export function slackMessenger(client: WebClient, log: Logger): PlatformMessenger {
  return {
    async sendPrivate(userId, message: Message) {
      try {
        // Posting to a user id opens (or reuses) the bot's DM with them.
        const res = await client.chat.postMessage({ channel: userId, text: fallbackText(message), blocks: renderBlocks(message) });
        if (typeof res.channel !== 'string' || typeof res.ts !== 'string') return undefined;
        const delivery: SlackDelivery = { platform: 'slack', channel: res.channel, ts: res.ts };
        return delivery;
      } catch (err) {
        reportError(log, 'slack private message', err);
        return undefined;
      }
    },
    async update(delivery, message) {
      if (!isSlackDelivery(delivery)) return;
      try {
        await client.chat.update({ channel: delivery.channel, ts: delivery.ts, text: fallbackText(message), blocks: renderBlocks(message) });
      } catch (err) {
        // The message may have been deleted; the answer is recorded either way.
        reportError(log, 'slack message update', err);
      }
    },
  };
}
