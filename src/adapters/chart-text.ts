// A chart in words, for every renderer: a one-line sparkline shown beside (or
// instead of) the image, and a full description for screen readers.
import type { ChartSpec } from '../core/message.js';
import { sparkline } from '../core/trends/sparkline.js';

const MAX_ALT = 1000;

/** "Trust ▆▃ · Commitment ▆▄": one character a round, a space for a round with too few answers. */
export const chartSparkline = (spec: ChartSpec): string => spec.series.map((s) => `${s.name} ${sparkline(s.values)}`).join(' · ');

/** "Trust and commitment (0–100). Trust: #1 80, #2 30. Commitment: #1 75, #2 not shown." */
export function chartAltText(spec: ChartSpec): string {
  const series = spec.series.map((s) => `${s.name}: ${s.values.map((v, i) => `${spec.labels[i] ?? `#${i + 1}`} ${v === null ? 'not shown' : v}`).join(', ')}.`);
  return [`${spec.title}.`, ...series].join(' ').slice(0, MAX_ALT);
}
