// A chart as Slack shows it: a PNG uploaded into a conversation (files.uploadV2:
// get an upload URL, send the bytes, complete the upload into the channel).
import type { webApi } from '@slack/bolt';
import { chartPng } from '../../charts/chart-png.js';
import type { ChartSpec } from '../../core/trends/types.js';
import { chartAltText } from '../chart-text.js';

type WebClient = webApi.WebClient;

export const CHART_FILENAME = 'trends.png';
/** Slack shows images up to its message width; this keeps the figures legible there. */
const CHART_WIDTH = 640;

/** Uploads `spec` as a PNG into `channel`, in the thread of `threadTs` when given. Throws when Slack refuses. */
export async function uploadChart(client: WebClient, channel: string, spec: ChartSpec, threadTs?: string): Promise<void> {
  const file = { file: chartPng(spec, CHART_WIDTH), filename: CHART_FILENAME, title: spec.title, alt_text: chartAltText(spec) };
  await client.files.uploadV2(threadTs ? { ...file, channel_id: channel, thread_ts: threadTs } : { ...file, channel_id: channel });
}
