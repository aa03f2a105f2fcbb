// node-cron drives the core's tick: once at start-up (catch-up), then on schedule.
// With several instances (one shared store) each beat runs on one of them.
import { describe, expect, it, vi } from 'vitest';
import { startScheduler } from '../src/scheduler.js';
import { createLogger } from '../src/log.js';
import { createMemoryStore } from '../src/store/memory-store.js';
import { waitFor } from './helpers/wait-for.js';

const EVERY_SECOND = '* * * * * *'; // so the tests need no minute-long wait

describe('scheduler', () => {
  it('ticks once at start-up, then on every cron beat, and logs a failing tick without stopping', async () => {
    const logs: string[] = [];
    let ticks = 0;
    const scheduler = startScheduler(
      async () => {
        ticks++;
        if (ticks === 2) throw new Error('store unavailable');
      },
      { log: createLogger({ level: 'info', write: (l) => logs.push(l) }), store: createMemoryStore(), expression: EVERY_SECOND },
    );
    expect(ticks).toBe(1);
    await waitFor(() => ticks >= 3, 5000);
    await scheduler.stop();
    const stoppedAt = ticks;
    await new Promise((r) => setTimeout(r, 1200));
    expect(ticks).toBe(stoppedAt);
    expect(logs.some((l) => l.includes('"scheduled tick failed"') && l.includes('store unavailable') && l.includes('"code":"UNEXPECTED"'))).toBe(true);
  });

  it("sends node-cron's own warnings (a beat skipped while a slow tick runs) to the logger, never to the console", async () => {
    const methods = ['debug', 'log', 'info', 'warn', 'error'] as const;
    const printed: string[] = [];
    const spies = methods.map((m) => vi.spyOn(console, m).mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' '))));
    const logs: string[] = [];
    let beats = 0;
    try {
      const scheduler = startScheduler(
        async () => {
          // The start-up tick is quick; the first beat outlasts the next one.
          if (beats++ === 1) await new Promise((r) => setTimeout(r, 1600));
        },
        { log: createLogger({ level: 'debug', write: (l) => logs.push(l) }), store: createMemoryStore(), expression: EVERY_SECOND },
      );
      const warned = () => printed.length > 0 || logs.some((l) => l.includes('node-cron: task still running'));
      await waitFor(warned, 5000).finally(() => scheduler.stop());
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    expect(printed).toEqual([]);
    expect(logs.find((l) => l.includes('node-cron: task still running'))).toContain('"level":"warn"');
  });

  it('runs each beat once in total across two instances sharing one store (each still catches up once at start-up)', async () => {
    const store = createMemoryStore();
    const log = createLogger({ level: 'info', write: () => {} });
    // The second (wall-clock) a beat ran in, per instance; start-up ticks are counted apart.
    const beats: { a: number[]; b: number[] } = { a: [], b: [] };
    const startups = { a: 0, b: 0 };
    const running = { a: false, b: false };
    const tickOf = (who: 'a' | 'b') => async () => {
      if (running[who]) beats[who].push(Math.floor(Date.now() / 1000));
      else startups[who]++;
    };
    // The start-up tick runs before startScheduler returns.
    const a = startScheduler(tickOf('a'), { log, store, expression: EVERY_SECOND });
    running.a = true;
    const b = startScheduler(tickOf('b'), { log, store, expression: EVERY_SECOND });
    running.b = true;
    expect(startups).toEqual({ a: 1, b: 1 });
    try {
      await waitFor(() => beats.a.length + beats.b.length >= 4, 8000);
      // Let a beat's second instance finish asking the store.
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      await a.stop();
      await b.stop();
    }
    const all = [...beats.a, ...beats.b];
    expect(all.length).toBeGreaterThanOrEqual(4);
    expect(new Set(all).size).toBe(all.length);
  });
});
