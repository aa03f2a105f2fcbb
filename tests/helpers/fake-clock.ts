import type { Clock } from '../../src/core/ports/clock.js';

export interface FakeClock extends Clock {
  set(iso: string): void;
  advance(ms: number): void;
}

export function fakeClock(start = '2026-11-23T09:00:00Z'): FakeClock {
  let now = new Date(start).getTime();
  return {
    now: () => new Date(now),
    set: (iso) => void (now = new Date(iso).getTime()),
    advance: (ms) => void (now += ms),
  };
}
