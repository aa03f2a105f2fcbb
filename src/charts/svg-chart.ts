// A line chart of 0–100 indices as SVG text: drawn once here, shown as PNG in
// Slack and Teams and as SVG in the playground and dashboard.
import type { ChartSpec } from '../core/message.js';

const W = 640;
const PLOT_H = 184;
const PAD = { left: 40, right: 16, top: 36, bottom: 40 };
const LEGEND_ITEM = 192;
const LEGEND_ROW = 18;
const COLOURS = ['#1b7f5b', '#2f6fb3', '#c2571a', '#7a4eb5', '#a3372f', '#3b8c8c', '#8a7a1f', '#555d66'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function chartSvg(spec: ChartSpec): string {
  const plotW = W - PAD.left - PAD.right;
  const plotH = PLOT_H;
  // The legend wraps onto as many rows as the series need.
  const perRow = Math.floor(plotW / LEGEND_ITEM);
  const H = PAD.top + plotH + PAD.bottom + (Math.ceil(spec.series.length / perRow) - 1) * LEGEND_ROW;
  const legendY = (si: number) => PAD.top + plotH + 32 + Math.floor(si / perRow) * LEGEND_ROW;
  const legendX = (si: number) => PAD.left + (si % perRow) * LEGEND_ITEM;
  const n = Math.max(spec.labels.length, 1);
  const x = (i: number) => PAD.left + (n === 1 ? plotW / 2 : (i * plotW) / (n - 1));
  const y = (v: number) => PAD.top + plotH - (Math.max(0, Math.min(100, v)) / 100) * plotH;
  const grid = [0, 25, 50, 75, 100]
    .map(
      (v) =>
        `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v)}" y2="${y(v)}" stroke="#e3e7eb"/><text x="${PAD.left - 8}" y="${y(v) + 4}" text-anchor="end" font-size="11" fill="#66707a">${v}</text>`,
    )
    .join('');
  const step = Math.ceil(n / 10);
  const labels = spec.labels
    .map((l, i) =>
      i % step === 0 || i === n - 1 ? `<text x="${x(i)}" y="${PAD.top + plotH + 16}" text-anchor="middle" font-size="11" fill="#66707a">${esc(l)}</text>` : '',
    )
    .join('');
  const lines = spec.series
    .map((s, si) => {
      const colour = COLOURS[si % COLOURS.length]!;
      // A gap (a round with too few answers) breaks the line rather than inventing a value.
      const segments: string[][] = [[]];
      s.values.forEach((v, i) => (v === null ? segments.push([]) : segments.at(-1)!.push(`${x(i).toFixed(1)},${y(v).toFixed(1)}`)));
      const paths = segments
        .filter((seg) => seg.length > 1)
        .map((seg) => `<polyline fill="none" stroke="${colour}" stroke-width="2.5" points="${seg.join(' ')}"/>`);
      const dots = s.values.map((v, i) => (v === null ? '' : `<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3.5" fill="${colour}"/>`));
      const legend = `<rect x="${legendX(si)}" y="${legendY(si) - 5}" width="12" height="4" fill="${colour}"/><text x="${legendX(si) + 18}" y="${legendY(si)}" font-size="12" fill="#2b3137">${esc(s.name.length > 24 ? `${s.name.slice(0, 23)}…` : s.name)}</text>`;
      return paths.join('') + dots.join('') + legend;
    })
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Arial, sans-serif" role="img" aria-label="${esc(spec.title)}">` +
    `<rect width="${W}" height="${H}" fill="#ffffff"/>` +
    `<text x="${PAD.left}" y="22" font-size="15" font-weight="bold" fill="#1d2328">${esc(spec.title)}</text>` +
    grid +
    labels +
    lines +
    `</svg>`
  );
}
