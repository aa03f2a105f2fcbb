// Every store port's contract, run against one kind of store: each port's
// suite in its own file, opening the store as that port alone (plus close).
import type { Store } from '../../src/store/store.js';
import { conversationReferencesContract } from './conversation-references-contract.js';
import { coordinationContract, type CoordinationClock } from './coordination-contract.js';
import { installationsContract } from './installations-contract.js';
import { outboxContract } from './outbox-contract.js';
import { removalsContract } from './removals-contract.js';
import { repositoryContract } from './repository-contract.js';

/** Opens a fresh store as port `P`; `reopen`, for a durable store, opens what it wrote. */
export type Opens<P> = () => Promise<{ store: P & Pick<Store, 'close'>; reopen?: () => Promise<P & Pick<Store, 'close'>> }>;

export function storeContract(name: string, open: Opens<Store>, clock?: CoordinationClock) {
  repositoryContract(name, open);
  outboxContract(name, open);
  coordinationContract(name, open, clock);
  conversationReferencesContract(name, open);
  installationsContract(name, open);
  removalsContract(name, open);
}
