// Ports: the only way the core reaches the world. Small, async, one in-memory
// implementation for tests and a real one for production each.
import type { Message } from './message.js';
import type { AnswerSet, Concern, ConcernQuota, ConversationRecord, CustomItem, Delivery, Invitation, Member, Organisation, Partnership, Platform, Protocol, Round, SentReminder } from './model.js';

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

  concerns(partnershipId: string): Promise<Concern[]>;
  concern(id: string): Promise<Concern | undefined>;
  saveConcern(c: Concern): Promise<void>;
  concernQuota(key: string): Promise<ConcernQuota | undefined>;
  saveConcernQuota(q: ConcernQuota): Promise<void>;

  reminderSent(key: string): Promise<boolean>;
  saveSentReminder(r: SentReminder): Promise<void>;

  /** Makes every write so far durable and releases resources. */
  close(): Promise<void>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };


export type { Delivery };

export interface Messenger {
  /** Sends to a person privately (a DM, a personal chat); undefined when they cannot be reached yet. */
  sendPrivate(to: { platform: Platform; userId: string }, message: Message): Promise<Delivery | undefined>;
  /** Posts to a shared conversation (a partnership's home channel); undefined when it cannot. */
  sendToConversation(platform: Platform, conversationId: string, message: Message): Promise<Delivery | undefined>;
  /** Replaces a message sent earlier (e.g. a check-in becomes "Thanks — answered"). */
  update(delivery: Delivery, message: Message): Promise<void>;
}
