// The Store port over one in-memory State object. The memory store is this
// with nothing to persist; the lowdb store is this with a durable file behind.
import type { ConversationRecord, Member, Organisation, Partnership, Platform } from '../core/model.js';
import type { Store } from '../core/ports.js';
import { emptyState, type State } from './state.js';

// Callers get copies: changing a returned object must not change the store
// behind its back (the real databases would not let them either).
const copy = <T>(x: T): T => structuredClone(x);

function upsert<T>(list: T[], item: T, same: (a: T) => boolean): void {
  const i = list.findIndex(same);
  if (i === -1) list.push(copy(item));
  else list[i] = copy(item);
}

export class StateStore implements Store {
  constructor(
    protected readonly state: State = emptyState(),
    private readonly persist: () => Promise<void> = async () => {},
  ) {}

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
    await this.persist();
  }

  async organisations(partnershipId: string) {
    return copy(this.state.organisations.filter((o) => o.partnershipId === partnershipId));
  }
  async saveOrganisation(o: Organisation) {
    upsert(this.state.organisations, o, (x) => x.id === o.id);
    await this.persist();
  }

  async members(partnershipId: string) {
    return copy(this.state.members.filter((m) => m.partnershipId === partnershipId));
  }
  async membershipsOf(platform: Platform, userId: string) {
    return copy(this.state.members.filter((m) => m.platform === platform && m.userId === userId));
  }
  async saveMember(m: Member) {
    // One person is one member of a partnership, whatever id a caller holds.
    upsert(this.state.members, m, (x) => x.id === m.id || (x.partnershipId === m.partnershipId && x.platform === m.platform && x.userId === m.userId));
    await this.persist();
  }

  async conversation(platform: Platform, key: string) {
    return copy(this.state.conversations.find((c) => c.platform === platform && c.key === key));
  }
  async saveConversation(c: ConversationRecord) {
    upsert(this.state.conversations, c, (x) => x.platform === c.platform && x.key === c.key);
    await this.persist();
  }

  async close() {
    await this.persist();
  }
}

export const createMemoryStore = () => new StateStore();
