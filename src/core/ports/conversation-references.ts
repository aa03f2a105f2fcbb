// Where the bot can later write without being asked, kept for the adapters
// that need it (Teams). Declared in the core because the stores implement it
// and may import only the core; no core feature uses it.
import type { Platform } from '../model.js';

/**
 * Where the bot can later write to without being asked (a DM, a channel).
 * `reference` is opaque to the store: each adapter stores what it needs
 * (Teams keeps its full ConversationReference here).
 */
export interface ConversationRecord {
  platform: Platform;
  /** A user id for a personal chat, or a conversation id for a channel. */
  key: string;
  reference: Record<string, unknown>;
  updatedAt: string;
}

export interface ConversationReferences {
  conversation(platform: Platform, key: string): Promise<ConversationRecord | undefined>;
  saveConversation(c: ConversationRecord): Promise<void>;
}
