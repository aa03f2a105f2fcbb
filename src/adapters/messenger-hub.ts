// The core's Messenger port, routed to whichever adapter serves the platform.
import type { Message } from '../core/message.js';
import type { Delivery, Platform } from '../core/model.js';
import type { Messenger } from '../core/ports.js';

/** What one adapter provides: private messages to its own users, and posts to its conversations. */
export interface PlatformMessenger {
  sendPrivate(userId: string, message: Message): Promise<Delivery | undefined>;
  /** A post to a shared conversation (a partnership's home channel), chart included. */
  sendToConversation(conversationId: string, message: Message): Promise<Delivery | undefined>;
  update(delivery: Delivery, message: Message): Promise<void>;
}

export class MessengerHub implements Messenger {
  private readonly by = new Map<Platform, PlatformMessenger>();

  register(platform: Platform, messenger: PlatformMessenger): void {
    this.by.set(platform, messenger);
  }

  async sendPrivate(to: { platform: Platform; userId: string }, message: Message) {
    return this.by.get(to.platform)?.sendPrivate(to.userId, message);
  }

  async sendToConversation(platform: Platform, conversationId: string, message: Message) {
    return this.by.get(platform)?.sendToConversation(conversationId, message);
  }

  async update(delivery: Delivery, message: Message) {
    await this.by.get(delivery.platform)?.update(delivery, message);
  }
}
