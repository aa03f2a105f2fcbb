// How a platform send failed, in the terms the dispatcher acts on.
import type { Bucket } from './rate-limiter.js';

export type FailureKind =
  /** The platform refused for rate: nothing was posted; wait `retryAfterMs` on `bucket`. */
  | 'rate-limited'
  /** Nothing was posted (or the platform asks for a retry): try again after a back-off. */
  | 'transient'
  /** The request went out but no answer came back: it may have been posted. */
  | 'unknown'
  /** It will never work (no such channel, the app was removed). */
  | 'permanent';

export class DeliveryFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly retryAfterMs?: number,
    readonly bucket?: Bucket,
  ) {
    super(message);
    this.name = 'DeliveryFailure';
  }
}

/** Seconds from a Retry-After header value (delta-seconds or an HTTP date), as ms. */
export function retryAfterMs(value: string | number | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(String(value));
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
