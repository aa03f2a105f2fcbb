// A store as opened (open-store.ts): every port it serves — each to its own
// users — and closing it, which belongs to whoever opened it (main.ts).
import type { ConversationReferences } from '../core/ports/conversation-references.js';
import type { Coordination } from '../core/ports/coordination.js';
import type { Installations } from '../core/ports/installations.js';
import type { Outbox } from '../core/ports/outbox.js';
import type { Repository } from '../core/ports/repository.js';

export interface Store extends Repository, Outbox, Coordination, ConversationReferences, Installations {
  /** Makes every write so far durable and releases resources. */
  close(): Promise<void>;
  /** For /metrics (src/metrics.ts): hears how long each commit took, in seconds. Stores that commit nothing (memory) leave it out. */
  onCommit?(listener: CommitListener): void;
  /** For /metrics: the lowdb journal's size in bytes (stores without a journal leave it out). */
  journalBytes?(): number;
}

export type CommitListener = (seconds: number) => void;
