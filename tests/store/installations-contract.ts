// The installations port's contract (the Slack adapter's OAuth installations,
// sealed by the adapter), run against every store (stores.test.ts).
import { describe, expect, it } from 'vitest';
import type { InstallationRecord, Installations } from '../../src/core/ports/installations.js';
import type { Opens } from './store-contract.js';

const record = (workspace: string, sealed = `sealed-${workspace}`): InstallationRecord => ({
  platform: 'slack',
  workspace,
  sealed,
  updatedAt: '2026-12-04T09:00:00.000Z',
});

export function installationsContract(name: string, open: Opens<Installations>) {
  describe(`Installations contract: ${name}`, () => {
    it('keeps one installation per platform and workspace (team or enterprise id); a reinstall replaces it', async () => {
      const { store } = await open();
      await store.saveInstallation(record('T1'));
      await store.saveInstallation(record('E1'));
      await store.saveInstallation(record('T1', 'sealed-again'));
      expect(await store.installation('slack', 'T1')).toEqual(record('T1', 'sealed-again'));
      expect(await store.installation('slack', 'E1')).toEqual(record('E1'));
      expect(await store.installation('teams', 'T1')).toBeUndefined();
      expect(await store.installation('slack', 'T2')).toBeUndefined();
      await store.close();
    });

    it('forgets an installation at once, and only that one; forgetting one that is gone is no error', async () => {
      const { store, reopen } = await open();
      await store.saveInstallation(record('T1'));
      await store.saveInstallation(record('T2'));
      expect(await store.deleteInstallation('slack', 'T1')).toBe(true);
      expect(await store.deleteInstallation('slack', 'T1')).toBe(false);
      expect(await store.deleteInstallation('slack', 'T9')).toBe(false);
      expect(await store.installation('slack', 'T1')).toBeUndefined();
      expect(await store.installation('slack', 'T2')).toEqual(record('T2'));
      await store.close();
      if (!reopen) return;
      const again = await reopen();
      expect(await again.installation('slack', 'T1')).toBeUndefined();
      expect(await again.installation('slack', 'T2')).toEqual(record('T2'));
      await again.close();
    });

    it('returns copies: changing what it returned changes nothing stored', async () => {
      const { store } = await open();
      await store.saveInstallation(record('T1'));
      const got = (await store.installation('slack', 'T1'))!;
      got.sealed = 'changed';
      expect((await store.installation('slack', 'T1'))?.sealed).toBe('sealed-T1');
      await store.close();
    });
  });
}
