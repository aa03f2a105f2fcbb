// Every store port over one State object held in memory. The memory store
// (memory-store.ts) is this with nothing to persist; the lowdb store is this
// with a durable file behind.
import {
  samePerson,
  type AnswerSet,
  type ConcernQuota,
  type CustomItem,
  type Invitation,
  type Member,
  type Organisation,
  type Partnership,
  type Person,
  type Platform,
  type Protocol,
  type Removal,
  type Round,
  type SentReminder,
  type StoredConcern,
} from '../core/model.js';
import type { ConversationRecord } from '../core/ports/conversation-references.js';
import type { InstallationRecord } from '../core/ports/installations.js';
import { sameRemoval, type RemovalKey } from '../core/ports/removals.js';
import type { ClaimedOutgoing, Outgoing } from '../core/ports/outbox.js';
import type { Store } from './store.js';
import { emptyState, teamsTenants, type State } from './state-schema.js';
import { KeyedMutex } from './keyed-mutex.js';
import { applyEntry, type Change } from './journal-entries.js';

/** A personal chat's conversation reference is kept under the user id (Teams: after its tenant). */
export const personalConversationKeys = (p: Person) => [p.userId, `${p.workspace}/${p.userId}`];

const personKey = (p: Person) => `${p.platform}\u0000${p.workspace}\u0000${p.userId}`;

// Callers get copies: changing a returned object must not change the store
// behind its back (the real databases would not let them either). The state
// is plain JSON data, so a plain recursive copy does, at a tenth of
// structuredClone's cost — and answering copies a few dozen objects.
function copy<T>(x: T): T {
  if (Array.isArray(x)) return x.map(copy) as T;
  if (x === null || typeof x !== 'object') return x;
  const out: Record<string, unknown> = {};
  // for…in: JSON objects have no inherited enumerable keys, and it is the fastest walk.
  for (const k in x) {
    const v = (x as Record<string, unknown>)[k];
    // Assigning "__proto__" would set the prototype rather than copy the field.
    if (k === '__proto__') Object.defineProperty(out, k, { value: copy(v), enumerable: true, writable: true, configurable: true });
    else out[k] = copy(v);
  }
  return out as T;
}

function upsert<T>(list: T[], item: T, same: (a: T) => boolean): void {
  const i = list.findIndex(same);
  if (i === -1) list.push(copy(item));
  else list[i] = copy(item);
}

export class StateStore implements Store {
  private readonly mutex = new KeyedMutex();
  /** The state's claims by key → until (epoch ms): a replayed request must find its claim after a restart too. */
  private readonly claims = new Map<string, number>();

