// The lowdb journal's entries: each change to the state is written under a
// name of its own and replayed through this table, never by calling a method
// of that name. The names are on disk in every journal ever written, so they
// never change whatever the store's methods come to be called; a new kind of
// change gets a new name, and a name not in the table is refused (journal.ts).
import type {
  AnswerSet,
  ConcernQuota,
  CustomItem,
  Invitation,
  Member,
  Organisation,
  Partnership,
  Platform,
  Protocol,
  Removal,
  Round,
  SentReminder,
  StoredConcern,
} from '../core/model.js';
import type { ConversationRecord } from '../core/ports/conversation-references.js';
import type { InstallationRecord } from '../core/ports/installations.js';
import type { Outgoing } from '../core/ports/outbox.js';
import type { RemovalKey } from '../core/ports/removals.js';
import type { StateStore } from './state-store.js';
import { legacyWorkspaceOf, underTenant } from './state-schema.js';

/** What follows each name, as written: instants travel through JSON as ISO strings. */
interface Entries {
  savePartnership: [Partnership];
  saveOrganisation: [Organisation];
  removeOrganisation: [id: string];
  saveMember: [Member];
  eraseMember: [memberId: string];
  saveConversation: [ConversationRecord];
  saveRound: [Round];
  saveInvitation: [Invitation];
  saveAnswerSet: [AnswerSet];
  saveCustomItem: [CustomItem];
  saveProtocol: [Protocol];
  saveConcern: [StoredConcern];
  eraseConcernText: [StoredConcern];
  dropComments: [roundId: string];
  saveConcernQuota: [ConcernQuota];
  saveSentReminder: [SentReminder];
  compactRound: [roundId: string, tally: { invited: number; answered: number }];
  cancelRound: [roundId: string, at: string];
  enqueueOutgoing: [Outgoing];
  claimOutgoing: [now: string, owner: string, leaseMs: number, limit: number];
  settleOutgoing: [Outgoing, owner: string];
  pruneOutgoing: [before: string];
  /**
   * A claim with when it was taken and until when (epoch ms), not its TTL:
   * replayed after a restart it must expire when it did, not later.
   */
  claimOnce: [key: string, at: number, until: number];
  saveInstallation: [InstallationRecord];
  deleteInstallation: [platform: Platform, workspace: string];
  saveRemoval: [Removal];
  deleteRemoval: [RemovalKey];
}
export type EntryName = keyof Entries;

/** One change as the journal holds it; replaying the same changes in the same order rebuilds the same state. */
export type Change = { [K in EntryName]: [K, ...Entries[K]] }[EntryName];

// Entries written before version 6 name people and homes without a workspace: they get theirs as
// the data file's migration gives them (a journal outlives an upgrade until the next compaction).
const withWorkspace = <T extends { workspace?: string }>(s: StateStore, x: T, platform: unknown, key: unknown): T & { workspace: string } =>
  typeof x.workspace === 'string' ? (x as T & { workspace: string }) : { ...x, workspace: legacyWorkspaceOf(platform, key, s.teamsTenants()) };

const APPLY: { [K in EntryName]: (store: StateStore, ...args: Entries[K]) => unknown } = {
  savePartnership: (s, p) => s.savePartnership({ ...p, homes: p.homes.map((h) => withWorkspace(s, h, h.platform, h.conversationId)) }),
  saveOrganisation: (s, o) => s.saveOrganisation(o),
  removeOrganisation: (s, id) => s.removeOrganisation(id),
  saveMember: (s, m) => s.saveMember(withWorkspace(s, m, m.platform, m.userId)),
  eraseMember: (s, memberId) => s.eraseMember(memberId),
  saveConversation: (s, c) => s.saveConversation(underTenant(c)),
  saveRound: (s, r) => s.saveRound(r),
  saveInvitation: (s, i) => s.saveInvitation(i),
  saveAnswerSet: (s, a) => s.saveAnswerSet(a),
  saveCustomItem: (s, c) => s.saveCustomItem(c),
  saveProtocol: (s, p) => s.saveProtocol(p),
  saveConcern: (s, c) => s.saveConcern(c),
  eraseConcernText: (s, c) => s.eraseConcernText(c),
  dropComments: (s, roundId) => s.dropComments(roundId),
  saveConcernQuota: (s, q) => s.saveConcernQuota(q),
  saveSentReminder: (s, r) => s.saveSentReminder(r),
  compactRound: (s, roundId, tally) => s.compactRound(roundId, tally),
  cancelRound: (s, roundId, at) => s.cancelRound(roundId, at),
  enqueueOutgoing: (s, o) => s.enqueueOutgoing(o),
  claimOutgoing: (s, now, owner, leaseMs, limit) => s.claimOutgoing(new Date(now), owner, leaseMs, limit),
  settleOutgoing: (s, o, owner) => s.settleOutgoing(o, owner),
  pruneOutgoing: (s, before) => s.pruneOutgoing(new Date(before)),
  claimOnce: (s, key, at, until) => s.takeClaim(key, at, until),
  saveInstallation: (s, i) => s.saveInstallation(i),
  deleteInstallation: (s, platform, workspace) => s.deleteInstallation(platform, workspace),
  saveRemoval: (s, r) => s.saveRemoval(r),
  deleteRemoval: (s, key) => s.deleteRemoval(key),
};

export const isEntryName = (name: unknown): name is EntryName => typeof name === 'string' && Object.hasOwn(APPLY, name);

/** Makes one recorded change again (the store is replaying: it records nothing). */
export async function applyEntry(store: StateStore, [name, ...args]: Change): Promise<void> {
  await (APPLY[name] as (store: StateStore, ...args: unknown[]) => unknown)(store, ...args);
}
