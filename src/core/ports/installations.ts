// A platform app's installations in the organisations that added it (Slack's
// OAuth distribution: one bot token per workspace), kept for the adapter that
// installs it. Declared in the core because the stores implement it and may
// import only the core; no core feature uses it.
import type { Platform } from '../model.js';

export interface InstallationRecord {
  platform: Platform;
  /** Whose installation: a Slack team id, or the enterprise id of an Enterprise Grid org-wide install. */
  workspace: string;
  /**
   * The whole installation as the adapter keeps it, sealed by the adapter under
   * TRELLIS_SECRET (it holds the bot token): opaque to the store, never in the clear at rest.
   */
  sealed: string;
  updatedAt: string;
}

export interface Installations {
  installation(platform: Platform, workspace: string): Promise<InstallationRecord | undefined>;
  /** Adds, or replaces the one for the same platform and workspace (a reinstall). */
  saveInstallation(i: InstallationRecord): Promise<void>;
  /** Forgets it at once (uninstalled, tokens revoked): true when there was one to forget (once, however many ask together). */
  deleteInstallation(platform: Platform, workspace: string): Promise<boolean>;
}
