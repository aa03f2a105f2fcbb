// The text fallback for a chart: one character a round, a space where a round
// had too few answers to show.
const BARS = '▁▂▃▄▅▆▇█';

/** The text fallback: one character a round, a space where a round had too few answers. */
export const sparkline = (values: (number | null)[]) =>
  values.map((v) => (v === null ? ' ' : BARS[Math.min(7, Math.floor((Math.max(0, Math.min(100, v)) / 100) * 8))])).join('');
