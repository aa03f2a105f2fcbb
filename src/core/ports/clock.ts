// The time, injected: tests and benchmarks move a fake clock instead of waiting.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * A clock that can be set back: the playground's demo writes its history
 * through the core in the past, walking forward to now, then sets it back to 0.
 */
export interface ShiftableClock extends Clock {
  /** How far behind the base clock it runs, in ms (0: not at all). */
  setBehind(ms: number): void;
}

export function shiftable(base: Clock): ShiftableClock {
  let behind = 0;
  return {
    now: () => new Date(base.now().getTime() - behind),
    setBehind: (ms) => void (behind = Math.max(0, ms)),
  };
}
