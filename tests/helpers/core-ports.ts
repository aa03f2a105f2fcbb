// The ports the core takes from one store, as src/server.ts wires them: the
// store as repository and coordination, and delivery status over its outbox.
import { outboxDeliveryStatus } from '../../src/delivery/delivery-status.js';
import type { Store } from '../../src/store/store.js';

export const corePorts = (store: Store) => ({ store, coordination: store, deliveryStatus: outboxDeliveryStatus(store) });
