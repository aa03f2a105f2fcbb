// node-cron wakes the core every minute; the core works out, per partnership
// and in its timezone, what is due. One tick at start-up catches up on
// anything missed while the process was down (once, not once per missed tick).
// With several instances each fire runs on one of them: node-cron's
// distributed mode asks the store, which grants each fire to one claimer.
import cron from 'node-cron';
import type { Store } from './core/ports.js';
import type { Logger } from './log.js';
import { reportError } from './report-error.js';

export interface Scheduler {
  stop(): Promise<void>;
}

export interface SchedulerOptions {
  log: Logger;
  store: Store;
  expression?: string;
}

export function startScheduler(tick: () => Promise<void>, { log, store, expression = '* * * * *' }: SchedulerOptions): Scheduler {
  const run = () => tick().catch((err: unknown) => reportError(log, 'scheduled tick', err));
  const task = cron.schedule(expression, run, {
    name: 'trellis-tick',
    noOverlap: true,
    distributed: true,
    runCoordinator: { shouldRun: (key, ttlMs) => store.claimOnce(`cron:${key}`, ttlMs) },
  });
  void run();
  return { stop: async () => void (await task.destroy()) };
}
