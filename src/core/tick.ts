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
import { eraseAfterGrace } from './commands/uninstall-erasure.js';
import { eraseClosedPartnership } from './commands/closed-erasure.js';

const DUE_WORK = [
  ['rounds', tickRounds],
  ['protocol reminders', tickProtocols],
  ['concerns', deliverConcerns],
  ['critical friend digest', friendDigest],
  ['compaction', compactRounds],
  ['concern retention', expireConcerns],
  ['comment retention', expireComments],
  // Last: after the rounds, so a closing check-in still open is closed (and its answers out) first.
  ['closed partnership erasure', eraseClosedPartnership],
] as const;

// Due work across partnerships, once per tick before theirs: a removal's members may be in several.
const CLUSTER_WORK = [['uninstall erasure', eraseAfterGrace]] as const;

/** Everything due at `now`: uninstalls past their grace period, then each partnership's rounds, protocol reminders, concerns and their digest, compaction, retention, a closed partnership's erasure. */
export async function tick(deps: Deps): Promise<void> {
  let failed = 0;
  let clusterFailed = 0;
  let first: unknown;
  for (const [work, run] of CLUSTER_WORK) {
    await run(deps).catch((err: unknown) => {
      deps.log.error('Scheduled work failed', { work, ...errorKind(err) });
      clusterFailed++;
      first ??= err;
    });
  }
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
  if (failed || clusterFailed) {
    const what = [clusterFailed ? `${clusterFailed} step(s) across partnerships` : '', failed ? `${failed} partnership(s)` : ''].filter(Boolean).join(' and ');
    throw new TrellisError('UNEXPECTED', `${what} could not be brought up to date: ${String((first as Error)?.message ?? first)}`, { cause: first });
  }
}
