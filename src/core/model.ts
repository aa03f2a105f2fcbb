// The partnership domain. Plain data: every port stores and returns these shapes.

export const PLATFORMS = ['slack', 'teams', 'playground'] as const;
export type Platform = (typeof PLATFORMS)[number];

export const SECTORS = ['public', 'private', 'voluntary', 'community'] as const;
export type Sector = (typeof SECTORS)[number];

export const PARTNERSHIP_TYPES = ['facilitating', 'coordinating', 'implementing'] as const;
export type PartnershipType = (typeof PARTNERSHIP_TYPES)[number];

export const ROLES = ['coordinator', 'member', 'critical-friend'] as const;
export type Role = (typeof ROLES)[number];

/** The smallest group whose aggregate may ever be shown (product privacy model). */
export const MIN_THRESHOLD = 3;
export const DEFAULT_THRESHOLD = 5;
export const DEFAULT_TIMEZONE = 'Europe/London';

export interface HomeConversation {
  platform: Platform;
  conversationId: string;
  /** Human label, e.g. "#riverside" — shown in `status`. */
  label: string;
}

export interface Partnership {
  id: string;
  name: string;
  purpose: string;
  type: PartnershipType;
  homes: HomeConversation[];
  timezone: string;
  threshold: number;
  inviteCode: string;
  createdAt: string;
}

export interface Organisation {
  id: string;
  partnershipId: string;
  name: string;
  sector: Sector;
}

export interface Member {
  id: string;
  partnershipId: string;
  platform: Platform;
  userId: string;
  displayName: string;
  /** Absent for an independent person such as an external critical friend. */
  organisationId?: string;
  role: Role;
  joinedAt: string;
}

/**
 * Where the bot can later write to without being asked (a DM, a channel).
 * `reference` is opaque to the core: each adapter stores what it needs
 * (Teams keeps its full ConversationReference here).
 */
export interface ConversationRecord {
  platform: Platform;
  /** A user id for a personal chat, or a conversation id for a channel. */
  key: string;
  reference: Record<string, unknown>;
  updatedAt: string;
}
