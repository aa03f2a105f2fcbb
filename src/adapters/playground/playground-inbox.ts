// The playground's private messages: what Trellis sends a persona on its own
// (check-ins, reminders) waits here until the page asks for it. In memory
// only, like the page's conversations; bounded so a long session cannot grow
// without limit.
import { randomUUID } from 'node:crypto';
import type { Message } from '../../core/message.js';
import type { Delivery } from '../../core/model.js';
import type { Clock } from '../../core/ports.js';
import type { PlatformMessenger } from '../messenger-hub.js';

export interface InboxMessage {
  id: string;
  /** When it was first sent (the server's clock), for the page to show. */
  at: string;
  message: Message;
}

export const INBOX_LIMIT = 200;

export class PlaygroundInbox implements PlatformMessenger {
  private readonly byUser = new Map<string, InboxMessage[]>();

  constructor(
    private readonly clock: Clock,
    private readonly limit = INBOX_LIMIT,
  ) {}

  async sendPrivate(userId: string, message: Message): Promise<Delivery> {
    const inbox = this.byUser.get(userId) ?? [];
    this.byUser.set(userId, inbox);
    // Random ids: a delivery stored before a restart never matches a newer message.
    const id = randomUUID();
    inbox.push({ id, at: this.clock.now().toISOString(), message });
    if (inbox.length > this.limit) inbox.splice(0, inbox.length - this.limit);
    return { platform: 'playground', userId, id };
  }

  async update(delivery: Delivery, message: Message): Promise<void> {
    if (delivery.platform !== 'playground' || typeof delivery.userId !== 'string') return;
    const entry = this.byUser.get(delivery.userId)?.find((m) => m.id === delivery.id);
    // Gone (dropped from the bounded inbox, or sent before a restart): nothing to replace.
    if (entry) entry.message = message;
  }

  /** The messages for one user, oldest first (copies: callers cannot change the inbox). */
  list(userId: string): InboxMessage[] {
    return (this.byUser.get(userId) ?? []).map((m) => ({ ...m }));
  }
}
