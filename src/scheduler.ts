// node-cron wakes the core every minute; the core works out, per partnership
// and in its timezone, what is due. One tick at start-up catches up on
// anything missed while the process was down (once, not once per missed tick).
// With several instances each fire runs on one of them: node-cron's
// distributed mode asks the store, which grants each fire to one claimer.
import cron from 'node-cron';
import type { Coordination } from './core/ports/coordination.js';
import type { Logger } from './log.js';
import { reportError } from './report-error.js';

export interface Scheduler {
  stop(): Promise<void>;
}

export interface SchedulerOptions {
  log: Logger;
  store: Pick<Coordination, 'claimOnce'>;
  expression?: string;
}

/** node-cron's logger interface, onto Trellis's: its message and at most an error's message, never a stack. */
function cronLogger(log: Logger) {
  const text = (m: string | Error) => `node-cron: ${m instanceof Error ? m.message : m}`;
  const meta = (err?: Error) => (err ? { error: err.message } : undefined);
  return {
    info: (m: string) => log.info(text(m)),
    warn: (m: string) => log.warn(text(m)),
    error: (m: string | Error, err?: Error) => log.error(text(m), meta(err)),
    debug: (m: string | Error, err?: Error) => log.debug(text(m), meta(err)),
  };
}

export function startScheduler(tick: () => Promise<void>, { log, store, expression = '* * * * *' }: SchedulerOptions): Scheduler {
  const run = () => tick().catch((err: unknown) => reportError(log, 'scheduled tick', err));
  const task = cron.schedule(expression, run, {
    name: 'trellis-tick',
    noOverlap: true,
    distributed: true,
    runCoordinator: { shouldRun: (key, ttlMs) => store.claimOnce(`cron:${key}`, ttlMs) },
    // node-cron's own warnings (a beat skipped while a tick still runs, a missed beat) would go to the console, coloured.
    logger: cronLogger(log),
  });
  void run();
  return { stop: async () => void (await task.destroy()) };
}
