// What each adapter provides for sending, and the registry of them by platform.
// The core never calls these directly: src/delivery queues and paces every send,
// and owns this contract so that arrows run adapters → delivery → core.
import type { Message } from '../core/message.js';
import type { Delivery, Platform } from '../core/model.js';
import type { Bucket } from './rate-limiter.js';

/** A private message goes to a person; a conversation message to a shared channel. */
export type SendKind = 'private' | 'conversation';

/**
 * Who or where a message goes: a user or conversation id within one workspace
 * (Slack team or Enterprise Grid org, Teams tenant), whose installation, token
 * and rate limits carry it.
 */
export interface Target {
  workspace: string;
  id: string;
  /** Where a final message goes (a Teams chat's reference, an email address), taken when it was queued: see `pin`. */
  pinned?: unknown;
}

export interface PlatformMessenger {
  /** Sent at once, never queued: nothing leaves the process (the playground's inbox). */
  readonly direct?: boolean;
  /** False when `target` can never be reached (Teams without a stored chat): such a message is not queued. */
  reachable(kind: SendKind, target: Target): Promise<boolean>;
  /**
   * Sends now, or throws a DeliveryFailure saying whether it may be retried.
   * `tag` rides along where the platform keeps it, so `find` can tell later whether it arrived.
   */
  send(kind: SendKind, target: Target, message: Message, tag: string): Promise<Delivery>;
  /** Replaces a message sent earlier; throws a DeliveryFailure like `send`. */
  update(delivery: Delivery, message: Message): Promise<void>;
  /** Where the message sent with `tag` since `since` landed, or undefined when it never arrived. Absent when the platform cannot look. */
  find?(kind: SendKind, target: Target, tag: string, since: Date): Promise<Delivery | undefined>;
  /**
   * The target with the way to reach it taken now (`pinned`), for a last message to someone whose
   * reference or address is erased before the queue reaches it. Sealed in the outbox with the message
   * and gone with it once sent. Absent where the target alone reaches them (a Slack user id).
   */
  pin?(kind: SendKind, target: Target): Promise<Target>;
  /** The rate limits one call spends. */
  buckets(call: 'send' | 'update', kind: SendKind, target: Target): Bucket[];
}

export class MessengerHub {
  private readonly by = new Map<Platform, PlatformMessenger>();

  register(platform: Platform, messenger: PlatformMessenger): void {
    this.by.set(platform, messenger);
  }

  get(platform: Platform): PlatformMessenger | undefined {
    return this.by.get(platform);
  }
}
