// The time, injected: tests and benchmarks move a fake clock instead of waiting.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
