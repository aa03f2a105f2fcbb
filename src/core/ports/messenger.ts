// How the core sends: to a person privately, to a shared conversation, or by
// replacing what it sent. In the server this is delivery's outbox messenger;
// the core never learns which platform or queue is behind it.
import type { Message } from '../message.js';
import type { Delivery, HomeConversation, Person } from '../model.js';

export interface Messenger {
  /**
   * Sends to a person privately (a DM, a personal chat); undefined when they cannot be reached yet.
   * With `once`, a key naming this message, a second send with the same key (a fan-out resumed after a crash) sends nothing more.
   * `final`: the last message to someone about to be erased (`member remove`): the way to reach them is taken now, since
   * it is erased before a queued message goes.
   */
  sendPrivate(to: Person, message: Message, once?: string, final?: boolean): Promise<Delivery | undefined>;
  /** Posts to a shared conversation (a partnership's home channel); undefined when it cannot. */
  sendToConversation(home: Pick<HomeConversation, 'platform' | 'workspace' | 'conversationId'>, message: Message): Promise<Delivery | undefined>;
  /** Replaces a message sent earlier (e.g. a check-in becomes "Answered"). */
  update(delivery: Delivery, message: Message): Promise<void>;
}
