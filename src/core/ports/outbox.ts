// The outbox: outgoing messages recorded before they are sent and marked
// after, for src/delivery alone (a delivery is opaque to the core). Declared in
// the core because the stores implement it and may import only the core; no
// core feature imports it.
import type { Platform } from '../model.js';

export const OUTGOING_STATUSES = ['pending', 'sending', 'sent', 'failed'] as const;
export type OutgoingStatus = (typeof OUTGOING_STATUSES)[number];

/**
 * One message waiting for, or past, delivery. Recorded before it is sent and
 * marked after, so a crash or a lost response never sends it twice. Who it is
 * for and what it says are sealed in `sealed` (opaque to every store), and
 * cleared once delivered.
 */
export interface Outgoing {
  id: string;
  platform: Platform;
  kind: 'private' | 'conversation' | 'update';
  /**
   * Only on updates queued before schema 4: the message an update replaces is
   * now sealed with it, since in the open it names the invitation it updates.
   */
  replaces?: string;
  status: OutgoingStatus;
  /** Sends tried so far (a claim counts as one). */
  attempts: number;
  /** Not to be tried before this instant (rate limits, Retry-After, back-off). */
  notBefore: string;
  /** Who is sending it and until when; after that another instance may take it over. */
  owner?: string;
  leaseUntil?: string;
  /** Set, durably, just before the request goes out: a taken-over message without it was never tried. */
  attemptedAt?: string;
  createdAt: string;
  sealed: string;
  error?: string;
}

/** A claimed outgoing message; `resumed` when an earlier sender's lease ran out mid-send, so it may already have arrived. */
export type ClaimedOutgoing = Outgoing & { resumed: boolean };

export interface Outbox {
  /** Records an outgoing message; a second record with the same id changes nothing. */
  enqueueOutgoing(o: Outgoing): Promise<void>;
  outgoing(id: string): Promise<Outgoing | undefined>;
  /**
   * Takes up to `limit` messages due at `now` — pending ones, and ones whose
   * sender's lease ran out — oldest `notBefore` first, marking them `sending`
   * by `owner` until `now + leaseMs` and counting the attempt. Two claimers never get the same message.
   */
  claimOutgoing(now: Date, owner: string, leaseMs: number, limit: number): Promise<ClaimedOutgoing[]>;
  /** Saves a claimed message's new state, only while `owner` still holds it; false when its lease was taken over. */
  settleOutgoing(o: Outgoing, owner: string): Promise<boolean>;
  /** Forgets sent and failed messages created before `before`. */
  pruneOutgoing(before: Date): Promise<number>;
  /** How many messages wait (pending or sending) and when the oldest was queued: for /metrics. */
  outboxBacklog(): Promise<OutboxBacklog>;
}

export interface OutboxBacklog {
  depth: number;
  oldestCreatedAt?: string;
}
