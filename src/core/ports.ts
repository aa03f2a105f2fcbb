// Ports: the only way the core reaches the world. Small, async, one in-memory
// implementation for tests and a real one for production each. ports/ holds
// one port a file, named for who uses it: the core's repository and delivery
// status, delivery's outbox, coordination, the adapters' conversation
// references. The stores implement all of them but delivery status.
import type { Message } from './message.js';
import type { Delivery, Platform } from './model.js';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export type { Delivery };

export interface Messenger {
  /**
   * Sends to a person privately (a DM, a personal chat); undefined when they cannot be reached yet.
   * With `once`, a key naming this message, a second send with the same key (a fan-out resumed after a crash) sends nothing more.
   */
  sendPrivate(to: { platform: Platform; userId: string }, message: Message, once?: string): Promise<Delivery | undefined>;
  /** Posts to a shared conversation (a partnership's home channel); undefined when it cannot. */
  sendToConversation(platform: Platform, conversationId: string, message: Message): Promise<Delivery | undefined>;
  /** Replaces a message sent earlier (e.g. a check-in becomes "Thanks — answered"). */
  update(delivery: Delivery, message: Message): Promise<void>;
}
