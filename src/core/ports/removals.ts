// Uninstalls waiting out their grace period (core/uninstall-grace.ts): a small
// port of its own, part of the Repository, since only that feature uses it.
import type { Removal } from '../model.js';

/** What a removal is the same removal by: the platform, workspace and (Teams, a person's chat) user id. */
export type RemovalKey = Omit<Removal, 'removedAt'>;

export const sameRemoval = (a: RemovalKey, b: RemovalKey) => a.platform === b.platform && a.workspace === b.workspace && (a.userId ?? '') === (b.userId ?? '');

export interface Removals {
  /** Every removal recorded, in the order recorded. */
  removals(): Promise<Removal[]>;
  /** Adds, or replaces the one with the same key. */
  saveRemoval(r: Removal): Promise<void>;
  /** Forgets it (added back, or erased): true when there was one to forget. */
  deleteRemoval(key: RemovalKey): Promise<boolean>;
}
