// The playground's messages sent without being asked: a persona's private
// messages (check-ins, reminders, alerts) and the shared room's posts
// (digests) wait here until the page asks for them. In memory only, like the
// page's conversations; bounded so a long session cannot grow without limit.
import { randomUUID } from 'node:crypto';
import type { Message } from '../../core/message.js';
import type { Delivery } from '../../core/model.js';
import type { Clock } from '../../core/ports/clock.js';
import type { PlatformMessenger, SendKind, Target } from '../../delivery/platform-messenger.js';
import { chartOf, type ShownChart } from './playground-chart.js';

export interface InboxMessage extends ShownChart {
  id: string;
  /** When it was first sent (the server's clock), for the page to show. */
  at: string;
  message: Message;
}

export const INBOX_LIMIT = 200;

type Feeds = Map<string, InboxMessage[]>;

export class PlaygroundInbox implements PlatformMessenger {
  private readonly byUser: Feeds = new Map();
  private readonly byRoom: Feeds = new Map();

  constructor(
    private readonly clock: Clock,
    private readonly limit = INBOX_LIMIT,
  ) {}

  /** Nothing leaves the process and nothing is rate-limited: sent at once, never queued. */
  readonly direct = true;

  async reachable() {
    return true;
  }

  buckets() {
    return [];
  }

  async send(kind: SendKind, { id: target }: Target, message: Message): Promise<Delivery> {
    return kind === 'private'
      ? { platform: 'playground', userId: target, id: this.add(this.byUser, target, message) }
      : { platform: 'playground', conversationId: target, id: this.add(this.byRoom, target, message) };
  }

  async update(delivery: Delivery, message: Message): Promise<void> {
    if (delivery.platform !== 'playground') return;
    const feed =
      typeof delivery.userId === 'string'
        ? this.byUser.get(delivery.userId)
        : typeof delivery.conversationId === 'string'
          ? this.byRoom.get(delivery.conversationId)
          : undefined;
    const i = feed?.findIndex((m) => m.id === delivery.id) ?? -1;
    // Gone (dropped from the bounded feed, or sent before a restart): nothing to replace.
    if (feed && i >= 0) feed[i] = { id: feed[i]!.id, at: feed[i]!.at, message, ...chartOf(message) };
  }

  /** The private messages for one user, oldest first (copies: callers cannot change the inbox). */
  list(userId: string): InboxMessage[] {
    return (this.byUser.get(userId) ?? []).map((m) => ({ ...m }));
  }

  /** The posts to one shared conversation, oldest first. */
  room(conversationId: string): InboxMessage[] {
    return (this.byRoom.get(conversationId) ?? []).map((m) => ({ ...m }));
  }

  private add(feeds: Feeds, key: string, message: Message): string {
    const feed = feeds.get(key) ?? [];
    feeds.set(key, feed);
    // Random ids: a delivery stored before a restart never matches a newer message.
    const id = randomUUID();
    feed.push({ id, at: this.clock.now().toISOString(), message, ...chartOf(message) });
    if (feed.length > this.limit) feed.splice(0, feed.length - this.limit);
    return id;
  }
}
