// The repository: the records the core keeps — exactly what the core reads and
// writes, and nothing else a store does (the outbox, coordination and
// conversation references have ports of their own, for their own users).
import type {
  AnswerSet,
  ConcernQuota,
  CustomItem,
  Invitation,
  Member,
  Organisation,
  Partnership,
  Person,
  Platform,
  Protocol,
  Round,
  SentReminder,
  StoredConcern,
} from '../model.js';
import type { Removals } from './removals.js';

export interface Repository extends Removals {
  partnership(id: string): Promise<Partnership | undefined>;
  partnershipByInvite(code: string): Promise<Partnership | undefined>;
  partnershipByHome(platform: Platform, conversationId: string): Promise<Partnership | undefined>;
  partnerships(): Promise<Partnership[]>;
  savePartnership(p: Partnership): Promise<void>;

  organisations(partnershipId: string): Promise<Organisation[]>;
  saveOrganisation(o: Organisation): Promise<void>;
  /** Only an organisation nobody belongs to and no protocol names (core/commands/organisations.ts checks); answer sets keep its id, sealed. */
  removeOrganisation(id: string): Promise<void>;

  members(partnershipId: string): Promise<Member[]>;
  /** Only their display names (names.ts marks them literal on every reply and send: no need to copy every member for that). */
  memberNames(partnershipId: string): Promise<string[]>;
  /** Every membership of one person (platform, workspace, user id), across partnerships. */
  membershipsOf(person: Person): Promise<Member[]>;
  saveMember(m: Member): Promise<void>;
  /**
   * Erases one member, in one step (`leave`, `member remove`): their row (name, ids, sealed
   * email), the message handles on their invitations (kept, so round counts stay right: the
   * member id left on them names nobody once the row is gone), and — when no other membership of
   * theirs remains — the personal conversation references kept for them. Answer sets are not
   * touched: keyed by a hash under the secret, they were never linked to the row.
   */
  eraseMember(memberId: string): Promise<void>;

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
  /** Drops the free text (`comment`, and a closing check-in's `texts`) from every answer set of a round (or review), in one step, leaving the rest of each set as it was and no earlier version behind. */
  dropComments(roundId: string): Promise<void>;

  customItems(partnershipId: string): Promise<CustomItem[]>;
  saveCustomItem(c: CustomItem): Promise<void>;

  protocols(partnershipId: string): Promise<Protocol[]>;
  protocol(id: string): Promise<Protocol | undefined>;
  saveProtocol(p: Protocol): Promise<void>;

  /** Concerns as stored: their bodies sealed; only core/concerns/concern-seal.ts opens them. */
  concerns(partnershipId: string): Promise<StoredConcern[]>;
  concern(id: string): Promise<StoredConcern | undefined>;
  saveConcern(c: StoredConcern): Promise<void>;
  /**
   * Replaces a concern with its erased form (core/concerns/retention.ts: head kept, body sealed without
   * its words, relay erased), leaving no earlier version of it in the store's own files.
   */
  eraseConcernText(c: StoredConcern): Promise<void>;
  concernQuota(key: string): Promise<ConcernQuota | undefined>;
  saveConcernQuota(q: ConcernQuota): Promise<void>;

  reminderSent(key: string): Promise<boolean>;
  saveSentReminder(r: SentReminder): Promise<void>;

  /** Compacts a closed round: keeps `tally` on the round and drops its invitations, in one step. */
  compactRound(roundId: string, tally: { invited: number; answered: number }): Promise<void>;
  /** Cancels a round opened by mistake: marks it cancelled (and closed, if it was open) and deletes its invitations and answer sets, in one step. */
  cancelRound(roundId: string, at: string): Promise<void>;
}
