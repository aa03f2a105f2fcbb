// Retrying a platform that cannot be reached: doubling waits from a second up
// to a cap, with jitter so that instances restarted together spread out.

export interface Backoff {
  /** The longest wait between attempts, in ms. */
  maxMs: number;
}

/** The wait before attempt `n` (1 = the first retry). */
export const backoffDelay = (n: number, { maxMs }: Backoff, random = Math.random): number => {
  const base = Math.min(maxMs, 1000 * 2 ** Math.min(n - 1, 20));
  return Math.round(base / 2 + (random() * base) / 2);
};

/**
 * Runs `attempt` until it returns true, waiting longer after each false.
 * `attempt` decides for itself what a failure means; if it throws all the
 * same (a bug), `onError` hears of it and the retries stop.
 * Stops, without another attempt, once `stop()` is called.
 */
export function keepTrying(attempt: () => Promise<boolean>, backoff: Backoff, onError: (err: unknown) => void): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, ms);
    });
  const done = (async () => {
    for (let n = 1; !stopped; n++) {
      await wait(backoffDelay(n, backoff));
      if (stopped || (await attempt())) return;
    }
  })().catch(onError);
  return {
    /** Resolves once no attempt is running. */
    stop: () => {
      stopped = true;
      clearTimeout(timer);
      wake?.();
      return done;
    },
  };
}
