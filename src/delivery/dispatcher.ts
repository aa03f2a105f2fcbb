// Delivers the outbox. Each message is claimed under a lease (so one instance
// sends it, and another takes over if that one dies), marked just before its
// request goes out and settled after, paced through the platform's limits.
// A message whose sender vanished mid-request is looked up on the platform
// before it is sent again; where the platform cannot be asked, it is not resent.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { KEEP_SENT_DAYS, LEGACY_WORKSPACE, type Delivery, type Platform } from '../core/model.js';
import type { ClaimedOutgoing, Outbox, Outgoing } from '../core/ports/outbox.js';
import { seal, unseal } from '../core/seal.js';
import type { Logger } from '../log.js';
import type { MessengerHub, PlatformMessenger, SendKind, Target } from './platform-messenger.js';
import { DeliveryFailure } from './delivery-failure.js';
import { OUTBOX_SEAL, type OutboxPayload, WAIT_IN_CLAIM_MS } from './outbox-messenger.js';
import { RateLimiter, type Bucket } from './rate-limiter.js';

export interface DispatcherOptions {
  store: Outbox;
  hub: MessengerHub;
  secret: string;
  log: Logger;
  /** How long a claim holds; longer than any one request may take (the clients time out well before). */
  leaseMs?: number;
  /** Messages in flight at once. */
  concurrency?: number;
  /** How often to look for work queued by other instances. */
  pollMs?: number;
  maxAttempts?: number;
  /** The first retry's average wait; each further one doubles it (with full jitter). */
  retryBaseMs?: number;
  /** Counts each outcome for /metrics (src/metrics.ts). */
  metrics?: DeliveryMetrics;
}

export type DeliveryOutcome = 'sent' | 'failed' | 'retried';
export interface DeliveryMetrics {
  delivery(platform: Platform, outcome: DeliveryOutcome): void;
  /** The platform answered 429. */
  slowedDown(platform: Platform): void;
}

const CLAIM_BATCH = 8;
/** The core says how long (it is on the privacy page and in `status`). */
export const KEEP_FINISHED_DAYS = KEEP_SENT_DAYS;

export class Dispatcher {
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  readonly limiter = new RateLimiter();
  private readonly leaseMs: number;
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly maxAttempts: number;
  private readonly retryBaseMs: number;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly claiming = new Set<Promise<number>>();
  /** Claimed messages waiting for room under a rate limit. */
  private pacing = 0;
  private running = false;
  private loop?: Promise<void>;
  private nudge?: () => void;
  private nudged = false;
  private lastPrune = 0;

  constructor(private readonly o: DispatcherOptions) {
    this.leaseMs = o.leaseMs ?? 60_000;
    this.concurrency = o.concurrency ?? 32;
    this.pollMs = o.pollMs ?? 500;
    this.maxAttempts = o.maxAttempts ?? 8;
    this.retryBaseMs = o.retryBaseMs ?? 1_000;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Finishes what is in flight and stops claiming; unclaimed work stays queued for the next start. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    await Promise.all(this.inFlight);
  }

  wake = (): void => {
    this.nudged = true;
    this.nudge?.();
  };

  /** Sends everything due now and waits until it is settled (tests; a clean shutdown). */
  async drain(): Promise<void> {
    for (;;) {
      const claimed = await this.claim(this.concurrency);
      // The loop's own claim may still be on its way back with messages: wait for it too.
      const pending = [...this.inFlight, ...this.claiming];
      if (claimed === 0 && pending.length === 0) return;
      if (pending.length > 0) await Promise.race(pending);
    }
  }

  private async run() {
    while (this.running) {
      const room = this.concurrency - this.inFlight.size;
      // Claim only what can go soon: a claimed message waits its turn under this
      // instance's lease, and would wait the lease out if the instance died.
      const claimed = room > 0 && this.pacing < CLAIM_BATCH ? await this.claim(Math.min(room, CLAIM_BATCH)) : 0;
      if (claimed === 0) await this.idle();
      else if (this.inFlight.size >= this.concurrency) await Promise.race(this.inFlight);
      await this.prune();
    }
  }

