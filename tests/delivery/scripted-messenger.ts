// A scripted PlatformMessenger for the outbox tests: records every call with
// its time, can be told to fail the next N calls of one operation with a given
// DeliveryFailure, and keeps what "landed" on the platform so `find` can answer.
import type { Message } from '../../src/core/message.js';
import type { Delivery, Platform } from '../../src/core/model.js';
import type { PlatformMessenger, SendKind, Target } from '../../src/delivery/platform-messenger.js';
import { DeliveryFailure, type FailureKind } from '../../src/delivery/delivery-failure.js';
import type { Bucket } from '../../src/delivery/rate-limiter.js';

export type Op = 'send' | 'update' | 'find';

export interface Call {
  op: Op;
  /** Date.now() when the call was made. */
  at: number;
  kind?: SendKind;
  target?: string;
  tag?: string;
  message?: Message;
  /** The delivery an update was applied to, or the one a send returned / find found. */
  delivery?: Delivery;
  outcome: 'ok' | FailureKind | 'error';
}

export interface Landed {
  kind: SendKind;
  target: string;
  tag: string;
  message: Message;
  delivery: Delivery;
  at: number;
}

interface Scripted {
  op: Op;
  left: number;
  kind: FailureKind | 'error';
  retryAfterMs?: number;
  bucket?: Bucket;
  /** For 'unknown' on send: the message did arrive, only the answer was lost. */
  landed?: boolean;
}

export interface ScriptedOptions {
  platform?: Platform;
  /** Gives the messenger a `find` (Slack-like); without it, it cannot look (Teams-like). */
  canFind?: boolean;
  direct?: boolean;
  /** Rates of the method-wide bucket and of each target's bucket (generous by default: no pacing). */
  methodRate?: { perSecond: number; burst: number };
  targetRate?: { perSecond: number; burst: number };
  /** How long each send/update takes (ms). */
  latencyMs?: number;
}

export class ScriptedMessenger implements PlatformMessenger {
  readonly direct?: boolean;
  readonly platform: Platform;
  /** Every call, in order, whatever its outcome. */
  readonly calls: Call[] = [];
  /** What is on the platform now, by tag: what `find` can see. */
  readonly landed = new Map<string, Landed>();
  readonly unreachable = new Set<string>();
  /** Runs at the start of every send (before any scripted failure), e.g. to inspect the store. */
  onSend?: (kind: SendKind, target: string, tag: string) => void | Promise<void>;
  onUpdate?: (delivery: Delivery) => void | Promise<void>;
  find?: (kind: SendKind, target: Target, tag: string, since: Date) => Promise<Delivery | undefined>;

  private readonly script: Scripted[] = [];
  private seq = 0;
  private readonly o: ScriptedOptions;

  constructor(o: ScriptedOptions = {}) {
    this.o = o;
    this.platform = o.platform ?? 'slack';
    if (o.direct) this.direct = true;
    if (o.canFind ?? true) {
      this.find = async (kind, { id: target }, tag, since) => {
        const call: Call = { op: 'find', at: Date.now(), kind, target, tag, outcome: 'ok' };
        this.calls.push(call);
        this.throwIfScripted('find', call);
        const hit = this.landed.get(tag);
        const found = hit && hit.target === target && hit.kind === kind && hit.at >= since.getTime() ? hit.delivery : undefined;
        if (found) call.delivery = found;
        return found;
      };
    }
  }

  /** The next `n` calls of `op` fail with `kind` (queued after anything scripted before). */
  failNext(n: number, kind: FailureKind | 'error', opts: { op?: Op; retryAfterMs?: number; bucket?: Bucket; landed?: boolean } = {}): this {
    this.script.push({ op: opts.op ?? 'send', left: n, kind, retryAfterMs: opts.retryAfterMs, bucket: opts.bucket, landed: opts.landed });
    return this;
  }

  /** Puts a message on the platform as if an earlier (lost) request had posted it. */
  plant(kind: SendKind, target: string, tag: string, message: Message = { text: 'planted', tone: 'info', audience: 'caller' }): Delivery {
    const delivery = this.newDelivery();
    this.landed.set(tag, { kind, target, tag, message, delivery, at: Date.now() });
    return delivery;
  }

  methodBucket(call: 'send' | 'update' = 'send'): Bucket {
    const rate = this.o.methodRate ?? { perSecond: 100_000, burst: 100_000 };
    return { key: `${this.platform}:${call}`, ...rate };
  }

  targetBucket(target: string): Bucket {
    const rate = this.o.targetRate ?? { perSecond: 100_000, burst: 100_000 };
    return { key: `${this.platform}:target:${target}`, ...rate };
  }

  async reachable(_kind: SendKind, target: Target) {
    return !this.unreachable.has(target.id);
  }

  buckets(call: 'send' | 'update', _kind: SendKind, target: Target): Bucket[] {
    return [this.methodBucket(call), this.targetBucket(target.id)];
  }

  async send(kind: SendKind, { id: target }: Target, message: Message, tag: string): Promise<Delivery> {
    const call: Call = { op: 'send', at: Date.now(), kind, target, tag, message, outcome: 'ok' };
    this.calls.push(call);
    await this.onSend?.(kind, target, tag);
    if (this.o.latencyMs) await sleep(this.o.latencyMs);
    const failure = this.next('send');
    if (failure?.landed || !failure) {
      const delivery = this.newDelivery();
      this.landed.set(tag, { kind, target, tag, message, delivery, at: Date.now() });
      call.delivery = delivery;
    }
    if (failure) this.raise(failure, call);
    return call.delivery!;
  }

  async update(delivery: Delivery, message: Message): Promise<void> {
    const call: Call = { op: 'update', at: Date.now(), delivery, message, outcome: 'ok' };
    this.calls.push(call);
    await this.onUpdate?.(delivery);
    if (this.o.latencyMs) await sleep(this.o.latencyMs);
    this.throwIfScripted('update', call);
  }

  // ---- views -----------------------------------------------------------------

  callsOf(op: Op, outcome?: Call['outcome']): Call[] {
    return this.calls.filter((c) => c.op === op && (outcome === undefined || c.outcome === outcome));
  }
  /** Sends that succeeded (the platform answered with a delivery). */
  get delivered(): Call[] {
    return this.callsOf('send', 'ok');
  }
  sendsFor(tag: string): Call[] {
    return this.callsOf('send').filter((c) => c.tag === tag);
  }

  // ---- internals ---------------------------------------------------------------

  private newDelivery(): Delivery {
    this.seq += 1;
    return { platform: this.platform, channel: `CH${this.seq}`, ts: `1700000000.${String(this.seq).padStart(6, '0')}` };
  }

  private next(op: Op): Scripted | undefined {
    const step = this.script.find((s) => s.op === op && s.left > 0);
    if (step) step.left -= 1;
    return step;
  }

  private throwIfScripted(op: Op, call: Call) {
    const step = this.next(op);
    if (step) this.raise(step, call);
  }

  private raise(step: Scripted, call: Call): never {
    call.outcome = step.kind;
    if (step.kind === 'error') throw new TypeError('socket hang up (not a DeliveryFailure)');
    throw new DeliveryFailure(step.kind, `scripted ${step.kind} failure`, step.retryAfterMs, step.bucket);
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
