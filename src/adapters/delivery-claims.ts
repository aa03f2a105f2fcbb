// Every request that may change state is claimed in the shared store before it
// acts, so that a platform's retry, a double click or a replayed capture acts
// once — in this process, after a restart, on any instance. The store keeps
// only a keyed digest of each delivery's identity: event, trigger and activity
// ids (some of them timestamps beside a person's chat id) cannot be matched
// against a backup without TRELLIS_SECRET.
import { createHmac } from 'node:crypto';
import type { Coordination } from '../core/ports/coordination.js';
import type { Logger } from '../log.js';
import { reportError } from '../report-error.js';

export interface DeliveryClaims {
  /**
   * True for the first delivery of `identity` until `ttlMs` passes; false for
   * every other. True, and reported, when the store cannot say: acting twice
   * is a smaller harm than a bot that answers nobody.
   */
  first(where: string, identity: string, ttlMs: number): Promise<boolean>;
}

export function deliveryClaims(store: Pick<Coordination, 'claimOnce'>, secret: string, log: Logger): DeliveryClaims {
  return {
    async first(where, identity, ttlMs) {
      const key = createHmac('sha256', secret).update(`delivery\u0000${identity}`).digest('hex');
      try {
        return await store.claimOnce(key, ttlMs);
      } catch (err) {
        reportError(log, `${where} dedupe`, err);
        return true;
      }
    },
  };
}
