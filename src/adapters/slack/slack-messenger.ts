// The core's Messenger port on Slack: private messages (check-ins, reminders,
// alerts) to a person's DM, posts (digests) to a partnership's channel, and
// updating a message later to a content-free confirmation.
import type { webApi } from '@slack/bolt';
import type { Message } from '../../core/message.js';
import type { Delivery } from '../../core/model.js';
import type { Logger } from '../../log.js';
import { reportError } from '../../report-error.js';
import type { PlatformMessenger } from '../messenger-hub.js';
import { fallbackText, renderBlocks } from './render-blocks.js';
import { uploadChart } from './slack-chart.js';

type WebClient = webApi.WebClient;

/** Where a Slack message landed: enough for chat.update, nothing else. */
export interface SlackDelivery extends Delivery {
  platform: 'slack';
  channel: string;
  ts: string;
}

const isSlackDelivery = (d: Delivery): d is SlackDelivery => d.platform === 'slack' && typeof d.channel === 'string' && typeof d.ts === 'string';

export function slackMessenger(client: WebClient, log: Logger): PlatformMessenger {
  /** Posts to a channel, or to a user id (which opens or reuses the bot's DM with them). */
  const post = async (channel: string, message: Message): Promise<SlackDelivery | undefined> => {
    const res = await client.chat.postMessage({ channel, text: fallbackText(message), blocks: renderBlocks(message) });
    if (typeof res.channel !== 'string' || typeof res.ts !== 'string') return undefined;
    return { platform: 'slack', channel: res.channel, ts: res.ts };
  };

  /** The chart as an image in the message's thread. The message already carries its sparkline, so a failure loses nothing essential. */
  const attachChart = async (message: Message, delivery: SlackDelivery | undefined) => {
    if (!message.chart || !delivery) return;
    await uploadChart(client, delivery.channel, message.chart, delivery.ts).catch((err: unknown) => reportError(log, 'slack chart upload', err));
  };

  // A user id opens the bot's DM with that person; a channel id posts there.
  const deliver = (where: string) => async (target: string, message: Message) => {
    try {
      const delivery = await post(target, message);
      await attachChart(message, delivery);
      return delivery;
    } catch (err) {
      reportError(log, `slack ${where} message`, err);
      return undefined;
    }
  };

  return {
    sendPrivate: deliver('private'),
    sendToConversation: deliver('channel'),
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
