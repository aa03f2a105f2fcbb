// Small-sample statistics, by hand: a handful of people per round is normal
// in a partnership, so intervals must be honest about it.
import { SCALE_HIGHEST, SCALE_LOWEST } from '../model.js';

export const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Sample standard deviation (n − 1); undefined below two values. */
export function sd(xs: number[]): number | undefined {
  if (xs.length < 2) return undefined;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

// Two-sided 95% critical values of Student's t for 1–30 degrees of freedom.
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069,
  2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** t for a 95% interval; fractional df round down (the wider, more cautious interval). */
export function tCritical(df: number): number {
  if (df >= 120) return 1.98;
  if (df > 30) return df >= 60 ? 2.0 : 2.021;
  return T975[Math.max(1, Math.floor(df)) - 1]!;
}

/**
 * 95% Welch interval for mean(a) − mean(b); undefined only when a side has fewer
 * than two values. With no spread on either side the difference is exact: [d, d].
 */
export function welchInterval(a: number[], b: number[]): [number, number] | undefined {
  const sa = sd(a);
  const sb = sd(b);
  if (sa === undefined || sb === undefined) return undefined;
  const va = sa ** 2 / a.length;
  const vb = sb ** 2 / b.length;
  const se = Math.sqrt(va + vb);
  const d = mean(a) - mean(b);
  if (se === 0) return [d, d];
  const df = (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
  const half = tCritical(df) * se;
  return [d - half, d + half];
}

/** The scale (1–5) → 0–100. */
export const rescale = (v: number) => (v - SCALE_LOWEST) * (100 / (SCALE_HIGHEST - SCALE_LOWEST));
export const round1 = (x: number) => Math.round(x * 10) / 10;
