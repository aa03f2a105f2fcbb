import type { Message } from '../../src/core/message.js';
import type { Delivery, HomeConversation, Person } from '../../src/core/model.js';
import type { Messenger } from '../../src/core/ports/messenger.js';

export interface FakeMessenger extends Messenger {
  sent: { to: string; message: Message; delivery: Delivery }[];
  posted: (Pick<HomeConversation, 'platform' | 'workspace' | 'conversationId'> & { message: Message })[];
  updates: { delivery: Delivery; message: Message }[];
  /** User ids the fake cannot reach (like a Teams user who never opened a chat). */
  unreachable: Set<string>;
}

export function fakeMessenger(): FakeMessenger {
  const sent: FakeMessenger['sent'] = [];
  const updates: FakeMessenger['updates'] = [];
  const unreachable = new Set<string>();
  const posted: FakeMessenger['posted'] = [];
  const sentOnce = new Map<string, Delivery>();
  return {
    sent,
    posted,
    async sendToConversation({ platform, workspace, conversationId }: HomeConversation, message: Message) {
      posted.push({ platform, workspace, conversationId, message });
      return { platform, conversationId };
    },
    updates,
    unreachable,
    // Like the outbox: a second send with the same `once` key sends nothing more.
    async sendPrivate(to: Person, message: Message, once?: string) {
      if (unreachable.has(to.userId)) return undefined;
      const earlier = once === undefined ? undefined : sentOnce.get(once);
      if (earlier) return earlier;
      const delivery: Delivery = { platform: to.platform, userId: to.userId, n: sent.length };
      sent.push({ to: to.userId, message, delivery });
      if (once !== undefined) sentOnce.set(once, delivery);
      return delivery;
    },
    async update(delivery: Delivery, message: Message) {
      updates.push({ delivery, message });
    },
  };
}
