// The core's Messenger port: every message is recorded in the store's outbox
// and handed back at once as a handle, so opening a round for 2,000 people
// takes as long as writing 2,000 rows, not as long as the platform's limits.
// The dispatcher delivers them. The playground's in-memory inbox is direct.
import { createHmac, randomUUID } from 'node:crypto';
import type { Message } from '../core/message.js';
import type { Delivery, HomeConversation, Person, Platform } from '../core/model.js';
import type { Messenger } from '../core/ports/messenger.js';
import type { Outbox, Outgoing } from '../core/ports/outbox.js';
import { seal } from '../core/seal.js';
import type { MessengerHub, SendKind, Target } from './platform-messenger.js';
import { RateLimiter } from './rate-limiter.js';

export const OUTBOX_SEAL = 'outbox';
/** The longest a claimed message waits for room under a rate limit before it goes back to the queue (the dispatcher's rule). */
export const WAIT_IN_CLAIM_MS = 5_000;

/**
 * What a queued message holds, sealed: who it is for (`target`, or for an
 * update the `delivery` or the queued message it `replaces`) and what it says;
 * once sent, only where it landed. An update's link to what it replaces is
 * sealed too: it would tie one person's "Answered" to their invitation.
 */
export interface OutboxPayload {
  /** A bare id in messages queued before workspaces (their workspace is the legacy one). */
  target?: Target | string;
  message?: Message;
  delivery?: Delivery;
  replaces?: string;
}

/** The handle the core keeps for a queued message (e.g. to update a check-in later). */
export type QueuedDelivery = { platform: Platform; outgoing: string };
export const isQueued = (d: Delivery): d is QueuedDelivery & Delivery => typeof d.outgoing === 'string';

export class OutboxMessenger implements Messenger {
  /** Each send's turn under its platform's limits, as if everything queued here went at exactly their pace (see `send`). */
  private readonly turns = new RateLimiter();

  constructor(
    private readonly store: Outbox,
    private readonly hub: MessengerHub,
    private readonly secret: string,
    /** Tells the dispatcher there is work, so a single message goes out at once. */
    private readonly wake: () => void = () => {},
  ) {}

  sendPrivate(to: Person, message: Message, once?: string, final?: boolean) {
    return this.send(to.platform, 'private', { workspace: to.workspace, id: to.userId }, message, once, final);
  }

  sendToConversation(home: Pick<HomeConversation, 'platform' | 'workspace' | 'conversationId'>, message: Message) {
    return this.send(home.platform, 'conversation', { workspace: home.workspace, id: home.conversationId }, message);
  }

  async update(delivery: Delivery, message: Message): Promise<void> {
    const platform = this.hub.get(delivery.platform);
    if (!platform) return;
    if (platform.direct && !isQueued(delivery)) return platform.update(delivery, message);
    await this.enqueue(delivery.platform, 'update', isQueued(delivery) ? { message, replaces: delivery.outgoing } : { message, delivery });
  }

  private async send(platformName: Platform, kind: SendKind, given: Target, message: Message, once?: string, final?: boolean): Promise<Delivery | undefined> {
    const platform = this.hub.get(platformName);
    if (!platform || !(await platform.reachable(kind, given))) return undefined;
    const target = final && platform.pin ? await platform.pin(kind, given) : given;
    if (platform.direct) return platform.send(kind, target, message, randomUUID());
    // The outbox hands out messages oldest `notBefore` first. Were that the time of queueing, a round
    // for members in two workspaces would go out one workspace after the other, though each has
    // its own limits: the dispatcher holds only a few claimed messages at a time, all of the first
    // workspace. So a send is due from its turn under its own limits, less what the dispatcher will
    // wait under a claim (so nothing within that goes later than before): every workspace's queue
    // then interleaves with the others', and each is paced to its own limit, side by side.
    const turn = this.turns.reserve(platform.buckets('send', kind, target)) - WAIT_IN_CLAIM_MS;
    const id = await this.enqueue(platformName, kind, { target, message }, once, turn);
    return { platform: platformName, outgoing: id } satisfies QueuedDelivery;
  }

  /** `dueInMs`: when it may first be tried, from now (negative puts it ahead of what is due now). */
  private async enqueue(platform: Platform, kind: Outgoing['kind'], payload: OutboxPayload, once?: string, dueInMs = 0): Promise<string> {
    const now = new Date().toISOString();
    // A keyed message gets an id from its key (hashed: the key names a person's invitation), so recording it twice records it once.
    const id = once ? createHmac('sha256', this.secret).update(`outgoing:${once}`).digest('hex').slice(0, 32) : randomUUID();
    await this.store.enqueueOutgoing({
      id,
      platform,
      kind,
      status: 'pending',
      attempts: 0,
      notBefore: dueInMs ? new Date(Date.parse(now) + dueInMs).toISOString() : now,
      createdAt: now,
      sealed: seal(this.secret, OUTBOX_SEAL, payload),
    });
    this.wake();
    return id;
  }
}
