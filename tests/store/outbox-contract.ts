// The outbox port's contract (what src/delivery queues, claims and settles),
// run against every store (stores.test.ts).
import { describe, expect, it } from 'vitest';
import type { Outbox, Outgoing } from '../../src/core/ports/outbox.js';
import type { Opens } from './store-contract.js';

export function outboxContract(name: string, open: Opens<Outbox>) {
  describe(`Outbox contract: ${name}`, () => {
    const outgoing = (over: Partial<Outgoing> = {}): Outgoing => ({
      id: 'out-1',
      platform: 'slack',
      kind: 'private',
      status: 'pending',
      attempts: 0,
      notBefore: '2026-11-23T09:00:00.000Z',
      createdAt: '2026-11-23T09:00:00.000Z',
      sealed: 'sealed-1',
      ...over,
    });

    it('queues outgoing messages once each and hands each to one claimer', async () => {
      const { store, reopen } = await open();
      await store.enqueueOutgoing(outgoing());
      await store.enqueueOutgoing(outgoing({ sealed: 'a second record with the same id' }));
      await store.enqueueOutgoing(outgoing({ id: 'out-2', notBefore: '2026-11-23T08:59:00.000Z' }));
      await store.enqueueOutgoing(outgoing({ id: 'out-3', notBefore: '2026-11-23T09:05:00.000Z' }));
      await store.enqueueOutgoing(outgoing({ id: 'out-4', kind: 'update', replaces: 'out-1' }));
      expect((await store.outgoing('out-1'))?.sealed).toBe('sealed-1');
      const now = new Date('2026-11-23T09:01:00.000Z');
      const [first, second] = await Promise.all([store.claimOutgoing(now, 'A', 30_000, 2), store.claimOutgoing(now, 'B', 30_000, 2)]);
      const ids = [...first, ...second].map((o) => o.id).sort();
      expect(ids).toEqual(['out-1', 'out-2', 'out-4']); // out-3 is not due yet
      const claimed = [...first, ...second].find((o) => o.id === 'out-2')!;
      expect(claimed).toMatchObject({ status: 'sending', attempts: 1, resumed: false, leaseUntil: '2026-11-23T09:01:30.000Z' });
      expect(await store.claimOutgoing(now, 'C', 30_000, 10)).toEqual([]);
      await store.close();
      if (reopen) {
        const again = await reopen();
        expect((await again.outgoing('out-2'))?.status).toBe('sending');
        await again.close();
      }
    });

    it('lets another sender take over a message whose lease ran out, and only the holder settle it', async () => {
      const { store } = await open();
      await store.enqueueOutgoing(outgoing());
      const t0 = new Date('2026-11-23T09:01:00.000Z');
      const [mine] = await store.claimOutgoing(t0, 'A', 30_000, 10);
      expect(await store.claimOutgoing(new Date('2026-11-23T09:01:20.000Z'), 'B', 30_000, 10)).toEqual([]);
      const [taken] = await store.claimOutgoing(new Date('2026-11-23T09:02:00.000Z'), 'B', 30_000, 10);
      expect(taken).toMatchObject({ id: 'out-1', owner: 'B', attempts: 2, resumed: true });
      const { resumed: _r, ...late } = mine!;
      expect(await store.settleOutgoing({ ...late, status: 'sent' }, 'A')).toBe(false);
      const { resumed: _t, ...current } = taken!;
      expect(await store.settleOutgoing({ ...current, attemptedAt: '2026-11-23T09:02:01.000Z' }, 'B')).toBe(true);
      expect(await store.outgoing('out-1')).toMatchObject({ status: 'sending', attemptedAt: '2026-11-23T09:02:01.000Z' });
      expect(await store.settleOutgoing({ ...current, status: 'sent', sealed: 'delivered' }, 'B')).toBe(true);
      expect(await store.outgoing('out-1')).toEqual({ ...current, status: 'sent', sealed: 'delivered' });
      expect(await store.claimOutgoing(new Date('2026-11-23T10:00:00.000Z'), 'C', 30_000, 10)).toEqual([]);
      await store.close();
    });

    it('prunes only finished outgoing messages older than the cut-off', async () => {
      const { store } = await open();
      await store.enqueueOutgoing(outgoing({ id: 'old-sent', status: 'sent', createdAt: '2026-10-01T00:00:00.000Z' }));
      await store.enqueueOutgoing(outgoing({ id: 'old-failed', status: 'failed', createdAt: '2026-10-01T00:00:00.000Z' }));
      await store.enqueueOutgoing(outgoing({ id: 'old-pending', createdAt: '2026-10-01T00:00:00.000Z' }));
      await store.enqueueOutgoing(outgoing({ id: 'new-sent', status: 'sent' }));
      expect(await store.pruneOutgoing(new Date('2026-11-01T00:00:00.000Z'))).toBe(2);
      expect(await store.outgoing('old-sent')).toBeUndefined();
      expect(await store.outgoing('old-pending')).toBeDefined();
      expect(await store.outgoing('new-sent')).toBeDefined();
      await store.close();
    });

    it('counts the messages waiting (pending or sending) and names when the oldest was queued', async () => {
      const { store } = await open();
      expect(await store.outboxBacklog()).toEqual({ depth: 0 });
      await store.enqueueOutgoing(outgoing({ id: 'sent', status: 'sent', createdAt: '2026-11-01T00:00:00.000Z' }));
      await store.enqueueOutgoing(outgoing({ id: 'failed', status: 'failed', createdAt: '2026-11-02T00:00:00.000Z' }));
      await store.enqueueOutgoing(outgoing({ id: 'later', createdAt: '2026-11-23T09:00:00.000Z' }));
      await store.enqueueOutgoing(outgoing({ id: 'older', createdAt: '2026-11-20T09:00:00.000Z', notBefore: '2026-11-24T00:00:00.000Z' }));
      expect(await store.outboxBacklog()).toEqual({ depth: 2, oldestCreatedAt: '2026-11-20T09:00:00.000Z' });
      await store.claimOutgoing(new Date('2026-11-23T09:01:00.000Z'), 'A', 30_000, 5);
      expect(await store.outboxBacklog()).toEqual({ depth: 2, oldestCreatedAt: '2026-11-20T09:00:00.000Z' });
      await store.close();
    });
  });
}
