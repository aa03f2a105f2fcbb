// Paces sends so they stay inside each platform's limits instead of finding
// them by hitting 429s. One bucket per limit (a method's rate, one
// conversation's rate); a send waits until every bucket it uses has room.
// GCRA: each bucket keeps the earliest time its next send is in line for.

export interface Bucket {
  key: string;
  /** Sends per second, sustained. */
  perSecond: number;
  /** Sends allowed back to back before pacing applies. */
  burst: number;
}

export class RateLimiter {
  /** Theoretical arrival time per bucket, in ms. */
  private readonly tat = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Books a send through every bucket; returns how long to wait before sending (0 = now). */
  reserve(buckets: Bucket[]): number {
    const t = this.now();
    const at = Math.max(t, ...buckets.map((b) => (this.tat.get(b.key) ?? 0) - tolerance(b)));
    for (const b of buckets) this.tat.set(b.key, Math.max(this.tat.get(b.key) ?? 0, at) + 1000 / b.perSecond);
    this.forgetIdle(t);
    return at - t;
  }

  /** When a send through these buckets could go, without booking it. */
  waitFor(buckets: Bucket[]): number {
    const t = this.now();
    return Math.max(0, ...buckets.map((b) => (this.tat.get(b.key) ?? 0) - tolerance(b) - t));
  }

  /** The platform said wait (Retry-After): nothing goes through this bucket before `ms` from now. */
  pause(bucket: Bucket, ms: number): void {
    this.tat.set(bucket.key, Math.max(this.tat.get(bucket.key) ?? 0, this.now() + ms + tolerance(bucket)));
  }

  private forgetIdle(t: number) {
    if (this.tat.size < 10_000) return;
    for (const [key, at] of this.tat) if (at < t - 60_000) this.tat.delete(key);
  }
}

const tolerance = (b: Bucket) => (Math.max(1, b.burst) - 1) * (1000 / b.perSecond);
