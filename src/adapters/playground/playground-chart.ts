// A chart as the playground shows it: the SVG drawn on the server travels
// beside the message, and the page shows it as an image (never as markup).
import { chartSvg } from '../../charts/svg-chart.js';
import type { Message } from '../../core/message.js';
import { chartAltText } from '../chart-text.js';

export interface ShownChart {
  /** The chart as SVG text, for an <img> with a data: URL. */
  chartSvg?: string;
  /** What the chart shows, in words, for the image's alt text. */
  chartAlt?: string;
}

export const chartOf = (m: Message): ShownChart => (m.chart ? { chartSvg: chartSvg(m.chart), chartAlt: chartAltText(m.chart) } : {});
