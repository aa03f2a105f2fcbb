// The GCRA limiter that paces the outbox, on a fake clock: bursts, sustained
// pacing, several buckets per send, Retry-After pauses, and look-ups that do not book.
import { describe, expect, it } from 'vitest';
import { RateLimiter, type Bucket } from '../../src/delivery/rate-limiter.js';
import { DeliveryFailure, retryAfterMs } from '../../src/delivery/delivery-failure.js';

function fakeClock(start = 1_000_000) {
  let t = start;
  return {
    now: () => t,
    set: (ms: number) => void (t = ms),
    advance: (ms: number) => void (t += ms),
    get t() {
      return t;
    },
  };
}

/** Sends `n` messages the way the dispatcher does: book, sleep the delay, send. Returns send times relative to the start. */
function schedule(limiter: RateLimiter, clock: ReturnType<typeof fakeClock>, buckets: Bucket[], n: number): number[] {
  const start = clock.t;
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const before = clock.t;
    const wait = limiter.reserve(buckets);
    expect(wait).toBeGreaterThanOrEqual(0);
    times.push(before + wait - start);
  }
  return times;
}

describe('RateLimiter', () => {
  it('lets a burst through at once, then paces at perSecond', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(clock.now);
    const b: Bucket = { key: 'chat', perSecond: 10, burst: 3 };
    // All booked at the same instant: three go now, then one every 100 ms.
    expect(schedule(limiter, clock, [b], 7)).toEqual([0, 0, 0, 100, 200, 300, 400]);
  });

  it('keeps the sustained rate when the sender sleeps between sends', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(clock.now);
    const b: Bucket = { key: 'chat', perSecond: 4, burst: 2 };
    const sent: number[] = [];
    for (let i = 0; i < 10; i++) {
      clock.advance(limiter.reserve([b])); // sleep as told, then send
      sent.push(clock.t - 1_000_000);
    }
    expect(sent).toEqual([0, 0, 250, 500, 750, 1000, 1250, 1500, 1750, 2000]);
    // Never more than `burst` sends in any window of one interval, and perSecond on average.
    expect((sent.length - 2) / ((sent.at(-1)! - sent[1]!) / 1000)).toBe(4);
  });

  it('treats a burst of 0 or 1 as strict pacing', () => {
    for (const burst of [0, 1]) {
      const clock = fakeClock();
      const limiter = new RateLimiter(clock.now);
      expect(schedule(limiter, clock, [{ key: 'k', perSecond: 2, burst }], 4)).toEqual([0, 500, 1000, 1500]);
    }
  });

  it('refills the burst after the bucket has been idle', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(clock.now);
    const b: Bucket = { key: 'chat', perSecond: 10, burst: 3 };
    schedule(limiter, clock, [b], 5); // booked up to 400 ms ahead
    clock.advance(10_000);
    expect(schedule(limiter, clock, [b], 4)).toEqual([0, 0, 0, 100]);
  });

  it('paces only partly after a short idle (the bucket drains at perSecond)', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(clock.now);
    const b: Bucket = { key: 'chat', perSecond: 10, burst: 3 };
    schedule(limiter, clock, [b], 3); // burst spent: next at 100
    clock.advance(100); // one slot drained back
    expect(schedule(limiter, clock, [b], 3)).toEqual([0, 100, 200]);
  });

  it('keeps buckets apart: one bucket being busy does not slow another', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(clock.now);
    const a: Bucket = { key: 'channel:A', perSecond: 1, burst: 1 };
    const b: Bucket = { key: 'channel:B', perSecond: 1, burst: 1 };
    expect(schedule(limiter, clock, [a], 3)).toEqual([0, 1000, 2000]);
    expect(schedule(limiter, clock, [b], 2)).toEqual([0, 1000]);
  });

  it('makes a send through two buckets wait for the slower one', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(clock.now);
    const fast: Bucket = { key: 'method', perSecond: 100, burst: 1 };
    const slow: Bucket = { key: 'channel:C1', perSecond: 2, burst: 1 };
    expect(schedule(limiter, clock, [fast, slow], 3)).toEqual([0, 500, 1000]);
    // And the other way round: a slow method bucket holds back a fast channel.
    const clock2 = fakeClock();
    const limiter2 = new RateLimiter(clock2.now);
    expect(
      schedule(
        limiter2,
        clock2,
        [
          { key: 'channel', perSecond: 100, burst: 50 },
          { key: 'method', perSecond: 5, burst: 1 },
        ],
        3,
      ),
    ).toEqual([0, 200, 400]);
  });

  it('waits for whichever bucket is fuller when both have history', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(clock.now);
    const method: Bucket = { key: 'method', perSecond: 10, burst: 1 };
    const channel: Bucket = { key: 'channel', perSecond: 1, burst: 1 };
    limiter.reserve([method]); // method next free at 100
    limiter.reserve([channel]); // channel next free at 1000
    expect(limiter.waitFor([method])).toBe(100);
    expect(limiter.waitFor([channel])).toBe(1000);
    expect(limiter.waitFor([method, channel])).toBe(1000);
    expect(limiter.reserve([method, channel])).toBe(1000);
  });

  it('pause() holds a bucket for the given time, then lets sends go again', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(clock.now);
    const b: Bucket = { key: 'chat', perSecond: 10, burst: 5 };
    limiter.pause(b, 3_000);
    expect(limiter.waitFor([b])).toBe(3_000);
    expect(limiter.reserve([b])).toBe(3_000);
    clock.advance(1_000);
    expect(limiter.waitFor([b])).toBe(2_100); // booked at 3000, next one 100 ms later
    clock.advance(2_100);
    expect(limiter.waitFor([b])).toBe(0);
  });

  it('pause() applies to every send using that bucket, and not to other buckets', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(clock.now);
    const method: Bucket = { key: 'method', perSecond: 50, burst: 50 };
    const chA: Bucket = { key: 'channel:A', perSecond: 50, burst: 50 };
    const chB: Bucket = { key: 'channel:B', perSecond: 50, burst: 50 };
    limiter.pause(method, 1_500);
    expect(limiter.waitFor([method, chA])).toBe(1_500);
    expect(limiter.waitFor([method, chB])).toBe(1_500);
    expect(limiter.waitFor([chA])).toBe(0);
  });

  it('pause() never shortens a wait that is already longer', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(clock.now);
    const b: Bucket = { key: 'chat', perSecond: 1, burst: 1 };
    limiter.pause(b, 5_000);
    limiter.pause(b, 1_000);
    expect(limiter.waitFor([b])).toBe(5_000);
    const c: Bucket = { key: 'slow', perSecond: 0.1, burst: 1 };
    limiter.reserve([c]);
    limiter.reserve([c]); // next free in 20 s
    limiter.pause(c, 2_000);
    expect(limiter.waitFor([c])).toBe(20_000);
  });

  it('a pause of 0 ms does not hold a fresh bucket', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(clock.now);
    const b: Bucket = { key: 'chat', perSecond: 10, burst: 3 };
    limiter.pause(b, 0);
    expect(limiter.waitFor([b])).toBe(0);
  });

  it('waitFor() only looks: it books nothing, however often it is asked', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(clock.now);
    const b: Bucket = { key: 'chat', perSecond: 10, burst: 2 };
    for (let i = 0; i < 20; i++) expect(limiter.waitFor([b])).toBe(0);
    expect(schedule(limiter, clock, [b], 3)).toEqual([0, 0, 100]);
    for (let i = 0; i < 20; i++) expect(limiter.waitFor([b])).toBe(200);
    expect(limiter.reserve([b])).toBe(200);
  });

  it('waitFor() is never negative and counts down with the clock', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(clock.now);
    const b: Bucket = { key: 'chat', perSecond: 1, burst: 1 };
    limiter.reserve([b]);
    expect(limiter.waitFor([b])).toBe(1_000);
    clock.advance(400);
    expect(limiter.waitFor([b])).toBe(600);
    clock.advance(10_000);
    expect(limiter.waitFor([b])).toBe(0);
    expect(limiter.waitFor([])).toBe(0);
  });

  it('forgets long-idle buckets once it tracks very many, without losing pauses', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(clock.now);
    const paused: Bucket = { key: 'paused', perSecond: 1, burst: 1 };
    for (let i = 0; i < 10_000; i++) limiter.reserve([{ key: `c${i}`, perSecond: 1, burst: 1 }]);
    clock.advance(120_000);
    limiter.pause(paused, 30_000);
    limiter.reserve([{ key: 'trigger', perSecond: 1, burst: 1 }]);
    expect(limiter.waitFor([paused])).toBe(30_000);
    expect(limiter.waitFor([{ key: 'c0', perSecond: 1, burst: 1 }])).toBe(0);
    expect((limiter as unknown as { tat: Map<string, number> }).tat.size).toBeLessThan(100);
  });
});

describe('retryAfterMs (Retry-After header)', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it.each([
    ['2', 2_000],
    [3, 3_000],
    ['0.5', 500],
    ['0', 0],
    ['-4', 0],
    ['Wed, 01 Jan 2025 00:00:30 GMT', 30_000],
    ['Tue, 31 Dec 2024 23:59:00 GMT', 0],
  ] as const)('reads %j as %d ms', (value, ms) => {
    expect(retryAfterMs(value, now)).toBe(ms);
  });

  it.each([[undefined], [null], [''], ['soon']])('gives undefined for %j', (value) => {
    expect(retryAfterMs(value as string | null | undefined, now)).toBeUndefined();
  });
});

describe('DeliveryFailure', () => {
  it('carries its kind, wait and bucket', () => {
    const bucket: Bucket = { key: 'b', perSecond: 1, burst: 1 };
    const f = new DeliveryFailure('rate-limited', 'slow down', 1_500, bucket);
    expect(f).toBeInstanceOf(Error);
    expect(f.name).toBe('DeliveryFailure');
    expect([f.kind, f.message, f.retryAfterMs, f.bucket]).toEqual(['rate-limited', 'slow down', 1_500, bucket]);
  });
});
