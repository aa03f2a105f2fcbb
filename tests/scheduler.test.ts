// node-cron drives the core's tick: once at start-up (catch-up), then on schedule.
import { describe, expect, it } from 'vitest';
import { startScheduler } from '../src/scheduler.js';
import { createLogger } from '../src/log.js';
import { waitFor } from './helpers/wait-for.js';

describe('scheduler', () => {
  it('ticks once at start-up, then on every cron beat, and logs a failing tick without stopping', async () => {
    const logs: string[] = [];
    let ticks = 0;
    const scheduler = startScheduler(
      async () => {
        ticks++;
        if (ticks === 2) throw new Error('store unavailable');
      },
      createLogger({ level: 'info', write: (l) => logs.push(l) }),
      '* * * * * *', // every second, so the test needs no minute-long wait
    );
    expect(ticks).toBe(1);
    await waitFor(() => ticks >= 3, 5000);
    await scheduler.stop();
    const stoppedAt = ticks;
    await new Promise((r) => setTimeout(r, 1200));
    expect(ticks).toBe(stoppedAt);
    expect(logs.some((l) => l.includes('"scheduled tick failed"') && l.includes('store unavailable') && l.includes('"code":"UNEXPECTED"'))).toBe(true);
  });
});
