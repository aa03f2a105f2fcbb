// Ports: the only way the core reaches the world. Small, async, one in-memory
// implementation for tests and a real one for production each.
import type { Message } from './message.js';
import type { AnswerSet, ClaimedOutgoing, ConcernQuota, ConversationRecord, CustomItem, Delivery, Invitation, Member, Organisation, Outgoing, Partnership, Platform, Protocol, Round, SentReminder, StoredConcern } from './model.js';

export interface Store {
  partnership(id: string): Promise<Partnership | undefined>;
  partnershipByInvite(code: string): Promise<Partnership | undefined>;
  partnershipByHome(platform: Platform, conversationId: string): Promise<Partnership | undefined>;
  partnerships(): Promise<Partnership[]>;
  savePartnership(p: Partnership): Promise<void>;

  organisations(partnershipId: string): Promise<Organisation[]>;
  saveOrganisation(o: Organisation): Promise<void>;

  members(partnershipId: string): Promise<Member[]>;
  /** Every membership of one person on one platform, across partnerships. */
  membershipsOf(platform: Platform, userId: string): Promise<Member[]>;
  saveMember(m: Member): Promise<void>;

  conversation(platform: Platform, key: string): Promise<ConversationRecord | undefined>;
  saveConversation(c: ConversationRecord): Promise<void>;

  rounds(partnershipId: string): Promise<Round[]>;
  round(id: string): Promise<Round | undefined>;
  saveRound(r: Round): Promise<void>;

  invitations(roundId: string): Promise<Invitation[]>;
  /** One person's invitation to one round (the hot path when answering: no need to copy everyone's). */
  invitation(roundId: string, memberId: string): Promise<Invitation | undefined>;
  saveInvitation(i: Invitation): Promise<void>;

  answerSet(roundId: string, key: string): Promise<AnswerSet | undefined>;
  answerSets(roundId: string): Promise<AnswerSet[]>;
  /** Replaces the set with the same round and key: changing answers never duplicates them. */
  saveAnswerSet(a: AnswerSet): Promise<void>;

  customItems(partnershipId: string): Promise<CustomItem[]>;
  saveCustomItem(c: CustomItem): Promise<void>;

  protocols(partnershipId: string): Promise<Protocol[]>;
  protocol(id: string): Promise<Protocol | undefined>;
  saveProtocol(p: Protocol): Promise<void>;

  /** Concerns as stored: their bodies sealed; only core/concerns/concern-seal.ts opens them. */
  concerns(partnershipId: string): Promise<StoredConcern[]>;
  concern(id: string): Promise<StoredConcern | undefined>;
  saveConcern(c: StoredConcern): Promise<void>;
  concernQuota(key: string): Promise<ConcernQuota | undefined>;
  saveConcernQuota(q: ConcernQuota): Promise<void>;

  reminderSent(key: string): Promise<boolean>;
  saveSentReminder(r: SentReminder): Promise<void>;

  /** Compacts a closed round: keeps `tally` on the round and drops its invitations, in one step. */
  compactRound(roundId: string, tally: { invited: number; answered: number }): Promise<void>;

  /**
   * Runs `work` while no other holder of `scope` runs, in this process and —
   * on a shared database — in every instance. Not re-entrant.
   */
  exclusive<T>(scope: string, work: () => Promise<T>): Promise<T>;
  /** True for the first caller to claim `key` (an event id, a schedule's fire) until `ttlMs` passes; false for every other. */
  claimOnce(key: string, ttlMs: number): Promise<boolean>;

  /** Records an outgoing message; a second record with the same id changes nothing. */
  enqueueOutgoing(o: Outgoing): Promise<void>;
  outgoing(id: string): Promise<Outgoing | undefined>;
  /**
   * Takes up to `limit` messages due at `now` — pending ones, and ones whose
   * sender's lease ran out — oldest `notBefore` first, marking them `sending`
   * by `owner` until `now + leaseMs` and counting the attempt. Two claimers never get the same message.
   */
  claimOutgoing(now: Date, owner: string, leaseMs: number, limit: number): Promise<ClaimedOutgoing[]>;
  /** Saves a claimed message's new state, only while `owner` still holds it; false when its lease was taken over. */
  settleOutgoing(o: Outgoing, owner: string): Promise<boolean>;
  /** Forgets sent and failed messages created before `before`. */
  pruneOutgoing(before: Date): Promise<number>;

  /** Makes every write so far durable and releases resources. */
  close(): Promise<void>;
}

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
