// An adapter's installations (Slack's OAuth: one per workspace), sealed under
// TRELLIS_SECRET before they reach the store: each holds a bot token, which the
// data file, its journal or the database must never show. The adapter gets
// this, not the secret.
import type { Clock } from '../core/ports/clock.js';
import type { Installations } from '../core/ports/installations.js';
import type { Platform } from '../core/model.js';
import { seal, unseal } from '../core/seal.js';

export const INSTALLATION_SEAL = 'installation';

export interface SealedInstallations {
  /** The installation kept for this workspace, unsealed; undefined when there is none (or it cannot be opened). */
  get<T>(platform: Platform, workspace: string): Promise<T | undefined>;
  save(platform: Platform, workspace: string, installation: unknown): Promise<void>;
  /** True when there was one to delete. */
  delete(platform: Platform, workspace: string): Promise<boolean>;
}

export function sealedInstallations(store: Installations, secret: string, clock: Clock): SealedInstallations {
  return {
    async get<T>(platform: Platform, workspace: string) {
      const record = await store.installation(platform, workspace);
      return record ? unseal<T>(secret, INSTALLATION_SEAL, record.sealed) : undefined;
    },
    save: (platform, workspace, installation) =>
      store.saveInstallation({ platform, workspace, sealed: seal(secret, INSTALLATION_SEAL, installation), updatedAt: clock.now().toISOString() }),
    delete: (platform, workspace) => store.deleteInstallation(platform, workspace),
  };
}
