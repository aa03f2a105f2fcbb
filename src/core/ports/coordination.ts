// Coordination between concurrent work, in this process and — on a shared
// database — across instances. The core runs commands under `exclusive`; the
// adapters and the scheduler act once per event or fire through `claimOnce`.
// Declared in the core because the stores implement it and may import only the core.

export interface Coordination {
  /**
   * Runs `work` while no other holder of `scope` runs, in this process and —
   * on a shared database — in every instance. Not re-entrant.
   */
  exclusive<T>(scope: string, work: () => Promise<T>): Promise<T>;
  /** True for the first caller to claim `key` (an event id, a schedule's fire) until `ttlMs` passes; false for every other. */
  claimOnce(key: string, ttlMs: number): Promise<boolean>;
}
