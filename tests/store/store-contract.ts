// One contract, run against every Store implementation.
import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import type { Invitation, Member, Organisation, Partnership, Round } from '../../src/core/model.js';
import type { Outgoing } from '../../src/core/ports/outbox.js';

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

    it('keeps a field named "__proto__" as data, in what it stores and what it returns', async () => {
      const { store } = await open();
      const reference = JSON.parse('{"__proto__": {"polluted": true}, "channel": "D1"}') as Record<string, unknown>;
      await store.saveConversation({ platform: 'slack', key: 'U1', reference, updatedAt: '2026-11-23T09:00:00.000Z' });
      const back = (await store.conversation('slack', 'U1'))!.reference;
      expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
      expect(Object.keys(back).sort()).toEqual(['__proto__', 'channel']); // PostgreSQL's jsonb orders keys its own way
      expect(Object.getOwnPropertyDescriptor(back, '__proto__')?.value).toEqual({ polluted: true });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
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

    it('compacts a closed round into its tally, keeping its answers', async () => {
      const { store, reopen } = await open();
      const round: Round = { id: 'r1', partnershipId: 'p1', number: 1, kind: 'pulse', itemIds: ['trust-1'], threshold: 5, openedAt: '2026-11-01T09:00:00.000Z', remindAt: '2026-11-03T09:00:00.000Z', closesAt: '2026-11-06T09:00:00.000Z', closedAt: '2026-11-06T09:00:00.000Z' };
      await store.saveRound(round);
      await store.saveRound({ ...round, id: 'r2', number: 2 });
      const inv = (roundId: string, memberId: string, channel?: string): Invitation => ({ roundId, memberId, ...(channel ? { delivery: { platform: 'slack', channel } } : {}) });
      for (const i of [inv('r1', 'm1'), inv('r1', 'm2'), inv('r2', 'm1', 'D2')]) await store.saveInvitation(i);
      await store.saveInvitation(inv('r1', 'm1', 'D1'));
      expect(await store.invitation('r1', 'm1')).toEqual(inv('r1', 'm1', 'D1'));
      expect(await store.invitation('r2', 'm1')).toEqual(inv('r2', 'm1', 'D2'));
      expect(await store.invitation('r1', 'm9')).toBeUndefined();
      expect((await store.invitations('r1')).map((i) => i.memberId)).toEqual(['m1', 'm2']);
      await store.saveAnswerSet({ roundId: 'r1', key: 'a'.repeat(64), values: { 'trust-1': 4 } });
      await store.compactRound('r1', { invited: 2, answered: 1 });
      expect(await store.round('r1')).toEqual({ ...round, tally: { invited: 2, answered: 1 } });
      expect(await store.invitations('r1')).toEqual([]);
      expect(await store.invitation('r1', 'm1')).toBeUndefined();
      expect(await store.invitations('r2')).toHaveLength(1);
      expect(await store.answerSets('r1')).toHaveLength(1);
      await store.close();
      if (reopen) {
        const again = await reopen();
        expect((await again.round('r1'))?.tally).toEqual({ invited: 2, answered: 1 });
        expect(await again.invitations('r1')).toEqual([]);
        await again.close();
      }
    });

    it('runs exclusive work one at a time per scope, and other scopes alongside', async () => {
      const { store } = await open();
      const events: string[] = [];
      const slow = (name: string) => async () => {
        events.push(`${name}+`);
        await new Promise((r) => setTimeout(r, 20));
        events.push(`${name}-`);
        return name;
      };
      const results = await Promise.all([store.exclusive('a', slow('a1')), store.exclusive('a', slow('a2')), store.exclusive('b', slow('b1'))]);
      expect(results).toEqual(['a1', 'a2', 'b1']);
      expect(events.indexOf('a1-')).toBeLessThan(events.indexOf('a2+'));
      expect(events.indexOf('b1+')).toBeLessThan(events.indexOf('a1-'));
      // A failure releases the scope.
      await expect(store.exclusive('a', async () => { throw new Error('boom'); })).rejects.toThrow('boom');
      expect(await store.exclusive('a', async () => 'after')).toBe('after');
      await store.close();
    });

    it('grants a claim once until it expires', async () => {
      const { store } = await open();
      expect(await store.claimOnce('slack:event:Ev1', 60_000)).toBe(true);
      expect(await store.claimOnce('slack:event:Ev1', 60_000)).toBe(false);
      expect(await store.claimOnce('slack:event:Ev2', 60_000)).toBe(true);
      const results = await Promise.all(Array.from({ length: 10 }, () => store.claimOnce('cron:tick:1', 60_000)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.claimOnce('short', 1)).toBe(true);
      await new Promise((r) => setTimeout(r, 15));
      expect(await store.claimOnce('short', 1)).toBe(true);
      await store.close();
    });

    const outgoing = (over: Partial<Outgoing> = {}): Outgoing => ({
      id: 'out-1',
      platform: 'slack',
      kind: 'private',
      status: 'pending',
      attempts: 0,
      notBefore: '2026-11-23T09:00:00.000Z',
      createdAt: '2026-11-23T09:00:00.000Z',
      sealed: 'sealed-1',
      ...over,
    });

    it('queues outgoing messages once each and hands each to one claimer', async () => {
      const { store, reopen } = await open();
      await store.enqueueOutgoing(outgoing());
      await store.enqueueOutgoing(outgoing({ sealed: 'a second record with the same id' }));
      await store.enqueueOutgoing(outgoing({ id: 'out-2', notBefore: '2026-11-23T08:59:00.000Z' }));
      await store.enqueueOutgoing(outgoing({ id: 'out-3', notBefore: '2026-11-23T09:05:00.000Z' }));
      await store.enqueueOutgoing(outgoing({ id: 'out-4', kind: 'update', replaces: 'out-1' }));
      expect((await store.outgoing('out-1'))?.sealed).toBe('sealed-1');
      const now = new Date('2026-11-23T09:01:00.000Z');
      const [first, second] = await Promise.all([store.claimOutgoing(now, 'A', 30_000, 2), store.claimOutgoing(now, 'B', 30_000, 2)]);
      const ids = [...first, ...second].map((o) => o.id).sort();
      expect(ids).toEqual(['out-1', 'out-2', 'out-4']); // out-3 is not due yet
      const claimed = [...first, ...second].find((o) => o.id === 'out-2')!;
      expect(claimed).toMatchObject({ status: 'sending', attempts: 1, resumed: false, leaseUntil: '2026-11-23T09:01:30.000Z' });
      expect(await store.claimOutgoing(now, 'C', 30_000, 10)).toEqual([]);
      await store.close();
      if (reopen) {
        const again = await reopen();
        expect((await again.outgoing('out-2'))?.status).toBe('sending');
        await again.close();
      }
    });

    it('lets another sender take over a message whose lease ran out, and only the holder settle it', async () => {
      const { store } = await open();
      await store.enqueueOutgoing(outgoing());
      const t0 = new Date('2026-11-23T09:01:00.000Z');
      const [mine] = await store.claimOutgoing(t0, 'A', 30_000, 10);
      expect(await store.claimOutgoing(new Date('2026-11-23T09:01:20.000Z'), 'B', 30_000, 10)).toEqual([]);
      const [taken] = await store.claimOutgoing(new Date('2026-11-23T09:02:00.000Z'), 'B', 30_000, 10);
      expect(taken).toMatchObject({ id: 'out-1', owner: 'B', attempts: 2, resumed: true });
      const { resumed: _r, ...late } = mine!;
      expect(await store.settleOutgoing({ ...late, status: 'sent' }, 'A')).toBe(false);
      const { resumed: _t, ...current } = taken!;
      expect(await store.settleOutgoing({ ...current, attemptedAt: '2026-11-23T09:02:01.000Z' }, 'B')).toBe(true);
      expect(await store.outgoing('out-1')).toMatchObject({ status: 'sending', attemptedAt: '2026-11-23T09:02:01.000Z' });
      expect(await store.settleOutgoing({ ...current, status: 'sent', sealed: 'delivered' }, 'B')).toBe(true);
      expect(await store.outgoing('out-1')).toEqual({ ...current, status: 'sent', sealed: 'delivered' });
      expect(await store.claimOutgoing(new Date('2026-11-23T10:00:00.000Z'), 'C', 30_000, 10)).toEqual([]);
      await store.close();
    });

    it('prunes only finished outgoing messages older than the cut-off', async () => {
      const { store } = await open();
      await store.enqueueOutgoing(outgoing({ id: 'old-sent', status: 'sent', createdAt: '2026-10-01T00:00:00.000Z' }));
      await store.enqueueOutgoing(outgoing({ id: 'old-failed', status: 'failed', createdAt: '2026-10-01T00:00:00.000Z' }));
      await store.enqueueOutgoing(outgoing({ id: 'old-pending', createdAt: '2026-10-01T00:00:00.000Z' }));
      await store.enqueueOutgoing(outgoing({ id: 'new-sent', status: 'sent' }));
      expect(await store.pruneOutgoing(new Date('2026-11-01T00:00:00.000Z'))).toBe(2);
      expect(await store.outgoing('old-sent')).toBeUndefined();
      expect(await store.outgoing('old-pending')).toBeDefined();
      expect(await store.outgoing('new-sent')).toBeDefined();
      await store.close();
    });
  });
}