  constructor(protected readonly state: State = emptyState()) {
    // Answer sets are kept in key order (see saveAnswerSet), which lets lookups
    // bisect; a file from before that rule is put in order in memory (stable, nothing dropped).
    const sets = state.answerSets;
    if (sets.some((x, i) => i > 0 && sets[i - 1]!.key > x.key)) sets.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const c of state.claims) this.claims.set(c.key, Date.parse(c.until));
  }

  /** Makes a change durable. Called as soon as the change is made in memory, so calls arrive in the order of the changes. In memory: nothing to do. */
  protected async persist(_change: Change): Promise<void> {}

  /** Records a change to be made durable with the next one that is waited for (or at close), without a commit of its own. In memory: nothing to do. */
  protected persistWithNext(_change: Change): void {}

  private replaying = false;
  private changed(change: Change): Promise<void> {
    return this.replaying ? Promise.resolve() : this.persist(change);
  }

  /** Makes the same changes again, in order, without persisting them (the lowdb journal, on opening). */
  protected async replay(changes: Change[]): Promise<void> {
    this.replaying = true;
    try {
      for (const change of changes) await applyEntry(this, change);
    } finally {
      this.replaying = false;
    }
  }

  async partnership(id: string) {
    return copy(this.state.partnerships.find((p) => p.id === id));
  }
  async partnershipByInvite(code: string) {
    return copy(this.state.partnerships.find((p) => p.inviteCode === code));
  }
  async partnershipByHome(platform: Platform, conversationId: string) {
    return copy(this.state.partnerships.find((p) => p.homes.some((h) => h.platform === platform && h.conversationId === conversationId)));
  }
  async partnerships() {
    return copy(this.state.partnerships);
  }
  async savePartnership(p: Partnership) {
    upsert(this.state.partnerships, p, (x) => x.id === p.id);
    await this.changed(['savePartnership', p]);
  }

  async organisations(partnershipId: string) {
    return copy(this.state.organisations.filter((o) => o.partnershipId === partnershipId));
  }
  async saveOrganisation(o: Organisation) {
    upsert(this.state.organisations, o, (x) => x.id === o.id);
    await this.changed(['saveOrganisation', o]);
  }
  async removeOrganisation(id: string) {
    this.state.organisations = this.state.organisations.filter((o) => o.id !== id);
    await this.changed(['removeOrganisation', id]);
  }

  async members(partnershipId: string) {
    return copy(this.state.members.filter((m) => m.partnershipId === partnershipId));
  }
  async memberNames(partnershipId: string) {
    return this.state.members.filter((m) => m.partnershipId === partnershipId).map((m) => m.displayName);
  }
  async membershipsOf(person: Person) {
    return copy(
      this.memberIndex()
        .get(personKey(person))
        ?.map((at) => this.state.members[at]!) ?? [],
    );
  }
  async saveMember(m: Member) {
    // One person is one member of a partnership, whatever id a caller holds.
    upsert(this.state.members, m, (x) => x.id === m.id || (x.partnershipId === m.partnershipId && samePerson(x, m)));
    this.byPerson = undefined;
    await this.changed(['saveMember', m]);
  }

  async eraseMember(memberId: string) {
    const member = this.state.members.find((m) => m.id === memberId);
    if (!member) return;
    this.state.members = this.state.members.filter((m) => m.id !== memberId);
    this.byPerson = undefined;
    this.state.invitations = this.state.invitations.map((i) => (i.memberId === memberId && i.delivery ? { roundId: i.roundId, memberId } : i));
    if (!this.state.members.some((m) => samePerson(m, member))) {
      const keys = personalConversationKeys(member);
      this.state.conversations = this.state.conversations.filter((c) => !(c.platform === member.platform && keys.includes(c.key)));
    }
    await this.changed(['eraseMember', memberId]);
  }

  /** For replaying journal entries from before workspaces (journal-entries.ts). */
  teamsTenants(): Map<string, string> {
    return teamsTenants(this.state.conversations);
  }

  async conversation(platform: Platform, key: string) {
    return copy(this.state.conversations.find((c) => c.platform === platform && c.key === key));
  }
  async saveConversation(c: ConversationRecord) {
    upsert(this.state.conversations, c, (x) => x.platform === c.platform && x.key === c.key);
    await this.changed(['saveConversation', c]);
  }

  async installation(platform: Platform, workspace: string) {
    return copy(this.state.installations.find((i) => i.platform === platform && i.workspace === workspace));
  }
  async saveInstallation(i: InstallationRecord) {
    upsert(this.state.installations, i, (x) => x.platform === i.platform && x.workspace === i.workspace);
    await this.changed(['saveInstallation', i]);
  }
  async deleteInstallation(platform: Platform, workspace: string) {
    const keep = this.state.installations.filter((x) => !(x.platform === platform && x.workspace === workspace));
    if (keep.length === this.state.installations.length) return false;
    this.state.installations = keep;
    await this.changed(['deleteInstallation', platform, workspace]);
    return true;
  }

  async removals() {
    return copy(this.state.removals);
  }
  async saveRemoval(r: Removal) {
    upsert(this.state.removals, r, (x) => sameRemoval(x, r));
    await this.changed(['saveRemoval', r]);
  }
  async deleteRemoval(key: RemovalKey) {
    const keep = this.state.removals.filter((x) => !sameRemoval(x, key));
    if (keep.length === this.state.removals.length) return false;
    this.state.removals = keep;
    await this.changed(['deleteRemoval', key]);
    return true;
  }

  async rounds(partnershipId: string) {
    return copy(this.state.rounds.filter((r) => r.partnershipId === partnershipId));
  }
  async round(id: string) {
    return copy(this.state.rounds.find((r) => r.id === id));
  }
  async saveRound(r: Round) {
    upsert(this.state.rounds, r, (x) => x.id === r.id);
    await this.changed(['saveRound', r]);
  }

  async invitations(roundId: string) {
    return copy([...(this.invitationIndex().get(roundId)?.values() ?? [])].map((at) => this.state.invitations[at]!));
  }
  async invitation(roundId: string, memberId: string) {
    const at = this.invitationIndex().get(roundId)?.get(memberId);
    return at === undefined ? undefined : copy(this.state.invitations[at]);
  }
  async saveInvitation(i: Invitation) {
    const index = this.invitationIndex();
    const at = index.get(i.roundId)?.get(i.memberId);
    if (at !== undefined) this.state.invitations[at] = copy(i);
    else {
      this.state.invitations.push(copy(i));
      (index.get(i.roundId) ?? index.set(i.roundId, new Map()).get(i.roundId)!).set(i.memberId, this.state.invitations.length - 1);
    }
    await this.changed(['saveInvitation', i]);
  }

  // Positions in the lists, so that answering a check-in among thousands of
  // members, invitations and queued messages looks its own up directly. Built
  // on first use; dropped whenever a list is rebuilt.
  private byRound?: Map<string, Map<string, number>>;
  private byPerson?: Map<string, number[]>;
  private outgoingAt?: Map<string, number>;
  private invitationIndex() {
    if (!this.byRound) {
      const index = (this.byRound = new Map<string, Map<string, number>>());
      this.state.invitations.forEach((inv, at) => (index.get(inv.roundId) ?? index.set(inv.roundId, new Map()).get(inv.roundId)!).set(inv.memberId, at));
    }
    return this.byRound;
  }
  private memberIndex() {
    if (!this.byPerson) {
      const index = (this.byPerson = new Map<string, number[]>());
      this.state.members.forEach((m, at) => {
        const key = personKey(m);
        (index.get(key) ?? index.set(key, []).get(key)!).push(at);
      });
    }
    return this.byPerson;
  }
  private outgoingIndex() {
    this.outgoingAt ??= new Map(this.state.outgoing.map((o, at) => [o.id, at]));
    return this.outgoingAt;
  }

  async answerSet(roundId: string, key: string) {
    const i = this.answerSetAt(roundId, key);
    return i === -1 ? undefined : copy(this.state.answerSets[i]);
  }
  async answerSets(roundId: string) {
    return copy(this.state.answerSets.filter((a) => a.roundId === roundId));
  }
  async saveAnswerSet(a: AnswerSet) {
    const list = this.state.answerSets;
    const i = this.answerSetAt(a.roundId, a.key);
    if (i !== -1) list[i] = copy(a);
    // Kept in key order, not arrival order: position in the file must not
    // line up with the order people were recorded as having answered.
    else list.splice(this.afterKey(a.key), 0, copy(a));
    await this.changed(['saveAnswerSet', a]);
  }

  /** Where the set for this round and key is, by bisection over the key order; -1 when absent. */
  private answerSetAt(roundId: string, key: string): number {
    const list = this.state.answerSets;
    for (let i = this.afterKey(key) - 1; i >= 0 && list[i]!.key === key; i--) if (list[i]!.roundId === roundId) return i;
    return -1;
  }

  async dropComments(roundId: string) {
    let dropped = false;
    this.state.answerSets = this.state.answerSets.map((a) => {
      if (a.roundId !== roundId || (a.comment === undefined && a.texts === undefined)) return a;
      dropped = true;
      const { comment: _comment, texts: _texts, ...rest } = a;
      return rest;
    });
    // Nothing to drop: nothing recorded, so a second expiry leaves the journal as it was.
    if (dropped) await this.changed(['dropComments', roundId]);
  }

  /** The first position whose key sorts after `key`. */
  private afterKey(key: string): number {
    const list = this.state.answerSets;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid]!.key <= key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  async customItems(partnershipId: string) {
    return copy(this.state.customItems.filter((c) => c.partnershipId === partnershipId));
  }
  async saveCustomItem(c: CustomItem) {
    upsert(this.state.customItems, c, (x) => x.id === c.id);
    await this.changed(['saveCustomItem', c]);
  }

  async protocols(partnershipId: string) {
    return copy(this.state.protocols.filter((p) => p.partnershipId === partnershipId));
  }
  async protocol(id: string) {
    return copy(this.state.protocols.find((p) => p.id === id));
  }
  async saveProtocol(p: Protocol) {
    upsert(this.state.protocols, p, (x) => x.id === p.id);
    await this.changed(['saveProtocol', p]);
  }

  async concerns(partnershipId: string) {
    return copy(this.state.concerns.filter((c) => c.partnershipId === partnershipId));
  }
  async concern(id: string) {
    return copy(this.state.concerns.find((c) => c.id === id));
  }
  async saveConcern(c: StoredConcern) {
    upsert(this.state.concerns, c, (x) => x.id === c.id);
    await this.changed(['saveConcern', c]);
  }
  async eraseConcernText(c: StoredConcern) {
    upsert(this.state.concerns, c, (x) => x.id === c.id);
    await this.changed(['eraseConcernText', c]);
  }
  async concernQuota(key: string) {
    return copy(this.state.concernQuotas.find((q) => q.key === key));
  }
  async saveConcernQuota(q: ConcernQuota) {
    upsert(this.state.concernQuotas, q, (x) => x.key === q.key);
    await this.changed(['saveConcernQuota', q]);
  }

  async reminderSent(key: string) {
    return this.state.sentReminders.some((r) => r.key === key);
  }
  async saveSentReminder(r: SentReminder) {
    upsert(this.state.sentReminders, r, (x) => x.key === r.key);
    await this.changed(['saveSentReminder', r]);
  }

  async compactRound(roundId: string, tally: { invited: number; answered: number }) {
    const round = this.state.rounds.find((r) => r.id === roundId);
    if (!round) return;
    round.tally = { ...tally };
    this.state.invitations = this.state.invitations.filter((i) => i.roundId !== roundId);
    this.byRound = undefined;
    await this.changed(['compactRound', roundId, tally]);
  }

  async cancelRound(roundId: string, at: string) {
    const round = this.state.rounds.find((r) => r.id === roundId);
    if (!round) return;
    round.closedAt ??= at;
    round.cancelledAt = at;
    this.state.invitations = this.state.invitations.filter((i) => i.roundId !== roundId);
    this.state.answerSets = this.state.answerSets.filter((a) => a.roundId !== roundId);
    this.byRound = undefined;
    await this.changed(['cancelRound', roundId, at]);
  }

  exclusive<T>(scope: string, work: () => Promise<T>): Promise<T> {
    return this.mutex.run(scope, work);
  }

  async claimOnce(key: string, ttlMs: number) {
    const now = Date.now();
    if ((this.claims.get(key) ?? 0) > now) return false;
    // Taken before the first await: a concurrent claimer of the same key finds it.
    this.takeClaim(key, now, now + ttlMs);
    // No commit of its own: the claim joins the journal with whatever the caller then changes, so
    // any change of theirs that is durable has its claim durable too (a replay after a crash finds
    // it), and a request that changed nothing costs nothing more.
    if (!this.replaying) this.persistWithNext(['claimOnce', key, now, now + ttlMs]);
    return true;
  }

  /** Records `key` until `until`, dropping the claims expired at `at` (so the list holds about one TTL's traffic). Public for the journal's replay (journal-entries.ts). */
  takeClaim(key: string, at: number, until: number): void {
    let rebuild = this.claims.has(key);
    for (const [k, end] of this.claims) if (end <= at && this.claims.delete(k)) rebuild = true;
    this.claims.set(key, until);
    const iso = (ms: number) => new Date(ms).toISOString();
    if (rebuild) this.state.claims = [...this.claims].map(([k, end]) => ({ key: k, until: iso(end) }));
    else this.state.claims.push({ key, until: iso(until) });
  }

  async enqueueOutgoing(o: Outgoing) {
    const index = this.outgoingIndex();
    if (index.has(o.id)) return;
    index.set(o.id, this.state.outgoing.push(copy(o)) - 1);
    await this.changed(['enqueueOutgoing', o]);
  }
  async outgoing(id: string) {
    const at = this.outgoingIndex().get(id);
    return at === undefined ? undefined : copy(this.state.outgoing[at]);
  }
  async claimOutgoing(now: Date, owner: string, leaseMs: number, limit: number) {
    const at = now.toISOString();
    const due = this.state.outgoing
      .filter((o) => (o.status === 'pending' && o.notBefore <= at) || (o.status === 'sending' && (o.leaseUntil ?? '') < at))
      .sort((a, b) => a.notBefore.localeCompare(b.notBefore))
      .slice(0, limit);
    if (due.length === 0) return [];
    const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
    const claimed: ClaimedOutgoing[] = due.map((o) => {
      const resumed = o.status === 'sending';
      Object.assign(o, { status: 'sending', owner, leaseUntil, attempts: o.attempts + 1 });
      return { ...copy(o), resumed };
    });
    await this.changed(['claimOutgoing', now.toISOString(), owner, leaseMs, limit]);
    return claimed;
  }
  async settleOutgoing(o: Outgoing, owner: string) {
    const i = this.outgoingIndex().get(o.id);
    if (i === undefined || this.state.outgoing[i]!.owner !== owner) return false;
    this.state.outgoing[i] = copy(o);
    await this.changed(['settleOutgoing', o, owner]);
    return true;
  }
  async pruneOutgoing(before: Date) {
    const cut = before.toISOString();
    const keep = this.state.outgoing.filter((o) => !((o.status === 'sent' || o.status === 'failed') && o.createdAt < cut));
    const pruned = this.state.outgoing.length - keep.length;
    if (pruned > 0) {
      this.state.outgoing = keep;
      this.outgoingAt = undefined;
      await this.changed(['pruneOutgoing', before.toISOString()]);
    }
    return pruned;
  }
  async outboxBacklog() {
    const waiting = this.state.outgoing.filter((o) => o.status === 'pending' || o.status === 'sending');
    const oldest = waiting.reduce<string | undefined>((min, o) => (min === undefined || o.createdAt < min ? o.createdAt : min), undefined);
    return { depth: waiting.length, ...(oldest ? { oldestCreatedAt: oldest } : {}) };
  }

  async close() {}
}
