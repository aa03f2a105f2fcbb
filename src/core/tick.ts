// What the scheduler calls every minute: each feature's due work, for every
// partnership. Kept apart from the features so that none of them needs to know the others.
import { deliverConcerns } from './concerns/concerns.js';
import { friendDigest } from './concerns/themes.js';
import type { Deps } from './deps.js';
import { TrellisError } from './errors.js';
import { tickProtocols } from './protocols/reminders.js';
import { tickRounds } from './survey/rounds.js';
import { compactRounds } from './survey/turnout.js';

/** Everything due at `now`: rounds, protocol reminders, concerns and their digest, compaction. */
export async function tick(deps: Deps): Promise<void> {
  const failed: unknown[] = [];
  for (const partnership of await deps.store.partnerships()) {
    // One partnership's trouble must not hold up everyone else's schedule.
    const errors: unknown[] = [];
    await tickRounds(deps, partnership).catch((err: unknown) => errors.push(err));
    await tickProtocols(deps, partnership).catch((err: unknown) => errors.push(err));
    await deliverConcerns(deps, partnership).catch((err: unknown) => errors.push(err));
    await friendDigest(deps, partnership).catch((err: unknown) => errors.push(err));
    await compactRounds(deps, partnership).catch((err: unknown) => errors.push(err));
    if (errors.length) failed.push(errors[0]);
  }
  if (failed.length)
    throw new TrellisError(
      'UNEXPECTED',
      `${failed.length} partnership(s) could not be brought up to date: ${String((failed[0] as Error)?.message ?? failed[0])}`,
      { cause: failed[0] },
    );
}
