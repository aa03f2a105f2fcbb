// The removals port's contract (uninstalls in their grace period, core/uninstall-grace.ts),
// run against every store (stores.test.ts).
import { describe, expect, it } from 'vitest';
import type { Removal } from '../../src/core/model.js';
import type { Removals } from '../../src/core/ports/removals.js';
import type { Opens } from './store-contract.js';

const slack = (workspace: string, removedAt = '2026-12-04T09:00:00.000Z'): Removal => ({ platform: 'slack', workspace, removedAt });
const teams = (userId: string, removedAt = '2026-12-04T09:00:00.000Z'): Removal => ({ platform: 'teams', workspace: 'tenant-1', userId, removedAt });

export function removalsContract(name: string, open: Opens<Removals>) {
  describe(`Removals contract: ${name}`, () => {
    it('keeps one removal per platform, workspace and person, in the order recorded; saving the same one again replaces it', async () => {
      const { store } = await open();
      expect(await store.removals()).toEqual([]);
      await store.saveRemoval(slack('T1'));
      await store.saveRemoval(teams('u1'));
      await store.saveRemoval({ platform: 'teams', workspace: 'tenant-1', removedAt: '2026-12-04T09:00:00.000Z' });
      await store.saveRemoval(slack('T1', '2026-12-05T09:00:00.000Z'));
      expect(await store.removals()).toEqual([
        slack('T1', '2026-12-05T09:00:00.000Z'),
        teams('u1'),
        { platform: 'teams', workspace: 'tenant-1', removedAt: '2026-12-04T09:00:00.000Z' },
      ]);
      await store.close();
    });

    it('forgets one removal, and only that one, durably; forgetting one that is gone is no error', async () => {
      const { store, reopen } = await open();
      await store.saveRemoval(slack('T1'));
      await store.saveRemoval(slack('T2'));
      await store.saveRemoval(teams('u1'));
      await store.saveRemoval(teams('u2'));
      expect(await store.deleteRemoval({ platform: 'slack', workspace: 'T1' })).toBe(true);
      expect(await store.deleteRemoval({ platform: 'slack', workspace: 'T1' })).toBe(false);
      expect(await store.deleteRemoval({ platform: 'teams', workspace: 'tenant-1', userId: 'u1' })).toBe(true);
      // A whole tenant's key is not a person's within it.
      expect(await store.deleteRemoval({ platform: 'teams', workspace: 'tenant-1' })).toBe(false);
      const left = [slack('T2'), teams('u2')];
      expect(await store.removals()).toEqual(left);
      await store.close();
      if (!reopen) return;
      const again = await reopen();
      expect(await again.removals()).toEqual(left);
      await again.close();
    });

    it('returns copies: changing what it returned changes nothing stored', async () => {
      const { store } = await open();
      await store.saveRemoval(slack('T1'));
      const [got] = await store.removals();
      got!.removedAt = 'changed';
      expect((await store.removals())[0]?.removedAt).toBe('2026-12-04T09:00:00.000Z');
      await store.close();
    });
  });
}
