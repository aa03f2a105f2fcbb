import { randomInt, randomUUID } from 'node:crypto';
import type { Clock } from './ports/clock.js';
import type { Messenger } from './ports/messenger.js';
import { consoleLogger, errorKind, type Logger } from './logger.js';
import type { Coordination } from './ports/coordination.js';
import type { DeliveryStatus } from './ports/delivery-status.js';
import type { Repository } from './ports/repository.js';
import { DEFAULT_UNINSTALL_GRACE_DAYS } from './model.js';

export interface Deps {
  store: Repository;
  /** Commands run one at a time under `exclusive` (see trellis.ts). */
  coordination: Pick<Coordination, 'exclusive'>;
  /** How the check-ins sent are getting out (an open round's status). */
  deliveryStatus: DeliveryStatus;
  clock: Clock;
  messenger: Messenger;
  /** TRELLIS_SECRET: keys the hashes that keep answers unlinkable. */
  secret: string;
  newId: () => string;
  newInviteCode: () => string;
  /** Where people reach Trellis's own pages (the dashboard), e.g. PUBLIC_URL. */
  publicUrl: () => string;
  /** Concerns reach the critical friend after a random delay up to this (0: at once). */
  concernDelayMaxSeconds: number;
  /** How many concerns one person may raise in a day. */
  concernsPerDay: number;
  /** TRELLIS_UNINSTALL_GRACE_DAYS: how long after an uninstall its members' data is erased, unless Trellis is added back (uninstall-grace.ts). */
  uninstallGraceDays: number;
  /** 0 ≤ x < 1; injected so tests can check the spread of delays. */
  random: () => number;
  /** Runs a follow-up nobody is waiting for once the reply in hand has gone out (createTrellis tracks it; `settled` waits for it). */
  later: (work: () => Promise<unknown>) => void;
  /** Where failures nobody waits on are reported (sends in a fan-out, follow-ups). */
  log: Logger;
}

// No 0/O, 1/I/L: invite codes are read aloud in meetings and typed from slides.
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

export function randomInviteCode(): string {
  const pick = () => Array.from({ length: 4 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
  return `${pick()}-${pick()}`;
}

export type RequiredDeps = Pick<Deps, 'store' | 'coordination' | 'deliveryStatus' | 'clock' | 'messenger' | 'secret'>;

export const withDefaults = (d: RequiredDeps & Partial<Deps>): Deps => ({
  newId: randomUUID,
  newInviteCode: randomInviteCode,
  publicUrl: () => 'http://localhost:3000',
  concernDelayMaxSeconds: 600,
  concernsPerDay: 3,
  uninstallGraceDays: DEFAULT_UNINSTALL_GRACE_DAYS,
  random: Math.random,
  later: followUps(d.log ?? consoleLogger).later,
  log: consoleLogger,
  ...d,
});

/**
 * Follow-ups start on the next turn of the event loop, when the reply they follow
 * has been written out; `settled` resolves once every one queued so far has run.
 */
export function followUps(log: Logger): { later: Deps['later']; settled: () => Promise<void> } {
  const running = new Set<Promise<void>>();
  return {
    later: (work) => {
      const run: Promise<void> = new Promise((resolve) => setImmediate(resolve))
        .then(work)
        .then(
          () => undefined,
          (err: unknown) => log.error('A follow-up failed', errorKind(err)),
        ) // a courtesy: its failure must not surface as the request's
        .finally(() => running.delete(run));
      running.add(run);
    },
    settled: async () => {
      while (running.size > 0) await Promise.all(running);
    },
  };
}
