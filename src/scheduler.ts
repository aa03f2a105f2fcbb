// node-cron wakes the core every minute; the core works out, per partnership
// and in its timezone, what is due. One tick at start-up catches up on
// anything missed while the process was down (once, not once per missed tick).
import cron from 'node-cron';
import type { Logger } from './log.js';
import { reportError } from './report-error.js';

export interface Scheduler {
  stop(): Promise<void>;
}

export function startScheduler(tick: () => Promise<void>, log: Logger, expression = '* * * * *'): Scheduler {
  const run = () => tick().catch((err: unknown) => reportError(log, 'scheduled tick', err));
  const task = cron.schedule(expression, run, { name: 'trellis-tick', noOverlap: true });
  void run();
  return { stop: async () => void (await task.destroy()) };
}
