// SVG → PNG on the server (no browser), for Slack uploads and Teams cards.
import { Resvg } from '@resvg/resvg-js';
import type { ChartSpec } from '../core/message.js';
import { chartSvg } from './svg-chart.js';

export function chartPng(spec: ChartSpec, width = 640): Buffer {
  const resvg = new Resvg(chartSvg(spec), { fitTo: { mode: 'width', value: width }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } });
  return Buffer.from(resvg.render().asPng());
}
