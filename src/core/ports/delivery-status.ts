// How the check-ins the core sent are getting out. A Delivery is opaque to the
// core, so it asks here rather than reading the outbox (delivery/ answers).
import type { Delivery, Person } from '../model.js';

export interface DeliveryStatus {
  /**
   * Of these deliveries, how many are still queued (behind the platforms' rate
   * limits, or being sent) and how many the platform refused. Counts only: never which.
   */
  count(deliveries: Delivery[]): Promise<{ queued: number; failed: number }>;
  /**
   * Of these people, how many cannot be messaged privately now (their organisation's workspace
   * removed Trellis; on Teams, someone who never opened a chat with it). A count, never who.
   */
  unreachable(people: Person[]): Promise<number>;
}
