// The coordination port's contract (exclusive work, claims once), run against
// every store (stores.test.ts). No assertion leans on how long anything takes:
// concurrency is shown by awaited events, and claims expire on a clock moved
// on purpose (`passTime`), not by sleeping and hoping.
import { describe, expect, it, vi } from 'vitest';
import type { Coordination } from '../../src/core/ports/coordination.js';
import type { Opens } from './store-contract.js';

export interface CoordinationClock {
  /**
   * Lets `ms` pass on the clock the store judges claims by. Absent: the store
   * reads the process's clock, which the contract fakes and moves itself.
   */
  passTime?: (ms: number) => Promise<void>;
}

export function coordinationContract(name: string, open: Opens<Coordination>, clock: CoordinationClock = {}) {
  describe(`Coordination contract: ${name}`, () => {
    it('runs exclusive work one at a time per scope, and other scopes alongside', async () => {
      const { store } = await open();
      const events: string[] = [];
      // a1 holds scope "a" until b1 has started in scope "b": b1 starting at all shows the scopes run
      // alongside, and a2 waits for a1 however long that takes. The bound only turns a hang into a failure.
      let b1Started!: () => void;
      const started = new Promise<void>((resolve) => (b1Started = resolve));
      const bound = new Promise<void>((resolve) => setTimeout(resolve, 10_000).unref());
      const work = (name: string, during?: () => Promise<void> | void) => async () => {
        events.push(`${name}+`);
        await during?.();
        events.push(`${name}-`);
        return name;
      };
      const results = await Promise.all([
        store.exclusive(
          'a',
          work('a1', () => Promise.race([started, bound])),
        ),
        store.exclusive('a', work('a2')),
        store.exclusive('b', work('b1', b1Started)),
      ]);
      expect(results).toEqual(['a1', 'a2', 'b1']);
      expect(events.indexOf('a1-')).toBeLessThan(events.indexOf('a2+'));
      expect(events.indexOf('b1+')).toBeLessThan(events.indexOf('a1-'));
      // A failure releases the scope.
      await expect(
        store.exclusive('a', async () => {
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await store.exclusive('a', async () => 'after')).toBe('after');
      await store.close();
    });

    it('grants a claim once until it expires', async () => {
      const faked = !clock.passTime;
      if (faked) vi.useFakeTimers({ toFake: ['Date'] }); // only the clock: the store's I/O and timers run as ever
      const passTime = clock.passTime ?? (async (ms: number) => void vi.setSystemTime(Date.now() + ms));
      try {
        const { store } = await open();
        expect(await store.claimOnce('slack:event:Ev1', 60_000)).toBe(true);
        expect(await store.claimOnce('slack:event:Ev1', 60_000)).toBe(false);
        expect(await store.claimOnce('slack:event:Ev2', 60_000)).toBe(true);
        const results = await Promise.all(Array.from({ length: 10 }, () => store.claimOnce('cron:tick:1', 60_000)));
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await store.claimOnce('short', 1)).toBe(true);
        await passTime(15);
        expect(await store.claimOnce('short', 1)).toBe(true);
        await store.close();
      } finally {
        if (faked) vi.useRealTimers();
      }
    });
  });
}