  /** Waits for a wake-up, a finished send or the poll interval, whichever is first. */
  private async idle() {
    if (this.nudged) return void (this.nudged = false);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.pollMs);
      this.nudge = () => {
        clearTimeout(timer);
        resolve();
      };
      void Promise.race(this.inFlight).then(this.nudge);
    });
    this.nudge = undefined;
    this.nudged = false;
  }

  private claim(limit: number): Promise<number> {
    const claiming = this.claimNow(limit).finally(() => this.claiming.delete(claiming));
    this.claiming.add(claiming);
    return claiming;
  }

  private async claimNow(limit: number): Promise<number> {
    let claimed: ClaimedOutgoing[] = [];
    try {
      claimed = await this.o.store.claimOutgoing(new Date(), this.owner, this.leaseMs, limit);
    } catch (err) {
      this.o.log.error('Could not read the outbox; will try again', { error: String(err) });
    }
    for (const entry of claimed) {
      const work: Promise<void> = this.handle(entry)
        .catch((err: unknown) => this.o.log.error('Outgoing message failed unexpectedly', { kind: entry.kind, platform: entry.platform, error: String(err) }))
        .finally(() => this.inFlight.delete(work));
      this.inFlight.add(work);
    }
    return claimed.length;
  }

  private async handle(claimed: ClaimedOutgoing): Promise<void> {
    const { resumed, ...entry } = claimed;
    if (resumed)
      this.o.log.info('Taking over an outgoing message from an instance that stopped', {
        kind: entry.kind,
        platform: entry.platform,
        attempted: Boolean(entry.attemptedAt),
      });
    const platform = this.o.hub.get(entry.platform);
    const payload = unseal<OutboxPayload>(this.o.secret, OUTBOX_SEAL, entry.sealed);
    if (!platform) return this.fail(entry, `${entry.platform} is not configured on this instance`);
    if (!payload?.message) return this.fail(entry, 'its content cannot be opened (was TRELLIS_SECRET changed?)');
    if (entry.kind === 'update') return this.handleUpdate(platform, entry, payload);
    const { message } = payload;
    const target = targetOf(payload);
    const kind: SendKind = entry.kind;

    if (entry.attemptedAt) {
      // A request went out and no answer came back (or its sender died mid-request): it may have arrived. Ask before sending again.
      if (!platform.find) return this.fail(entry, 'its request got no answer and the platform cannot say whether it arrived; not sent twice');
      if (entry.attempts > this.maxAttempts) return this.fail(entry, `no answer after ${this.maxAttempts} tries`);
      const found = await this.attempt(entry, () => platform.find!(kind, target, entry.id, new Date(Date.parse(entry.createdAt) - 60_000)), true);
      if (found === FAILED) return;
      if (found) return void (await this.sent(entry, found));
    }
    const delivery = await this.paced(entry, platform.buckets('send', kind, target), () => platform.send(kind, target, message, entry.id));
    if (delivery !== FAILED) await this.sent(entry, delivery);
  }

  private async handleUpdate(platform: PlatformMessenger, entry: Outgoing, { message, delivery: given, replaces = entry.replaces }: OutboxPayload) {
    let delivery = given;
    if (replaces) {
      const original = await this.sentOriginal(replaces);
      if (!original || original.status === 'failed') return this.fail(entry, 'the message it replaces was never delivered');
      // Still not sent: back to the queue, without counting this as an attempt.
      if (original.status !== 'sent') return this.later(entry, 1_000, false);
      delivery = unseal<OutboxPayload>(this.o.secret, OUTBOX_SEAL, original.sealed)?.delivery;
    }
    if (!delivery) return this.fail(entry, 'nothing to update');
    const target = delivery;
    const done = await this.paced(entry, platform.buckets('update', 'private', where(target)), () => platform.update(target, message!));
    if (done === FAILED) return;
    await this.settle({ ...finished(entry), status: 'sent', sealed: '' });
    this.o.metrics?.delivery(entry.platform, 'sent');
  }

  /** The message an update replaces, once sent; it is often in flight alongside, so wait a moment for it. */
  private async sentOriginal(id: string): Promise<Outgoing | undefined> {
    for (let tries = 0; ; tries++) {
      const original = await this.o.store.outgoing(id);
      if (!original || original.status === 'sent' || original.status === 'failed' || tries >= 40) return original;
      await sleep(50);
    }
  }

  /** Records the attempt, waits for room in every bucket, then sends; FAILED when it was settled otherwise. */
  private async paced<T>(entry: Outgoing, buckets: Bucket[], send: () => Promise<T>): Promise<T | typeof FAILED> {
    // A long wait (a Retry-After pause) goes back to the queue rather than holding a claim.
    const wait = this.limiter.waitFor(buckets);
    if (wait > WAIT_IN_CLAIM_MS) return this.later(entry, wait, false).then(() => FAILED);
    // Marked durably before the request: if this process dies from here on, whoever takes the message over looks before resending.
    const marked = { ...entry, attemptedAt: new Date().toISOString() };
    if (!(await this.settle(marked))) return FAILED;
    Object.assign(entry, marked);
    // Wait until every bucket has room before booking, so one busy conversation does not push the shared buckets into the future.
    this.pacing++;
    try {
      for (let free = this.limiter.waitFor(buckets); free > 0; free = this.limiter.waitFor(buckets)) await sleep(free);
      const delay = this.limiter.reserve(buckets);
      if (delay > 0) await sleep(delay);
    } finally {
      this.pacing--;
    }
    return this.attempt(entry, send, false);
  }

  /**
   * Runs one request; on failure decides, by its kind, to retry, wait, check or give up.
   * `inDoubt`: the message may already have arrived (a look-up), so whatever happens it stays marked as attempted.
   */
  private async attempt<T>(entry: Outgoing, request: () => Promise<T>, inDoubt: boolean): Promise<T | typeof FAILED> {
    try {
      return await request();
    } catch (err) {
      const failure = err instanceof DeliveryFailure ? err : new DeliveryFailure('unknown', String(err));
      switch (failure.kind) {
        case 'rate-limited':
          if (failure.bucket) this.limiter.pause(failure.bucket, failure.retryAfterMs ?? 1_000);
          this.o.metrics?.slowedDown(entry.platform);
          this.o.log.warn('Platform asked us to slow down', { platform: entry.platform, retryAfterMs: failure.retryAfterMs });
          await this.later(entry, failure.retryAfterMs ?? 1_000, false, inDoubt);
          break;
        case 'transient':
          if (entry.attempts >= this.maxAttempts) await this.fail(entry, failure.message);
          else await this.later(entry, failure.retryAfterMs ?? this.backoff(entry.attempts), true, inDoubt);
          break;
        case 'unknown':
          // It may have been posted: it stays marked as attempted, so whoever tries next looks first.
          this.o.log.warn('No answer to a send; it will be checked before any retry', { platform: entry.platform, error: failure.message });
          if (entry.attempts >= this.maxAttempts) await this.fail(entry, `no answer after ${this.maxAttempts} tries`);
          else await this.later(entry, this.backoff(entry.attempts), true, true);
          break;
        case 'permanent':
          await this.fail(entry, failure.message);
          break;
      }
      return FAILED;
    }
  }

  private sent(entry: Outgoing, delivery: Delivery) {
    const payload: OutboxPayload = { delivery };
    this.o.metrics?.delivery(entry.platform, 'sent');
    return this.settle({ ...entry, status: 'sent', sealed: seal(this.o.secret, OUTBOX_SEAL, payload) });
  }

  private async fail(entry: Outgoing, reason: string) {
    this.o.metrics?.delivery(entry.platform, 'failed');
    this.o.log.warn('Outgoing message dropped', { kind: entry.kind, platform: entry.platform, reason });
    await this.settle({ ...finished(entry), status: 'failed', sealed: '', error: reason });
  }

  /**
   * Back to the queue. A wait that is not a real attempt (rate, ordering) does not count towards giving up;
   * a message that may have arrived keeps its mark, so it is looked for before it is sent again.
   */
  private later(entry: Outgoing, ms: number, counts: boolean, inDoubt = false) {
    if (counts) this.o.metrics?.delivery(entry.platform, 'retried');
    const { attemptedAt, leaseUntil: _, ...rest } = entry;
    return this.settle({
      ...rest,
      ...(inDoubt && attemptedAt ? { attemptedAt } : {}),
      owner: this.owner,
      status: 'pending',
      attempts: counts ? entry.attempts : Math.max(0, entry.attempts - 1),
      notBefore: new Date(Date.now() + ms).toISOString(),
    }).then(() => undefined);
  }

  /** Exponential with full jitter, so instances retrying together spread out. */
  private backoff(attempts: number) {
    return Math.random() * Math.min(60_000, this.retryBaseMs * 2 ** attempts);
  }

  private async settle(entry: Outgoing): Promise<boolean> {
    const ok = await this.o.store.settleOutgoing(entry, this.owner);
    if (!ok) this.o.log.warn('An outgoing message was taken over by another instance', { kind: entry.kind, platform: entry.platform });
    return ok;
  }

  private async prune() {
    if (Date.now() - this.lastPrune < 3_600_000) return;
    this.lastPrune = Date.now();
    await this.o.store
      .pruneOutgoing(new Date(Date.now() - KEEP_FINISHED_DAYS * 86_400_000))
      .catch((err: unknown) => this.o.log.error('Could not prune the outbox', { error: String(err) }));
  }
}

const FAILED = Symbol('failed');
/** A finished message keeps no link to another (an update queued before schema 4 had one in the open). */
const finished = ({ replaces: _, ...entry }: Outgoing): Outgoing => entry;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The conversation a delivery is in, for pacing updates per conversation. */
const where = (d: Delivery): Target => ({
  workspace: typeof d.workspace === 'string' ? d.workspace : LEGACY_WORKSPACE,
  id: String(d.channel ?? d.conversationId ?? d.userId ?? ''),
});
/** Messages queued before workspaces name a bare id, in the legacy workspace. */
const targetOf = ({ target = '' }: OutboxPayload): Target => (typeof target === 'string' ? { workspace: LEGACY_WORKSPACE, id: target } : target);
