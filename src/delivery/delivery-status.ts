// The core's delivery-status port, answered from the outbox: a Delivery that
// went through the outbox names its outgoing message (outbox-messenger.ts).
import type { Delivery, Person } from '../core/model.js';
import type { DeliveryStatus } from '../core/ports/delivery-status.js';
import type { Outbox } from '../core/ports/outbox.js';
import { isQueued } from './outbox-messenger.js';
import type { MessengerHub } from './platform-messenger.js';

/** `hub`: the platforms, asked whether each person can be reached (as the outbox asks before queueing); without it, everyone can. */
export function outboxDeliveryStatus(outbox: Pick<Outbox, 'outgoing'>, hub?: Pick<MessengerHub, 'get'>): DeliveryStatus {
  return {
    async count(deliveries: Delivery[]) {
      let queued = 0;
      let failed = 0;
      for (const d of deliveries) {
        const status = isQueued(d) ? (await outbox.outgoing(d.outgoing))?.status : undefined;
        if (status === 'pending' || status === 'sending') queued++;
        else if (status === 'failed') failed++;
      }
      return { queued, failed };
    },
    async unreachable(people: Person[]) {
      if (!hub) return 0;
      let count = 0;
      for (const p of people) {
        const platform = hub.get(p.platform);
        if (!platform || !(await platform.reachable('private', { workspace: p.workspace, id: p.userId }))) count++;
      }
      return count;
    },
  };
}
