// Ports: the only way the core reaches the world. Small, async, one in-memory
// implementation for tests and a real one for production each.
import type { ConversationRecord, Member, Organisation, Partnership, Platform } from './model.js';

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

  /** Makes every write so far durable and releases resources. */
  close(): Promise<void>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
