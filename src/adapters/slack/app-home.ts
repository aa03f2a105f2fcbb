// App Home: a person's own overview, published when they open it and
// refreshed after anything that changes it. Refreshes are coalesced per
// person, deferred off the hot path and paced under views.publish's limit, so
// a burst of submissions neither delays its own acks nor meets a wall of 429s.
import { webApi } from '@slack/bolt';
import type { AdapterDeps } from '../adapter.js';
import type { Logger } from '../../log.js';
import { reportError } from '../../report-error.js';
import { RateLimiter, type Bucket } from '../../delivery/rate-limiter.js';
import { renderBlocks } from './render-blocks.js';

type WebClient = webApi.WebClient;

/** Publishes the person's overview as it is now. */
export async function publishHome(
  trellis: AdapterDeps['trellis'],
  client: WebClient,
  { workspace, userId }: { workspace: string; userId: string },
): Promise<void> {
  const overview = await trellis.overview({ platform: 'slack', workspace, userId, displayName: '' });
  await client.views.publish({ user_id: userId, view: { type: 'home', blocks: renderBlocks(overview) } });
}

export interface HomeRefresherOptions {
  /** Publishing starts once no refresh has been asked for this long (a timer, so the acks of a burst go first)… */
  quietMs?: number;
  /** …or once the oldest pending one has waited this long, so a steady stream of requests cannot hold it off. */
  maxWaitMs?: number;
  /** views.publish is Tier 4: about 100 a minute per workspace. */
  perMinute?: number;
  /** Publishes allowed back to back before pacing applies. */
  burst?: number;
}

export class HomeRefresher {
  /** Stale Homes in the order they were first asked for: user id → when. */
  private stale = new Map<string, number>();
  private readonly limiter = new RateLimiter();
  private readonly bucket: Bucket;
  private readonly quietMs: number;
  private readonly maxWaitMs: number;
  private lastAskedAt = 0;
  private timer?: NodeJS.Timeout;
  private publishing?: Promise<void>;
  private idlers: (() => void)[] = [];
  private stopped = false;

  constructor(
    private readonly publish: (userId: string) => Promise<void>,
    private readonly log: Logger,
    o: HomeRefresherOptions = {},
  ) {
    this.quietMs = o.quietMs ?? 250;
    this.maxWaitMs = o.maxWaitMs ?? 2_000;
    this.bucket = { key: 'slack:views.publish', perSecond: (o.perMinute ?? 100) / 60, burst: o.burst ?? 20 };
  }

  /** Marks this person's Home stale; it is published later, from the state at that time. */
  refresh(userId: string): void {
    if (this.stopped) return;
    this.lastAskedAt = Date.now();
    if (!this.stale.has(userId)) this.stale.set(userId, this.lastAskedAt);
    this.schedule();
  }

  /** A direct publish (Home opened) is about to show this person's latest Home: drop their refresh, and count it against the budget. */
  drop(userId: string): void {
    this.stale.delete(userId);
    this.limiter.reserve([this.bucket]);
    this.settle();
  }

  /** Resolves once nothing is pending or being published. */
  idle(): Promise<void> {
    return new Promise((resolve) => {
      this.idlers.push(resolve);
      this.settle();
    });
  }

  /** Clears the timer and waits for a publish in flight; pending refreshes are dropped (a Home is published afresh whenever it is opened). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.stale.clear();
    await this.publishing;
    this.settle();
  }

  private schedule() {
    if (this.timer || this.publishing || this.stopped || this.stale.size === 0) return;
    this.timer = setTimeout(() => void this.publishNext(), this.waitMs());
  }

  /** Until the next publish may start: after the quiet spell (or the longest wait), and when the bucket has room. */
  private waitMs(): number {
    const now = Date.now();
    const [oldest = now] = this.stale.values();
    const quiet = Math.min(this.lastAskedAt + this.quietMs, oldest + this.maxWaitMs) - now;
    return Math.max(0, quiet, this.limiter.waitFor([this.bucket]));
  }

  /** One at a time: the pace is one every 0.6 s anyway, and each publish reads the state as late as it can. */
  private async publishNext() {
    this.timer = undefined;
    const [next] = this.stale;
    if (!next || this.stopped) return this.settle();
    if (this.waitMs() > 0) return this.schedule();
    const [userId, askedAt] = next;
    this.stale.delete(userId);
    this.limiter.reserve([this.bucket]);
    this.publishing = this.publish(userId).catch((err: unknown) => this.failed(userId, askedAt, err));
    await this.publishing;
    this.publishing = undefined;
    this.schedule();
    this.settle();
  }

  private failed(userId: string, askedAt: number, err: unknown) {
    const e = err as { code?: unknown; retryAfter?: unknown } | undefined;
    const retryAfter = e?.code === webApi.ErrorCode.RateLimitedError ? e.retryAfter : undefined;
    if (typeof retryAfter !== 'number' || this.stopped) return reportError(this.log, 'slack app home', err);
    // Slack said wait: nothing goes before Retry-After, then this Home first (unless asked for again meanwhile).
    this.limiter.pause(this.bucket, retryAfter * 1000);
    if (!this.stale.has(userId)) this.stale = new Map([[userId, askedAt], ...this.stale]);
  }

  private settle() {
    if (this.stale.size > 0 || this.publishing) return;
    for (const resolve of this.idlers.splice(0)) resolve();
  }
}
