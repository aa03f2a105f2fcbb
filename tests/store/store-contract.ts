// One contract, run against every Store implementation.
import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/core/ports.js';
import type { Member, Organisation, Partnership } from '../../src/core/model.js';

export const partnership = (over: Partial<Partnership> = {}): Partnership => ({
  id: 'p1',
  name: 'Riverside',
  purpose: '',
  type: 'coordinating',
  homes: [{ platform: 'slack', conversationId: 'C1', label: '#riverside' }],
  timezone: 'Europe/London',
  threshold: 5,
  inviteCode: 'AAAA-BBBB',
  createdAt: '2026-11-23T09:00:00.000Z',
  survey: { remindAfterMinutes: 2880, windowMinutes: 7200 },
  ...over,
});
const org = (over: Partial<Organisation> = {}): Organisation => ({ id: 'o1', partnershipId: 'p1', name: 'City Council', sector: 'public', ...over });
const member = (over: Partial<Member> = {}): Member => ({
  id: 'm1',
  partnershipId: 'p1',
  platform: 'slack',
  userId: 'U1',
  displayName: 'Alex',
  role: 'coordinator',
  joinedAt: '2026-11-23T09:00:00.000Z',
  ...over,
});

export function storeContract(name: string, open: () => Promise<{ store: Store; reopen?: () => Promise<Store> }>) {
  describe(`Store contract: ${name}`, () => {
    it('saves and finds partnerships by id, invite code and home', async () => {
      const { store } = await open();
      await store.savePartnership(partnership());
      await store.savePartnership(partnership({ id: 'p2', inviteCode: 'CCCC-DDDD', homes: [{ platform: 'teams', conversationId: '19:x', label: 'X' }] }));
      expect((await store.partnership('p1'))?.name).toBe('Riverside');
      expect((await store.partnershipByInvite('CCCC-DDDD'))?.id).toBe('p2');
      expect((await store.partnershipByHome('teams', '19:x'))?.id).toBe('p2');
      expect(await store.partnershipByHome('slack', '19:x')).toBeUndefined();
      expect(await store.partnership('nope')).toBeUndefined();
      expect((await store.partnerships()).map((p) => p.id)).toEqual(['p1', 'p2']);
      await store.close();
    });

    it('updates in place instead of duplicating', async () => {
      const { store } = await open();
      await store.savePartnership(partnership());
      await store.savePartnership(partnership({ name: 'Riverside Partnership' }));
      expect(await store.partnerships()).toEqual([partnership({ name: 'Riverside Partnership' })]);
      await store.close();
    });

    it('returns copies: changing a result does not change the store', async () => {
      const { store } = await open();
      await store.savePartnership(partnership());
      const p = (await store.partnership('p1'))!;
      p.name = 'Changed';
      p.homes.push({ platform: 'teams', conversationId: 'x', label: 'x' });
      expect(await store.partnership('p1')).toEqual(partnership());
      await store.close();
    });

    it('keeps organisations and members per partnership, one member per person', async () => {
      const { store } = await open();
      await store.saveOrganisation(org());
      await store.saveOrganisation(org({ id: 'o2', partnershipId: 'p2', name: 'Other' }));
      await store.saveMember(member());
      await store.saveMember(member({ id: 'm2', role: 'member' })); // same person, same partnership
      await store.saveMember(member({ id: 'm3', partnershipId: 'p2' }));
      expect(await store.organisations('p1')).toEqual([org()]);
      expect(await store.members('p1')).toEqual([member({ id: 'm2', role: 'member' })]);
      expect((await store.membershipsOf('slack', 'U1')).map((m) => m.partnershipId)).toEqual(['p1', 'p2']);
      expect(await store.membershipsOf('teams', 'U1')).toEqual([]);
      await store.close();
    });

    it('keeps conversation references by platform and key', async () => {
      const { store } = await open();
      const ref = { platform: 'teams' as const, key: '29:sam', reference: { serviceUrl: 'https://x', conversation: { id: 'a' } }, updatedAt: '2026-11-23T09:00:00.000Z' };
      await store.saveConversation(ref);
      await store.saveConversation({ ...ref, reference: { serviceUrl: 'https://y' } });
      expect(await store.conversation('teams', '29:sam')).toEqual({ ...ref, reference: { serviceUrl: 'https://y' } });
      expect(await store.conversation('slack', '29:sam')).toBeUndefined();
      await store.close();
    });

    it('loses no update when many are made at once', async () => {
      const { store, reopen } = await open();
      await Promise.all(Array.from({ length: 50 }, (_, i) => store.saveOrganisation(org({ id: `o${i}`, name: `Org ${i}` }))));
      expect(await store.organisations('p1')).toHaveLength(50);
      await store.close();
      if (reopen) {
        const again = await reopen();
        expect(await again.organisations('p1')).toHaveLength(50);
        await again.close();
      }
    });
  });
}
