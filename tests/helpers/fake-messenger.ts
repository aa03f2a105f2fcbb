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
  return {
    sent,
    posted,
    async sendToConversation({ platform, workspace, conversationId }: HomeConversation, message: Message) {
      posted.push({ platform, workspace, conversationId, message });
      return { platform, conversationId };
    },
    updates,
    unreachable,
    async sendPrivate(to: Person, message: Message) {
      if (unreachable.has(to.userId)) return undefined;
      const delivery: Delivery = { platform: to.platform, userId: to.userId, n: sent.length };
      sent.push({ to: to.userId, message, delivery });
      return delivery;
    },
    async update(delivery: Delivery, message: Message) {
      updates.push({ delivery, message });
    },
  };
}
