// The repository port's contract (what the core reads and writes), run
// against every store: memory, lowdb and PostgreSQL (stores.test.ts).
import { describe, expect, it } from 'vitest';
import type { Repository } from '../../src/core/ports/repository.js';
import type { ConversationReferences } from '../../src/core/ports/conversation-references.js';
import type { AnswerSet, Invitation, Protocol, Round } from '../../src/core/model.js';
import { member, org, partnership } from './records.js';
import type { Opens } from './store-contract.js';

/** With the conversation references: erasing a member erases their personal one. */
export function repositoryContract(name: string, open: Opens<Repository & ConversationReferences>) {
  describe(`Repository contract: ${name}`, () => {
    it('saves and finds partnerships by id, invite code and home', async () => {
      const { store } = await open();
      await store.savePartnership(partnership());
      await store.savePartnership(
        partnership({
          id: 'p2',
          inviteCode: 'CCCC-DDDD',
          homes: [{ platform: 'teams', workspace: '72f988bf-0000-41af-91ab-2d7cd011db47', conversationId: '19:x', label: 'X' }],
        }),
      );
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

    it("keeps a partnership's set-up checklist, where it landed included, through a restart", async () => {
      const { store, reopen } = await open();
      const setupChecklist = { memberId: 'm1', delivery: { platform: 'slack' as const, outgoing: 'q1' }, done: ['organisations'] };
      await store.savePartnership(partnership({ setupChecklist }));
      if (reopen) await store.close();
      const again = reopen ? await reopen() : store;
      expect((await again.partnership('p1'))?.setupChecklist).toEqual(setupChecklist);
      expect((await again.partnershipByInvite('AAAA-BBBB'))?.setupChecklist).toEqual(setupChecklist);
      await again.close();
    });

    it('returns copies: changing a result does not change the store', async () => {
      const { store } = await open();
      await store.savePartnership(partnership());
      const p = (await store.partnership('p1'))!;
      p.name = 'Changed';
      p.homes.push({ platform: 'teams', workspace: '72f988bf-0000-41af-91ab-2d7cd011db47', conversationId: 'x', label: 'x' });
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
      expect((await store.membershipsOf({ platform: 'slack', workspace: 'T0001', userId: 'U1' })).map((m) => m.partnershipId)).toEqual(['p1', 'p2']);
      expect(await store.membershipsOf({ platform: 'teams', workspace: 'T0001', userId: 'U1' })).toEqual([]);
      await store.close();
    });

    it('holds the same user id in two workspaces as two people', async () => {
      const { store, reopen } = await open();
      await store.saveMember(member());
      await store.saveMember(member({ id: 'm2', workspace: 'T0002', displayName: 'Another U1' }));
      if (reopen) await store.close();
      const again = reopen ? await reopen() : store;
      expect((await again.members('p1')).map((m) => [m.id, m.workspace])).toEqual([
        ['m1', 'T0001'],
        ['m2', 'T0002'],
      ]);
      expect(await again.memberNames('p1')).toEqual([member().displayName, 'Another U1']);
      expect(await again.memberNames('p2')).toEqual([]);
      expect((await again.membershipsOf({ platform: 'slack', workspace: 'T0002', userId: 'U1' })).map((m) => m.id)).toEqual(['m2']);
      expect(await again.membershipsOf({ platform: 'slack', workspace: 'T0003', userId: 'U1' })).toEqual([]);
      await again.close();
    });

    it('keeps an email member, their sealed address included, through a restart', async () => {
      const { store, reopen } = await open();
      const jo = member({ id: 'm3', platform: 'email', workspace: 'email', userId: 'e-hash', displayName: 'Jo Smith', contact: 'sealed-address' });
      await store.saveMember(jo);
      if (reopen) await store.close();
      const again = reopen ? await reopen() : store;
      expect(await again.membershipsOf({ platform: 'email', workspace: 'email', userId: 'e-hash' })).toEqual([jo]);
      await again.close();
    });

    it("erases a member: their row, their invitations' handles and, with no other membership, their personal conversation; answer sets untouched", async () => {
      const { store, reopen } = await open();
      const round: Round = {
        id: 'r1',
        partnershipId: 'p1',
        number: 1,
        kind: 'pulse',
        itemIds: ['trust-1'],
        threshold: 5,
        openedAt: '2026-11-01T09:00:00.000Z',
        remindAt: '2026-11-03T09:00:00.000Z',
        closesAt: '2026-11-06T09:00:00.000Z',
      };
      const delivery = { platform: 'slack' as const, outgoing: 'q1' };
      await store.saveMember(member());
      await store.saveMember(member({ id: 'm2', userId: 'U2', displayName: 'Sam' }));
      await store.saveMember(member({ id: 'm3', userId: 'U2', partnershipId: 'p2', displayName: 'Sam' }));
      await store.saveRound(round);
      await store.saveInvitation({ roundId: 'r1', memberId: 'm1', delivery });
      await store.saveInvitation({ roundId: 'r1', memberId: 'm2', delivery });
      const set = { roundId: 'r1', key: 'a'.repeat(64), values: { 'trust-1': 4 as const } };
      await store.saveAnswerSet(set);
      const at = '2026-11-01T09:00:00.000Z';
      await store.saveConversation({ platform: 'slack', key: 'U1', reference: { dm: 'D1' }, updatedAt: at });
      await store.saveConversation({ platform: 'slack', key: 'U2', reference: { dm: 'D2' }, updatedAt: at });
      await store.eraseMember('m1');
      await store.eraseMember('m2'); // Sam stays in p2: their conversation is still needed
      await store.eraseMember('nobody'); // changes nothing
      if (reopen) await store.close();
      const again = reopen ? await reopen() : store;
      expect(await again.members('p1')).toEqual([]);
      expect((await again.members('p2')).map((m) => m.id)).toEqual(['m3']);
      expect(await again.membershipsOf({ platform: 'slack', workspace: 'T0001', userId: 'U1' })).toEqual([]);
      expect(await again.invitations('r1')).toEqual([
        { roundId: 'r1', memberId: 'm1' },
        { roundId: 'r1', memberId: 'm2' },
      ]);
      expect(await again.answerSets('r1')).toEqual([set]);
      expect(await again.conversation('slack', 'U1')).toBeUndefined();
      expect((await again.conversation('slack', 'U2'))?.reference).toEqual({ dm: 'D2' });
      await again.close();
    });

    it('renames an organisation in place and removes one, keeping the others, across a reopen', async () => {
      const { store, reopen } = await open();
      await store.saveOrganisation(org());
      await store.saveOrganisation(org({ id: 'o2', name: 'Beta' }));
      await store.saveOrganisation(org({ id: 'o3', name: 'Gamma' }));
      await store.saveOrganisation(org({ name: 'Acme Renamed' }));
      await store.removeOrganisation('o2');
      await store.removeOrganisation('nope'); // nothing to remove: no error, nothing changed
      const expected = [org({ name: 'Acme Renamed' }), org({ id: 'o3', name: 'Gamma' })];
      expect(await store.organisations('p1')).toEqual(expected);
      await store.close();
      if (reopen) {
        const again = await reopen();
        expect(await again.organisations('p1')).toEqual(expected);
        await again.close();
      }
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

    it('cancels a round: marks it cancelled and closed, and deletes its invitations and answer sets, touching no other round', async () => {
      const { store, reopen } = await open();
      const round: Round = {
        id: 'r1',
        partnershipId: 'p1',
        number: 1,
        kind: 'pulse',
        itemIds: ['trust-1'],
        threshold: 5,
        openedAt: '2026-11-01T09:00:00.000Z',
        remindAt: '2026-11-03T09:00:00.000Z',
        closesAt: '2026-11-06T09:00:00.000Z',
        slot: '2026-11-01T09:00:00.000Z',
      };
      await store.saveRound(round);
      await store.saveRound({ ...round, id: 'r2', number: 2 });
      for (const roundId of ['r1', 'r2']) {
        await store.saveInvitation({ roundId, memberId: 'm1', delivery: { platform: 'slack', channel: 'D1' } });
        await store.saveAnswerSet({ roundId, key: 'a'.repeat(64), values: { 'trust-1': 4 } });
        await store.saveAnswerSet({ roundId, key: 'b'.repeat(64), values: { 'trust-1': 2 }, comment: 'Meetings run long.' });
      }
      const at = '2026-11-02T10:00:00.000Z';
      await store.cancelRound('r1', at);
      await store.cancelRound('nope', at); // an unknown round: nothing happens
      const check = async (s: Repository) => {
        expect(await s.round('r1')).toEqual({ ...round, closedAt: at, cancelledAt: at });
        expect(await s.invitations('r1')).toEqual([]);
        expect(await s.invitation('r1', 'm1')).toBeUndefined();
        expect(await s.answerSets('r1')).toEqual([]);
        expect(await s.answerSet('r1', 'a'.repeat(64))).toBeUndefined();
        expect((await s.round('r2'))?.cancelledAt).toBeUndefined();
        expect(await s.invitations('r2')).toHaveLength(1);
        expect(await s.answerSets('r2')).toHaveLength(2);
        expect(await s.round('nope')).toBeUndefined();
      };
      await check(store);
      await store.close();
      if (reopen) {
        const again = await reopen();
        await check(again);
        await again.close();
      }
    });

    it('compacts a closed round into its tally, keeping its answers', async () => {
      const { store, reopen } = await open();
      const round: Round = {
        id: 'r1',
        partnershipId: 'p1',
        number: 1,
        kind: 'pulse',
        itemIds: ['trust-1'],
        threshold: 5,
        openedAt: '2026-11-01T09:00:00.000Z',
        remindAt: '2026-11-03T09:00:00.000Z',
        closesAt: '2026-11-06T09:00:00.000Z',
        closedAt: '2026-11-06T09:00:00.000Z',
      };
      await store.saveRound(round);
      await store.saveRound({ ...round, id: 'r2', number: 2 });
      const inv = (roundId: string, memberId: string, channel?: string): Invitation => ({
        roundId,
        memberId,
        ...(channel ? { delivery: { platform: 'slack', channel } } : {}),
      });
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

    it("erases a concern's text in place: the erased record replaces it, through a restart, touching no other", async () => {
      const { store, reopen } = await open();
      const head = { partnershipId: 'p1', pseudonym: 'C-7F3K', category: 'power' as const, mayAskToEscalate: false, month: '2026-01', threshold: 5 };
      await store.saveConcern({ ...head, id: 'c1', status: 'resolved', relay: 'sealed-relay-1', sealed: 'sealed-words-1' });
      await store.saveConcern({ ...head, id: 'c2', status: 'closed', relay: 'sealed-relay-2', sealed: 'sealed-words-2' });
      const erased = { ...head, id: 'c1', status: 'resolved' as const, relay: 'erased', sealed: 'sealed-nothing' };
      await store.eraseConcernText(erased);
      const check = async (s: Repository) => {
        expect(await s.concern('c1')).toEqual(erased);
        expect((await s.concern('c2'))?.sealed).toBe('sealed-words-2');
        expect((await s.concerns('p1')).map((c) => c.id)).toEqual(['c1', 'c2']);
      };
      await check(store);
      await store.close();
      if (reopen) {
        const again = await reopen();
        await check(again);
        await again.close();
      }
    });

    it("drops a round's comments (and closing texts) and nothing else of its answer sets, touching no other round; a second drop changes nothing", async () => {
      const { store, reopen } = await open();
      const sets: AnswerSet[] = [
        { roundId: 'r1', key: 'a'.repeat(64), group: 'sealed-group', values: { 'trust-1': 4, 'trust-2': null }, comment: 'Meetings run long.' },
        { roundId: 'r1', key: 'b'.repeat(64), values: {}, texts: { learnt: 'To ask sooner.' } },
        { roundId: 'r1', key: 'c'.repeat(64), values: { 'trust-1': 5 }, choices: { recommendation: 'keep' }, comment: 'Keep it.' },
        { roundId: 'r2', key: 'a'.repeat(64), values: { 'trust-1': 3 }, comment: 'Not this one.' },
      ];
      for (const a of sets) await store.saveAnswerSet(a);
      // A round marked once its comments are gone keeps the mark, and a partnership its retention.
      await store.savePartnership(partnership({ retention: { concernMonths: 6, commentMonths: 12, invitationDays: 14 } }));
      await store.dropComments('r1');
      await store.dropComments('r1');
      await store.dropComments('nope');
      const check = async (s: Repository) => {
        const { comment: _a, ...a } = sets[0]!;
        const { texts: _b, ...b } = sets[1]!;
        const { comment: _c, ...c } = sets[2]!;
        expect(await s.answerSets('r1')).toEqual([a, b, c]);
        expect(await s.answerSet('r1', 'a'.repeat(64))).toEqual(a);
        expect(await s.answerSets('r2')).toEqual([sets[3]]);
        expect((await s.partnership('p1'))?.retention).toEqual({ concernMonths: 6, commentMonths: 12, invitationDays: 14 });
      };
      await check(store);
      await store.close();
      if (reopen) {
        const again = await reopen();
        await check(again);
        await again.close();
      }
    });

    it('keeps the marks retention leaves on rounds and reviews through a restart', async () => {
      const { store, reopen } = await open();
      const round: Round = {
        id: 'r1',
        partnershipId: 'p1',
        number: 1,
        kind: 'pulse',
        itemIds: ['trust-1'],
        threshold: 5,
        openedAt: '2026-11-01T09:00:00.000Z',
        remindAt: '2026-11-03T09:00:00.000Z',
        closesAt: '2026-11-06T09:00:00.000Z',
        closedAt: '2026-11-06T09:00:00.000Z',
        commentsDropped: true,
      };
      await store.saveRound(round);
      const protocol: Protocol = {
        id: 'pr1',
        partnershipId: 'p1',
        ref: 1,
        title: 'Data sharing',
        kind: 'protocol',
        purpose: '',
        partyOrgIds: [],
        ownerMemberId: 'm1',
        nextReview: '2027-11-01',
        status: 'active',
        reviews: [
          { id: 'rv1', startedAt: '2026-10-01T09:00:00.000Z', threshold: 5, closedAt: '2026-10-08T09:00:00.000Z', outcome: 'kept', commentsDropped: true },
        ],
        remindersFrom: '2026-10-01T09:00:00.000Z',
        createdAt: '2026-10-01T09:00:00.000Z',
      };
      await store.saveProtocol(protocol);
      await store.close();
      const again = reopen ? await reopen() : store;
      expect(await again.round('r1')).toEqual(round);
      expect(await again.protocol('pr1')).toEqual(protocol);
      await again.close();
    });
  });
}
