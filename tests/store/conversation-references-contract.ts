// The conversation references port's contract (what the Teams adapter keeps
// to write without being asked), run against every store (stores.test.ts).
import { describe, expect, it } from 'vitest';
import type { ConversationReferences } from '../../src/core/ports/conversation-references.js';
import type { Opens } from './store-contract.js';

export function conversationReferencesContract(name: string, open: Opens<ConversationReferences>) {
  describe(`Conversation references contract: ${name}`, () => {
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

    it('keeps conversation references by platform and key', async () => {
      const { store } = await open();
      const ref = {
        platform: 'teams' as const,
        key: '29:sam',
        reference: { serviceUrl: 'https://x', conversation: { id: 'a' } },
        updatedAt: '2026-11-23T09:00:00.000Z',
      };
      await store.saveConversation(ref);
      await store.saveConversation({ ...ref, reference: { serviceUrl: 'https://y' } });
      expect(await store.conversation('teams', '29:sam')).toEqual({ ...ref, reference: { serviceUrl: 'https://y' } });
      expect(await store.conversation('slack', '29:sam')).toBeUndefined();
      await store.close();
    });
  });
}
