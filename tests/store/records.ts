// Records the store tests save: one partnership, organisation and member, each changeable.
import type { Member, Organisation, Partnership } from '../../src/core/model.js';

export const partnership = (over: Partial<Partnership> = {}): Partnership => ({
  id: 'p1',
  name: 'Riverside',
  purpose: '',
  type: 'coordinating',
  homes: [{ platform: 'slack', workspace: 'T0001', conversationId: 'C1', label: '#riverside' }],
  timezone: 'Europe/London',
  threshold: 5,
  inviteCode: 'AAAA-BBBB',
  createdAt: '2026-11-23T09:00:00.000Z',
  survey: { remindAfterMinutes: 2880, windowMinutes: 7200 },
  ...over,
});
export const org = (over: Partial<Organisation> = {}): Organisation => ({ id: 'o1', partnershipId: 'p1', name: 'City Council', sector: 'public', ...over });
export const member = (over: Partial<Member> = {}): Member => ({
  id: 'm1',
  partnershipId: 'p1',
  platform: 'slack',
  workspace: 'T0001',
  userId: 'U1',
  displayName: 'Alex',
  role: 'coordinator',
  joinedAt: '2026-11-23T09:00:00.000Z',
  ...over,
});
