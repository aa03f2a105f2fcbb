// The core's delivery-status port, answered from the outbox: a Delivery that
// went through the outbox names its outgoing message (outbox-messenger.ts).
import type { Delivery } from '../core/model.js';
import type { DeliveryStatus } from '../core/ports/delivery-status.js';
import type { Outbox } from '../core/ports/outbox.js';
import { isQueued } from './outbox-messenger.js';

export function outboxDeliveryStatus(outbox: Pick<Outbox, 'outgoing'>): DeliveryStatus {
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
  };
}
