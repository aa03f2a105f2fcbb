// What the scheduler calls every minute: each feature's due work, for every
// partnership. Kept apart from the features so that none of them needs to know the others.
import { deliverConcerns } from './concerns/concerns.js';
import { expireConcerns } from './concerns/retention.js';
import { friendDigest } from './concerns/themes.js';
import type { Deps } from './deps.js';
import { TrellisError } from './errors.js';
import { errorKind } from './logger.js';
import { tickProtocols } from './protocols/reminders.js';
import { tickRounds } from './survey/rounds.js';
import { expireComments } from './survey/retention.js';
import { compactRounds } from './survey/turnout.js';

const DUE_WORK = [
  ['rounds', tickRounds],
  ['protocol reminders', tickProtocols],
  ['concerns', deliverConcerns],
  ['critical friend digest', friendDigest],
  ['compaction', compactRounds],
  ['concern retention', expireConcerns],
  ['comment retention', expireComments],
] as const;

/** Everything due at `now`: rounds, protocol reminders, concerns and their digest, compaction, retention. */
export async function tick(deps: Deps): Promise<void> {
  let failed = 0;
  let first: unknown;
  for (const partnership of await deps.store.partnerships()) {
    // One partnership's trouble must not hold up everyone else's schedule, nor one kind of work the others.
    let troubled = false;
    for (const [work, run] of DUE_WORK) {
      await run(deps, partnership).catch((err: unknown) => {
        // Each failure is logged by what failed and where, never by who: the first alone would hide the rest.
        deps.log.error('Scheduled work failed', { work, partnershipId: partnership.id, ...errorKind(err) });
        troubled = true;
        first ??= err;
      });
    }
    if (troubled) failed++;
  }
  if (failed)
    throw new TrellisError('UNEXPECTED', `${failed} partnership(s) could not be brought up to date: ${String((first as Error)?.message ?? first)}`, {
      cause: first,
    });
}
